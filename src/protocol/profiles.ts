import { z } from 'zod';
import { noNulString } from './argument-strings.js';
import { agentSchema, screenSchema } from './agent.js';
import { answerViaSchema } from './answers.js';
import { isoTimeSchema } from './common.js';
import { PROFILE_NAMES, RECORD_STATES } from './constants.js';
import { signalSchema, signalSourceSchema } from './signals.js';
import { VENDOR_SUPPORT } from './version-range.js';

/** An agent CLI's tested versions against the one installed (`wtp profiles`, `wtp new`). */
export const cliSupportSchema = z.object({
  testedVersions: z
    .array(z.string())
    .describe(
      'The tested version ranges: an exact version (2.1.330) or a prefix ending in .x (0.24.x); empty: never run here',
    ),
  support: z
    .enum(VENDOR_SUPPORT)
    .describe('e2e: proven on the real CLI by our end-to-end tests; screens-only: screens only, not run'),
  version: z.string().nullable().describe('The installed version (`<program> --version`), or null'),
  versionError: z
    .string()
    .nullable()
    .describe('Why no version is known: not found, or `--version` failed or timed out'),
  inRange: z.boolean().nullable().describe('The installed version is a tested one; null: not known'),
  warning: z
    .string()
    .nullable()
    .describe('Set when the version is outside the tested ranges, or the vendor was never run'),
});
export type CliSupportInfo = z.infer<typeof cliSupportSchema>;

/** A profile as `wtp profiles --json` shows it. */
export const profileInfoSchema = z.object({
  name: z.enum(PROFILE_NAMES),
  signals: z.array(signalSourceSchema).describe('Signals the profile supports, most trusted first'),
  agentAware: z.boolean().describe('Whether it tells working / needs you / idle apart (else `running`)'),
  hooks: z.string().nullable().describe('How our hooks are added for one agent only'),
  trust: z.string().nullable().describe('How the trust prompt of a new directory is pre-accepted'),
  resume: z.string().nullable().describe('How a restarted agent resumes its conversation'),
  detector: z.string().nullable().describe('Screen detector table'),
  defaultArgs: z.array(z.string()),
  permissionModes: z.array(z.string()).nullable(),
  program: z.string().nullable().describe('The program it runs (WTP_<NAME>_BIN or the name on PATH)'),
  found: z.string().nullable().describe('Where that program was found on the daemon PATH, or null'),
  cli: cliSupportSchema.nullable().describe('Agent CLIs: tested versions and the installed one; else null'),
  answers: z
    .object({
      always: z
        .boolean()
        .describe(
          'Whether its dialogs can offer an "approve always" option; what one holds for is that option’s own text on each dialog (`stateDetail.request.always`)',
        ),
    })
    .nullable()
    .describe(
      'How its permission dialogs are answered (`wtp approve` / `deny`); null: not declared, answer in its terminal',
    ),
});
export type ProfileInfo = z.infer<typeof profileInfoSchema>;

/** An answer to one of the agent's dialogs, from its audit event (`wtp why`). */
export const whyAnswerSchema = z.object({
  seq: z.number().int().describe('The event-log seq of the agent.approved / agent.denied / agent.answered'),
  at: isoTimeSchema,
  action: z.enum(['approved', 'denied', 'answered']),
  via: answerViaSchema.describe('Who answered; policy: an approval rule'),
  rule: z.string().nullable().describe('policy: the approval rule that matched'),
  tool: z.string().nullable(),
  about: z.string().nullable().describe('The command or path the dialog asked about'),
  detail: z
    .string()
    .nullable()
    .describe('approved always: its scope; denied: the message; answered: the answer given'),
  waitedMs: z.number().int().describe('How long the agent had waited'),
});
export type WhyAnswer = z.infer<typeof whyAnswerSchema>;

