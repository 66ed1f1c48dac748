import { z } from 'zod';
import { PROFILE_NAMES } from '../protocol/constants.js';
import { ENV_PATTERN, passesSecret } from './agent-environment.js';

/** A duration setting in ms (0 to a day), with its default and what it is. */
export const ms = (def: number, what: string) =>
  z.number().int().min(0).max(86_400_000).default(def).describe(what);

/** A variable of the daemon's environment to pass on, by name or `PREFIX*`; never one of its secrets. */
const passedName = z
  .string()
  .regex(ENV_PATTERN, 'must be a variable name, or a prefix ending in * (AWS_*)')
  .refine((p) => passesSecret(p) === null, {
    message: "would pass the daemon's fleet URL (WTP_FLEET_URL, with its password) to agents",
  });

const agentEnvSchema = z.strictObject({
  pass: z
    .array(passedName)
    .default([])
    .describe(
      "Variables of the daemon's environment passed on to agents, by name or prefix (`GOPATH`, `AWS_*`)",
    ),
  set: z
    .record(
      z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a variable name'),
      z.string().refine((v) => !v.includes('\0'), 'must not contain NUL'),
    )
    .refine((r) => Object.keys(r).every((k) => passesSecret(k) === null), {
      message: 'WTP_FLEET_URL is the daemon’s, never an agent’s',
    })
    .default({})
    .describe('Variables set for agents, with their values (under their own `--env`)'),
});

/** The config's `agents` section: agent processes and their hosts (src/config/schema.ts). */
export const agentsConfigSchema = z
  .strictObject({
    stopGraceMs: ms(5_000, 'Delay between SIGTERM and SIGKILL when stopping an agent'),
    hostConnectTimeoutMs: ms(15_000, 'A host that has not connected by then is killed; the agent is crashed'),
    submitDelayMs: ms(100, 'Delay between typed text and the Enter that submits it'),
    nice: z
      .number()
      .int()
      .min(0)
      .max(19)
      .default(0)
      .describe(
        "Scheduling priority of agents' processes, as nice(1): 0 (the default) runs them as the daemon runs, 1-19 lower (never higher; on Linux with autogroup scheduling the agent's session group too); the daemon and the hosts, which carry every keystroke, stay at yours. 10 keeps `wtp` and your terminal at their quiet speed on a busy laptop (docs/performance.md#under-contention)",
      ),
    cols: z
      .number()
      .int()
      .min(20)
      .max(1000)
      .default(120)
      .describe("Terminal width of new agents; one in a pane of another size takes the pane's"),
    rows: z
      .number()
      .int()
      .min(5)
      .max(500)
      .default(40)
      .describe("Terminal height of new agents; one in a pane of another size takes the pane's"),
    outputLogMaxBytes: z
      .number()
      .int()
      .min(65_536)
      .default(16 * 1024 * 1024)
      .describe('Output log kept per agent on disk (two rotating files)'),
    hostProcess: z
      .enum(['workspace', 'agent'])
      .default('workspace')
      .describe(
        'workspace (the default) runs the hosts of one workspace in one process, under 2 MiB per agent instead of 16; agent gives each agent a host process of its own, so a host that dies takes only its agent (docs/performance.md#host-processes)',
      ),
    hostBufferMaxBytes: z
      .number()
      .int()
      .min(65_536)
      .default(8 * 1024 * 1024)
      .describe('Output a host holds in memory for the daemon while it is away'),
    outputTailBytes: z
      .number()
      .int()
      .min(4096)
      .default(512 * 1024)
      .describe('Recent output the daemon keeps in memory per agent'),
    claudeHooks: z
      .enum(['auto', 'http', 'command'])
      .default('auto')
      .describe(
        'How Claude Code hooks reach the daemon: http (no process per call; needs api.tcp), command (`wtp hook` over the unix socket), auto: http when api.tcp is on and the CLI is a version verified to take http hooks (2.1.330 or later), else command',
      ),
    preTrust: z
      .boolean()
      .default(true)
      .describe(
        "Pre-accept an agent CLI's trust prompt for the agent's working directory (Claude: ~/.claude.json, Codex: ~/.codex/config.toml, Copilot: ~/.copilot/config.json, Gemini: --skip-trust), unless the folder holds configuration of that CLI's you have not approved (`wtp setup show`, docs/worktrees.md); `wtp rm` takes the entry back",
      ),
    env: agentEnvSchema
      .extend({
        profiles: z
          .partialRecord(z.enum(PROFILE_NAMES), agentEnvSchema)
          .default({})
          .describe('The same per profile, over the above: `claude: { pass: [AWS_*] }`'),
      })
      .prefault({})
      .describe(
        "What agents get beyond the allowlist of the daemon's environment (docs/environment.md): variables passed on by name, and values set. WTP_FLEET_URL is never passed",
      ),
  })
  .prefault({})
  .describe('Agent processes and their hosts');
