import { z } from 'zod';
import { PROFILE_NAMES } from './constants.js';
import { VENDOR_SUPPORT } from './version-range.js';
import { agentPermissionSchema } from './permission-mode.js';

/** An agent CLI as the daemon would run it: `GET /agent-clis`, and `wtp doctor`. */
export const agentCliInfoSchema = z.object({
  profile: z.enum(PROFILE_NAMES),
  program: z.string().describe('What the profile runs: WTP_<NAME>_BIN when set, else its name on PATH'),
  variable: z.string().describe('The environment variable that names its program, e.g. WTP_CLAUDE_BIN'),
  fromVariable: z.boolean().describe('Whether that variable is set (in the environment looked at)'),
  found: z.string().nullable().describe('The executable file it resolves to, or null'),
  searched: z.array(z.string()).describe('Every path tried when it was not found'),
  testedVersions: z
    .array(z.string())
    .describe(
      'The version ranges the tests run and the recorded screens come from (2.1.330, 0.24.x); empty: never run here',
    ),
  support: z
    .enum(VENDOR_SUPPORT)
    .describe('e2e: proven on the real CLI by our end-to-end tests; screens-only: screens only, not run'),
  install: z.string().nullable().describe('How to install it'),
  hooks: z.string().nullable().describe('How our hooks reach it, or null'),
  trust: z.string().nullable().describe('Where its trust prompt is pre-accepted (agents.preTrust), or null'),
  broadFlags: z
    .array(z.array(z.string()))
    .default([])
    .describe('Arguments that let it act without asking (`wtp doctor` lists agents started with them)'),
  askWith: z
    .string()
    .nullable()
    .default(null)
    .describe(
      'How to start it so that it asks before it acts (`--permission-mode default`); null: not known',
    ),
});
export type AgentCliInfo = z.infer<typeof agentCliInfoSchema>;

export const agentClisSchema = z.object({
  agentClis: z.array(agentCliInfoSchema),
  path: z.string().nullable().describe('The PATH they were looked up on (the one agents get)'),
});
export type AgentClis = z.infer<typeof agentClisSchema>;

/** A compiled addon wezterm-parallel needs, and whether it loads here (this Node.js, this platform). */
export interface NativeAddon {
  name: 'better-sqlite3' | 'node-pty';
  ok: boolean;
  /** The loader's first line when it does not load. */
  error: string | null;
  /** Where the package is installed (null: not found at all). */
  dir: string | null;
}

export const DOCTOR_STATUSES = ['ok', 'warn', 'fail', 'skip'] as const;

/** One check of `wtp doctor`. */
export const doctorCheckSchema = z.object({
  id: z
    .string()
    .describe(
      'node, addon:sqlite (better-sqlite3), addon:pty (node-pty), processes, tmux, git, wezterm, agent:<profile>, node:<profile> (the Node.js an agent CLI from npm asks for, when it is a Node script), config, hooks, trust, daemon, port, files, plugin, disk, agents (none installed), sandbox, permissions, prices (a running agent whose model has no price), fleet',
    ),
  status: z
    .enum(DOCTOR_STATUSES)
    .describe('ok; warn (works, with a caveat); fail (`wtp doctor` exits 1); skip (optional, not set up)'),
  summary: z.string().describe('What was found, in one line'),
  fix: z.string().nullable().describe('What to do about it (always set for warn and fail)'),
  version: z.string().nullable().describe('The version found (tools and agent CLIs), else null'),
  path: z.string().nullable().describe('The file the check is about, when one'),
});
export type DoctorCheck = z.infer<typeof doctorCheckSchema>;

export const doctorReportSchema = z.object({
  ok: z.boolean().describe('No check failed (warnings allowed)'),
  agentClisFrom: z
    .enum(['daemon', 'local'])
    .describe('Agent CLIs as the running daemon finds them, or resolved here with its rules (no daemon)'),
  agentClisPath: z.string().nullable().describe('The PATH the agent CLIs were looked up on'),
  checks: z.array(doctorCheckSchema),
  broadPermissions: z
    .strictObject({
      agents: z
        .array(
          z.strictObject({
            agent: z.string(),
            id: z.string(),
            workspace: z.string(),
            profile: z.string(),
            flags: z.array(z.string()).describe('The broad-permission arguments it runs with'),
          }),
        )
        .describe('Running agents started with a flag that lets them act without asking'),
      modes: z
        .array(
          z.strictObject({
            agent: z.string(),
            id: z.string(),
            workspace: z.string(),
            profile: z.string(),
            permission: agentPermissionSchema.describe(
              'Its effective permission mode (as `wtp ls --json` shows it)',
            ),
            askWith: z.string().nullable().describe('How to start it so that it asks'),
          }),
        )
        .default([])
        .describe(
          'Running agents whose effective permission mode acts without asking (accept_edits, auto, bypass), whatever made it so: a flag, settings, the vendor default, a change during the session',
        ),
      rules: z
        .array(z.strictObject({ path: z.string(), rule: z.string() }))
        .describe('Allow rules of the config that say yes to everything (`Bash(*)`, `*`)'),
    })
    .describe('The `permissions` check in detail'),
});
export type DoctorReport = z.infer<typeof doctorReportSchema>;
