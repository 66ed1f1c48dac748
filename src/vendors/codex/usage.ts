import {
  cumulativeUsage,
  jsonObject,
  modelName,
  NOTHING,
  obj,
  recordTime,
  type FileTally,
  type LineOutcome,
} from '../../core/usage/usage-tally.js';
import type { UsageSpec } from '../../core/usage/usage-spec.js';
import {
  MAX_REQUEST_TOKENS,
  MAX_SESSION_TOKENS,
  tokenCount,
  type TokenCounts,
} from '../../core/usage/token-counts.js';

/** A thread id as Codex makes them (UUIDv7): the only kind that goes into a file name pattern. */
const THREAD_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Codex's token usage (OpenAI's numbers): `input_tokens` includes `cached_input_tokens`, and
 * `output_tokens` includes `reasoning_output_tokens`.
 */
function counts(u: Record<string, unknown>, max: number): TokenCounts | null {
  const input = tokenCount(u.input_tokens, max);
  const cached = tokenCount(u.cached_input_tokens ?? 0, max);
  const output = tokenCount(u.output_tokens, max);
  const written = tokenCount(u.cache_write_input_tokens ?? 0, max);
  if (input === null || cached === null || output === null || written === null || cached > input) return null;
  return { input: input - cached, output, cacheRead: cached, cacheWrite: written };
}

/**
 * One line of a Codex session rollout (`$CODEX_HOME/sessions/YYYY/MM/DD/rollout-<time>-<thread>.jsonl`,
 * observed with 0.169.0: test/fixtures/usage/codex/): `event_msg` lines of type `token_count` carry
 * the thread's running total (`info.total_token_usage`), the last request's usage and the model's
 * context window; `turn_context` lines name the model. The running total is what is counted (what
 * grew since the last one): Codex repeats a `token_count` when only its rate limits changed, so
 * summing the last requests' usage would count some twice.
 */
export function readCodexUsageLine(line: string, tally: FileTally): LineOutcome {
  if (!line.includes('"token_count"') && !line.includes('"turn_context"')) return NOTHING;
  const rec = jsonObject(line);
  if (rec === null) return { deltas: [], refused: 'not a JSON object' };
  const payload = obj(rec.payload);
  if (!payload) return NOTHING;
  if (rec.type === 'turn_context') {
    const model = modelName(payload.model);
    if (model !== null) tally.model = model;
    return NOTHING;
  }
  if (rec.type !== 'event_msg' || payload.type !== 'token_count') return NOTHING;
  const info = obj(payload.info);
  const total = obj(info?.total_token_usage);
  if (!info || !total) return NOTHING; // a rate-limit update only
  const c = counts(total, MAX_SESSION_TOKENS);
  if (c === null) return { deltas: [], refused: 'a token count that is not a plausible number' };
  const model = tally.model ?? 'unknown';
  const last = obj(info.last_token_usage);
  const lastCounts = last ? counts(last, MAX_REQUEST_TOKENS) : null;
  const window = tokenCount(info.model_context_window, MAX_REQUEST_TOKENS);
  if (lastCounts) {
    tally.context = {
      used: lastCounts.input + lastCounts.cacheRead + lastCounts.output,
      window,
      model: tally.model,
    };
  }
  return cumulativeUsage(tally, model, c, recordTime(rec.timestamp));
}

/** Codex: the rollout of each thread the agent's hooks named, under its CODEX_HOME's `sessions/`. */
export const codexUsage: UsageSpec = {
  source: 'Codex session rollout (token_count events)',
  exactness: 'exact',
  sessionFiles(ctx) {
    if (ctx.sessionId === null || !THREAD_ID.test(ctx.sessionId)) return [];
    const home = ctx.env.CODEX_HOME || `${ctx.home.replace(/\/$/, '')}/.codex`;
    const id = ctx.sessionId.toLowerCase();
    const name = new RegExp(`^rollout-[0-9T:-]+-${id}\\.jsonl$`);
    return [{ root: `${home}/sessions`, segments: [/^\d{4}$/, /^\d{2}$/, /^\d{2}$/, name] }];
  },
  readLine: readCodexUsageLine,
};
