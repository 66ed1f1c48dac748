import { AppError } from './app-error.js';
import { AGENT_MESSAGES } from './messages/agents.js';
import { DAEMON_MESSAGES } from './messages/daemon.js';
import { FLEET_MESSAGES } from './messages/fleet.js';
import { GIT_MESSAGES } from './messages/git.js';

/**
 * What an error says, by code (messages/: by area): one sentence of what happened, then one of
 * what to do, each with the details' fields in braces. Where a code has several pairs, the first
 * whose fields are all given (not null) is said: a suggestion before the general advice. The last
 * needs the fewest.
 */
export const ERROR_MESSAGES = {
  ...AGENT_MESSAGES,
  ...GIT_MESSAGES,
  ...DAEMON_MESSAGES,
  ...FLEET_MESSAGES,
} as const;

export type MessageCode = keyof typeof ERROR_MESSAGES;

type Braced<S> = S extends `${string}{${infer K}}${infer R}` ? K | Braced<R> : never;
type Pairs<C extends MessageCode> = (typeof ERROR_MESSAGES)[C];
type Last<T> = T extends readonly [...unknown[], infer L] ? L : never;
type Value = string | number | readonly string[];

/**
 * The fields a code's sentences name: those of its last pair required, the others optional (null
 * where another pair is said instead); any other details besides.
 */
export type MessageFields<C extends MessageCode> = Record<
  Braced<Last<Pairs<C>>[number & keyof Last<Pairs<C>>]>,
  Value
> &
  Partial<Record<Braced<Pairs<C>[number][number]>, Value | null | undefined>> &
  Record<string, unknown>;

const FIELD = /\{(\w+)\}/g;
const given = (v: unknown): boolean => v !== undefined && v !== null;
const fill = (s: string, fields: Record<string, unknown>): string =>
  s.replace(FIELD, (_, n: string) => {
    const v = fields[n];
    return Array.isArray(v) ? v.join(', ') : String(v);
  });

/** The message the catalog gives for `code` with these fields: what happened, then what to do. */
export function errorMessage<C extends MessageCode>(code: C, fields: MessageFields<C>): string {
  const pairs: readonly (readonly [string, string])[] = ERROR_MESSAGES[code];
  const pair = pairs.find((p) =>
    [...p.join(' ').matchAll(FIELD)].every((m) => given(fields[m[1] as string])),
  );
  if (pair === undefined) throw new Error(`${code}: no message has all its fields`);
  return pair.map((s) => fill(s, fields)).join(' ');
}

/** An AppError whose message is the catalog's and whose details are the fields. */
export function appError<C extends MessageCode>(
  code: C,
  fields: MessageFields<C>,
  options?: { cause?: unknown },
): AppError {
  return new AppError(code, errorMessage(code, fields), fields, options);
}
