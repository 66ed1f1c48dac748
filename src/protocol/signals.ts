import { z } from 'zod';
import { ACTIVITY_STATES, REQUEST_ABOUT_MAX } from './constants.js';

export { ACTIVITY_STATES, REQUEST_ABOUT_MAX, type ActivityState } from './constants.js';
export const activityStateSchema = z.enum(ACTIVITY_STATES);

/**
 * Where a signal comes from, most trusted first: the terminal status protocol (OSC 7501),
 * agent hooks, a structured stream, screen detectors, process liveness and CPU.
 */
export const SIGNAL_SOURCES = ['status', 'hook', 'stream', 'screen', 'process'] as const;
export type SignalSource = (typeof SIGNAL_SOURCES)[number];
export const signalSourceSchema = z.enum(SIGNAL_SOURCES);

/** Why an agent needs the user, or why it is idle. */
export const SIGNAL_REASONS = [
  'permission',
  'question',
  'auth',
  'trust',
  'usage_limit',
  'error',
  'turn_done',
  'interrupted',
  'at_prompt',
] as const;
export type SignalReason = (typeof SIGNAL_REASONS)[number];

/**
 * What a waiting agent asks: the pending request as data, from the hook payload or the
 * dialog on its screen. `since` is the state's `stateSince`.
 */
export const pendingRequestSchema = z.object({
  kind: z.enum(['permission', 'question']).describe('A permission dialog, or a question (needs_input)'),
  tool: z.string().max(200).optional().describe('The tool asked for (Bash, Write, run_shell_command…)'),
  about: z
    .string()
    .max(REQUEST_ABOUT_MAX)
    .optional()
    .describe('The command or file path asked about, as the answer check compares it with the screen'),
  complete: z
    .boolean()
    .optional()
    .describe(
      "true: `about` is the whole command or path, from the agent's hook (not read off its screen, not cut at 64 KiB); only such a request can be approved by a rule",
    ),
  diff: z
    .string()
    .max(8_000)
    .optional()
    .describe('For an edit: the change (a unified diff or the new content), when the payload has it'),
  question: z.string().max(2_000).optional().describe('A question: its text'),
  options: z
    .array(z.string().max(300))
    .max(20)
    .optional()
    .describe('The options the dialog offers, in order (a question: its choices)'),
  unknown: z
    .boolean()
    .optional()
    .describe(
      'A dialog the screen rules see but do not know how to answer: the user answers it with its keys (`wtp send NAME --key … --force`)',
    ),
});
export type PendingRequest = z.infer<typeof pendingRequestSchema>;

/** One observation about an agent, with the evidence a user can read (`wtp why`). */
export const signalSchema = z.object({
  source: signalSourceSchema,
  state: activityStateSchema,
  reason: z.enum(SIGNAL_REASONS).optional(),
  /** Short, human-readable: "hook PermissionRequest Bash", "screen claude/permission-dialog line 31". */
  evidence: z.string().max(500),
  /** Epoch ms when observed. */
  at: z.number(),
  /** Epoch ms when the daemon took it in (`wtp why`'s signals only): a late one shows as such. */
  receivedAt: z.number().optional(),
  /** When a usage limit resets, if the vendor said (ISO time). */
  resetsAt: z.string().optional(),
  /** Tool the agent is using or asking for (hooks, status records). */
  tool: z.string().max(200).optional(),
  /** needs_permission / needs_input: what is asked (hook payload, screen dialog), when known. */
  request: pendingRequestSchema.optional(),
});
export type Signal = z.infer<typeof signalSchema>;
