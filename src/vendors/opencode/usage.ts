import {
  jsonObject,
  keyedUsage,
  modelName,
  NOTHING,
  obj,
  recordTime,
  type FileTally,
  type LineOutcome,
} from '../../core/usage/usage-tally.js';
import type { UsageSpec } from '../../core/usage/usage-spec.js';
import { MAX_REQUEST_TOKENS, tokenCount, type TokenCounts } from '../../core/usage/token-counts.js';

/** A session id as OpenCode makes them (`ses_` and base62): the only kind looked up. */
const SESSION_ID = /^ses_[0-9A-Za-z]{1,64}$/;

/**
 * A `step-finish` part's `tokens` (OpenCode's own split of the provider's usage): `input` without
 * the cached parts (`cache.read`, `cache.write`), `output` without `reasoning` (counted as output).
 */
function counts(t: Record<string, unknown>): TokenCounts | null {
  const cache = t.cache === undefined ? {} : obj(t.cache);
  if (!cache) return null;
  const input = tokenCount(t.input, MAX_REQUEST_TOKENS);
  const output = tokenCount(t.output, MAX_REQUEST_TOKENS);
  // Absent is none; null or anything else is not a count.
  const optional = (v: unknown): number | null => tokenCount(v === undefined ? 0 : v, MAX_REQUEST_TOKENS);
  const reasoning = optional(t.reasoning);
  const read = optional(cache.read);
  const write = optional(cache.write);
  if (input === null || output === null || reasoning === null || read === null || write === null) return null;
  return { input, output: output + reasoning, cacheRead: read, cacheWrite: write };
}

/** A JSON object from a text column, undefined when absent, null when not an object. */
function column(v: unknown): Record<string, unknown> | null | undefined {
  if (v === null || v === undefined) return undefined;
  return typeof v === 'string' ? jsonObject(v) : null;
}

/**
 * One row of OpenCode's database as the adapter hands it out (adapters/usage/opencode-db.ts:
 * `{id, time, part, message}`, the part's and its message's `data` as text), observed with
 * 1.18.33 (test/fixtures/usage/opencode/): each model call of a session ends with a `step-finish`
 * part holding that call's `tokens` (and OpenCode's `cost`, not used: prices are the meter's); its
 * message names the model (`modelID`). Counted once per part id; a part older than the newest
 * counted is passed over (a session's calls end one after another, so it was counted before).
 */
export function readOpencodeUsageLine(line: string, tally: FileTally): LineOutcome {
  const rec = jsonObject(line);
  if (rec === null) return { deltas: [], refused: 'not a JSON object' };
  const part = column(rec.part);
  if (part === null) return { deltas: [], refused: 'a part that is not a JSON object' };
  if (part === undefined || part.type !== 'step-finish') return NOTHING;
  const tokens = obj(part.tokens);
  if (!tokens) return NOTHING;
  const c = counts(tokens);
  if (c === null) return { deltas: [], refused: 'a token count that is not a plausible number' };
  const message = column(rec.message);
  const model = modelName(message?.modelID) ?? 'unknown';
  const at = recordTime(rec.time);
  if (at !== null && at < tally.watermark) return NOTHING;
  const key = typeof rec.id === 'string' && rec.id.length <= 100 ? rec.id : String(at);
  const deltas = keyedUsage(tally, key, model, c, at);
  tally.model = model;
  tally.context = { used: c.input + c.cacheRead + c.cacheWrite + c.output, window: null, model };
  return { deltas };
}

/**
 * OpenCode: its SQLite database, `OPENCODE_DB` (a path, or a name in its data folder) or
 * `$XDG_DATA_HOME/opencode/opencode.db` (`~/.local/share/opencode/…`), the rows of the session its
 * plugin named and of that session's subagents.
 */
export const opencodeUsage: UsageSpec = {
  source: 'OpenCode database (step-finish parts)',
  exactness: 'exact',
  sessionFiles(ctx) {
    if (ctx.sessionId === null || !SESSION_ID.test(ctx.sessionId)) return [];
    const data = `${(ctx.env.XDG_DATA_HOME || `${ctx.home.replace(/\/$/, '')}/.local/share`).replace(/\/$/, '')}/opencode`;
    const named = ctx.env.OPENCODE_DB;
    if (named === ':memory:') return [];
    const path = !named ? `${data}/opencode.db` : named.startsWith('/') ? named : `${data}/${named}`;
    const cut = path.lastIndexOf('/');
    const name = path.slice(cut + 1);
    if (name === '' || name === '.' || name === '..') return [];
    return [
      {
        root: path.slice(0, cut) || '/',
        segments: [name],
        database: { schema: 'opencode', session: ctx.sessionId },
      },
    ];
  },
  readLine: readOpencodeUsageLine,
};
