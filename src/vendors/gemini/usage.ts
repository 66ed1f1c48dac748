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

/** A session id as Gemini CLI makes them (a UUID); its file names carry the first 8 characters. */
const SESSION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A Gemini CLI message's `tokens` (from the API's usageMetadata): `input` is the prompt with its
 * cached part, `output` the candidates, `thoughts` and `tool` are billed as output and input.
 */
function counts(t: Record<string, unknown>): TokenCounts | null {
  const input = tokenCount(t.input, MAX_REQUEST_TOKENS);
  const output = tokenCount(t.output, MAX_REQUEST_TOKENS);
  const cached = tokenCount(t.cached ?? 0, MAX_REQUEST_TOKENS);
  const thoughts = tokenCount(t.thoughts ?? 0, MAX_REQUEST_TOKENS);
  const tool = tokenCount(t.tool ?? 0, MAX_REQUEST_TOKENS);
  if (input === null || output === null || cached === null || thoughts === null || tool === null) return null;
  if (cached > input) return null;
  return { input: input - cached + tool, output: output + thoughts, cacheRead: cached, cacheWrite: 0 };
}

/**
 * One line of a Gemini CLI chat recording (`$GEMINI_CLI_HOME/.gemini/tmp/<project>/chats/session-<time>-<id8>.jsonl`,
 * observed with 0.61.0: test/fixtures/usage/gemini/): a `gemini` message record carries `tokens`
 * and `model`; it is written again (same `id`) when its tool calls are added — counted once.
 * `$set` lines re-state the conversation on resume and are passed over.
 */
export function readGeminiUsageLine(line: string, tally: FileTally): LineOutcome {
  if (!line.includes('"gemini"') || !line.includes('"tokens"') || line.startsWith('{"$set"')) return NOTHING;
  const rec = jsonObject(line);
  if (rec === null) return { deltas: [], refused: 'not a JSON object' };
  if (rec.type !== 'gemini') return NOTHING;
  const tokens = obj(rec.tokens);
  if (!tokens) return NOTHING;
  const c = counts(tokens);
  if (c === null) return { deltas: [], refused: 'a token count that is not a plausible number' };
  const model = modelName(rec.model) ?? 'unknown';
  const id = typeof rec.id === 'string' && rec.id.length <= 200 ? rec.id : null;
  const at = recordTime(rec.timestamp);
  const deltas = keyedUsage(tally, id ?? String(at), model, c, at);
  tally.model = model;
  tally.context = { used: c.input + c.cacheRead + c.output, window: null, model };
  return { deltas };
}

/**
 * Gemini CLI: the chat recordings of the sessions the agent's hooks named, in its own Gemini home
 * (GEMINI_CLI_HOME, set per agent by setup.ts).
 */
export const geminiUsage: UsageSpec = {
  source: 'Gemini CLI chat recording',
  exactness: 'exact',
  sessionFiles(ctx) {
    if (ctx.sessionId === null || !SESSION_ID.test(ctx.sessionId)) return [];
    const home = ctx.env.GEMINI_CLI_HOME || ctx.home;
    const id8 = ctx.sessionId.slice(0, 8).toLowerCase();
    const name = new RegExp(`^session-[0-9T:-]+-${id8}\\.jsonl$`);
    return [{ root: `${home.replace(/\/$/, '')}/.gemini/tmp`, segments: [/^[^.]/, 'chats', name] }];
  },
  readLine: readGeminiUsageLine,
};