/** What was done about the trust of an agent's folder when it was made (`wtp why`). */
export const agentTrustSchema = z.object({
  profile: z.string(),
  folder: z.string().describe("The agent's folder, whose trust its CLI asks about"),
  preTrusted: z
    .boolean()
    .describe("Whether wezterm-parallel pre-accepted the CLI's trust prompt (else it is left to the user)"),
  why: z.string().describe('How it was pre-accepted, or why it was not'),
  config: z
    .object({
      hash: z.string(),
      files: z.array(z.string()),
      problem: z.string().nullable(),
      approved: z.boolean(),
    })
    .nullable()
    .describe(
      "The repository's configuration of that CLI in the folder (what it runs once trusted), or null",
    ),
});
export type AgentTrust = z.infer<typeof agentTrustSchema>;

/** `wtp why`: the state, the signal behind it, and what the agent said lately. */
export const whyResponseSchema = z.object({
  agent: agentSchema,
  signals: z.array(signalSchema).describe('The most recent signals, oldest first (kept in memory)'),
  nextDecisionAt: z
    .string()
    .nullable()
    .optional()
    .describe('When the state is decided again with no new signal (a hold or an override due), or null'),
  rules: z.array(z.string()).describe('The rules that decide between signals, in order'),
  answers: z
    .array(whyAnswerSchema)
    .describe('Its last answers (at most 10), oldest first: who approved, denied or answered what'),
  hookMisses: z
    .array(
      z.object({
        at: z.string().describe('When the miss was noticed'),
        event: z.string().describe('The hook that never arrived (PermissionRequest)'),
        announcedBy: z.string().describe('What announced the dialog instead: status or screen'),
      }),
    )
    .describe(
      'Its last hook calls that failed on the CLI’s side (at most 5, oldest first): agent.hookMissed',
    ),
  trust: agentTrustSchema
    .nullable()
    .default(null)
    .describe("Whether its folder's trust was pre-accepted and why (null: its CLI has no trust prompt)"),
  team: z
    .object({
      lead: z
        .object({ id: z.string(), name: z.string() })
        .nullable()
        .describe(
          'The agent that started it through its MCP tools (its lead), or null; name "?" once removed',
        ),
      workers: z
        .array(z.object({ id: z.string(), name: z.string() }))
        .describe('The agents it started through its MCP tools (its team), oldest first'),
    })
    .optional()
    .describe('Agents driving agents: who started it, whom it started; absent when neither'),
});
export type WhyResponse = z.infer<typeof whyResponseSchema>;

/** A hook payload: a JSON object with at least the event name (other fields are the vendor's). */
export const hookBodySchema = z
  .looseObject({
    hook_event_name: noNulString().min(1).max(100),
    session_id: noNulString().max(200).optional(),
  })
  .describe('The JSON the agent CLI gives its hooks');

/** What a screen detector says about a screen: a state, or `none` (no rule fired, or no detector). */
export const screenVerdictSchema = z.object({
  state: z.enum(RECORD_STATES).describe('The verdict; none: no rule fired (or no detector)'),
  reason: z.string().nullable(),
  about: z.string().nullable().describe('What the dialog asks about (the rule’s `about`), or null'),
  rule: z.string().nullable().describe('`<detector>/<rule id>` of the rule that fired, or null'),
  evidence: z.string().nullable().describe('As `wtp why` shows it, or null'),
});
export type ScreenVerdictInfo = z.infer<typeof screenVerdictSchema>;

/**
 * `wtp record-screen`: the agent's screen as its host renders it (the text the screen detectors
 * read) and what the detector says about it, for a corpus file (test/fixtures/screens/).
 */
export const screenRecordSchema = z.object({
  agent: agentSchema,
  detector: z.string().nullable().describe('The screen detector of its profile, or null (none)'),
  cliVersion: z.string().nullable().describe('The CLI version the rule set is chosen by (`--version`)'),
  screen: screenSchema,
  verdict: screenVerdictSchema,
  mode: z
    .object({
      native: z.string().describe("The CLI's name of the mode its mode line shows"),
      evidence: z.string().describe('The row that shows it'),
    })
    .nullable()
    .default(null)
    .describe(
      'The permission mode the mode line on this screen names, as the host reads it; null: none shown or not read',
    ),
});
export type ScreenRecord = z.infer<typeof screenRecordSchema>;
