import { z } from 'zod';
import { AGENT_CLI_PROFILES, PROFILE_NAMES } from '../protocol/constants.js';

/**
 * The permission modes a machine may take tasks from the fleet in: never `bypass` (an agent that
 * edits and runs commands without asking would make a fleet row a remote shell), nor `unknown`.
 */
export const ACCEPTABLE_MODES = ['default', 'accept_edits', 'auto', 'plan', 'dont_ask'] as const;

/**
 * What this machine runs of the fleet's tasks: the fleet database is written by every
 * machine's role, so a task there is a request, judged here. A task outside this policy is not
 * claimed; the refusal, with why, is in the fleet (`wtp task ls`, the dashboard) and this machine's
 * events (`fleet.taskRefused`).
 */
export const acceptTasksSchema = z
  .strictObject({
    profiles: z
      .array(z.enum(PROFILE_NAMES))
      .default([...AGENT_CLI_PROFILES])
      .describe(
        'Profiles it runs fleet tasks with (a task naming none runs with tasks.defaultProfile). Default: the agent CLIs only — `shell` and `cmd` run a task’s prompt as a command line, which would let any machine’s role run commands here; add them only in a fleet whose every role you trust as yourself',
      ),
    permissionModes: z
      .array(z.enum(ACCEPTABLE_MODES))
      .default(['default', 'accept_edits', 'plan', 'dont_ask'])
      .describe(
        'Permission modes (vendor-neutral: default, accept_edits, auto, plan, dont_ask) a fleet task may ask its agent CLI to run in; a task that names none runs in the CLI’s own. A bypass mode (bypassPermissions, yolo, --dangerously-…) is never taken from the fleet, whatever this says',
      ),
    fromMachines: z
      .array(
        z
          .string()
          .regex(
            /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/,
            'a machine name: letters, digits, dot, underscore and dash',
          ),
      )
      .nullable()
      .default(null)
      .describe(
        'Machines whose tasks it runs (the machine that added the task); null: any machine of the fleet',
      ),
  })
  .prefault({})
  .describe(
    'Which tasks of the fleet this machine runs: the profiles, the permission modes and the machines it takes them from (docs/fleet.md#which-tasks-a-machine-runs)',
  );
export type AcceptTasks = z.infer<typeof acceptTasksSchema>;
