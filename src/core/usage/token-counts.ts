import type { TokenCountsView } from '../../protocol/usage.js';

/** Tokens by kind: `input` without the cached part, `output` with reasoning (protocol/usage.ts). */
export type TokenCounts = TokenCountsView;

export const KINDS = ['input', 'output', 'cacheRead', 'cacheWrite'] as const;

export const zeroCounts = (): TokenCounts => ({ input: 0, output: 0, cacheRead: 0, cacheWrite: 0 });

export function addCounts(a: TokenCounts, b: TokenCounts): TokenCounts {
  return {
    input: a.input + b.input,
    output: a.output + b.output,
    cacheRead: a.cacheRead + b.cacheRead,
    cacheWrite: a.cacheWrite + b.cacheWrite,
  };
}

/** a − b, field by field (may be negative: a correction of a line counted before). */
export function subCounts(a: TokenCounts, b: TokenCounts): TokenCounts {
  return {
    input: a.input - b.input,
    output: a.output - b.output,
    cacheRead: a.cacheRead - b.cacheRead,
    cacheWrite: a.cacheWrite - b.cacheWrite,
  };
}

/** Every field at least 0. */
export const floorCounts = (c: TokenCounts): TokenCounts => ({
  input: Math.max(0, c.input),
  output: Math.max(0, c.output),
  cacheRead: Math.max(0, c.cacheRead),
  cacheWrite: Math.max(0, c.cacheWrite),
});

export const isZero = (c: TokenCounts): boolean => KINDS.every((k) => c[k] === 0);

export const totalTokens = (c: TokenCounts): number => c.input + c.output + c.cacheRead + c.cacheWrite;

/**
 * A token count from a vendor's record: a safe non-negative integer no larger than `max`, or null
 * (absent, negative, fractional, a string, NaN, or beyond what one record can hold: forged).
 */
export function tokenCount(v: unknown, max: number): number | null {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0 || v > max) return null;
  return v;
}

/** Tokens one model request can hold at most (the largest context windows are ~2 million). */
export const MAX_REQUEST_TOKENS = 50_000_000;
/** Tokens a session's running total can hold at most (a cumulative record, Codex's). */
export const MAX_SESSION_TOKENS = 1e12;
