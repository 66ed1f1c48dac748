import { z } from 'zod';
import { ACTIVITY_STATES } from './constants.js';

export { ACTIVITY_STATES, type ActivityState } from './constants.js';
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

/** One observation about an agent, with the evidence a user can read (`wtp why`). */
export const signalSchema = z.object({
  source: signalSourceSchema,
  state: activityStateSchema,
  reason: z.enum(SIGNAL_REASONS).optional(),
  /** Short, human-readable: "hook PermissionRequest Bash", "screen claude/permission-dialog line 31". */
  evidence: z.string().max(500),
  /** Epoch ms when observed. */
  at: z.number(),
  /** When a usage limit resets, if the vendor said (ISO time). */
  resetsAt: z.string().optional(),
  /** Tool the agent is using or asking for (hooks, status records). */
  tool: z.string().max(200).optional(),
});
export type Signal = z.infer<typeof signalSchema>;
