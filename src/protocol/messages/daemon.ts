import type { ErrorCode } from '../error-catalog.js';
import type { MessagePairs } from './pairs.js';

/** The daemon, its storage and config, terminals, sandboxes and the service. */
export const DAEMON_MESSAGES = {
  PANE_NOT_FOUND: [
    ['The {terminal} pane {pane} does not exist.', 'Run `wtp ls` to see where each agent runs.'],
  ],
} as const satisfies Partial<Record<ErrorCode, MessagePairs>>;
