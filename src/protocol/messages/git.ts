import type { ErrorCode } from '../error-catalog.js';
import type { MessagePairs } from './pairs.js';

/** Git, worktrees, merges, pushes and the forge. */
export const GIT_MESSAGES = {} as const satisfies Partial<Record<ErrorCode, MessagePairs>>;
