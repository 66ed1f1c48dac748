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

/** A session id as Qwen Code makes them (a UUID): the only kind that goes into a file name. */
const SESSION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * An assistant record's `usageMetadata` (Gemini's field names): `promptTokenCount` with its
 * cached part (`cachedContentTokenCount`), `candidatesTokenCount` and `thoughtsTokenCount` (output).
 */
function counts(u: Record<string, unknown>): TokenCounts | null {
  const prompt = tokenCount(u.promptTokenCount, MAX_REQUEST_TOKENS);
  const out = tokenCount(u.candidatesTokenCount ?? 0, MAX_REQUEST_TOKENS);
  const cached = tokenCount(u.cachedContentTokenCount ?? 0, MAX_REQUEST_TOKENS);
  const thoughts = tokenCount(u.thoughtsTokenCount ?? 0, MAX_REQUEST_TOKENS);
  if (prompt === null || out === null || cached === null || thoughts === null || cached > prompt) return null;
  return { input: prompt - cached, output: out + thoughts, cacheRead: cached, cacheWrite: 0 };
}

/**
 * One line of a Qwen Code chat recording (`$QWEN_HOME/projects/<folder>/chats/<session>.jsonl`,
 * observed with 0.24.4: test/fixtures/usage/qwen/): an `assistant` record carries `usageMetadata`,
 * `model` and, when known, `contextWindowSize`; counted once per record `uuid`. `system` records
 * (telemetry among them) are passed over.
 */
export function readQwenUsageLine(line: string, tally: FileTally): LineOutcome {
  if (!line.includes('"usageMetadata"') || !line.includes('"assistant"')) return NOTHING;
  const rec = jsonObject(line);
  if (rec === null) return { deltas: [], refused: 'not a JSON object' };
  if (rec.type !== 'assistant') return NOTHING;
  const usage = obj(rec.usageMetadata);
  if (!usage) return NOTHING;
  const c = counts(usage);
  if (c === null) return { deltas: [], refused: 'a token count that is not a plausible number' };
  const model = modelName(rec.model) ?? 'unknown';
  const at = recordTime(rec.timestamp);
  const key = typeof rec.uuid === 'string' && rec.uuid.length <= 100 ? rec.uuid : String(at);
  const deltas = keyedUsage(tally, key, model, c, at);
  tally.model = model;
  tally.context = {
    used: c.input + c.cacheRead + c.output,
    window: tokenCount(rec.contextWindowSize, MAX_REQUEST_TOKENS),
    model,
  };
  return { deltas };
}

/** Qwen Code: the chat recording of each session the agent's hooks named, in its QWEN_HOME. */
export const qwenUsage: UsageSpec = {
  source: 'Qwen Code chat recording',
  exactness: 'exact',
  sessionFiles(ctx) {
    if (ctx.sessionId === null || !SESSION_ID.test(ctx.sessionId)) return [];
    const home = ctx.env.QWEN_HOME || `${ctx.home.replace(/\/$/, '')}/.qwen`;
    return [{ root: `${home}/projects`, segments: [/^[^.]/, 'chats', `${ctx.sessionId}.jsonl`] }];
  },
  readLine: readQwenUsageLine,
};
