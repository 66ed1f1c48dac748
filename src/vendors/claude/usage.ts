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

/** A session id as Claude Code makes them (a UUID): the only kind that goes into a file name. */
const SESSION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The usage block of a Messages API response, as Claude Code copies it into `message.usage`. */
function counts(usage: Record<string, unknown>): TokenCounts | null {
  const input = tokenCount(usage.input_tokens, MAX_REQUEST_TOKENS);
  const output = tokenCount(usage.output_tokens, MAX_REQUEST_TOKENS);
  const cacheRead = tokenCount(usage.cache_read_input_tokens ?? 0, MAX_REQUEST_TOKENS);
  const cacheWrite = tokenCount(usage.cache_creation_input_tokens ?? 0, MAX_REQUEST_TOKENS);
  if (input === null || output === null || cacheRead === null || cacheWrite === null) return null;
  return { input, output, cacheRead, cacheWrite };
}

/**
 * One line of a Claude Code session transcript (`<config dir>/projects/<folder>/<session>.jsonl`,
 * observed with 2.1.330: test/fixtures/usage/claude/): an `assistant` line carries the API's usage
 * of its message in `message.usage`; a message with several content blocks is written once per
 * block, each line with the same `message.id` and usage — counted once, the last line standing.
 * Everything else (user lines, attachments, `cost-state`, `api-request`) is passed over.
 */
export function readClaudeUsageLine(line: string, tally: FileTally): LineOutcome {
  // Most lines are not assistant messages: a cheap test before parsing.
  if (!line.includes('"assistant"') || !line.includes('"usage"')) return NOTHING;
  const rec = jsonObject(line);
  if (rec === null) return { deltas: [], refused: 'not a JSON object' };
  if (rec.type !== 'assistant') return NOTHING;
  const message = obj(rec.message);
  const usage = obj(message?.usage);
  if (!message || !usage) return NOTHING;
  const id = typeof message.id === 'string' && message.id.length <= 200 ? message.id : null;
  const model = modelName(message.model);
  const c = counts(usage);
  if (c === null) return { deltas: [], refused: 'a token count that is not a plausible number' };
  // Claude Code's own placeholder messages (API errors it shows as a message) use this model.
  if (model === null || model === '<synthetic>') return NOTHING;
  const at = recordTime(rec.timestamp);
  const key = id ?? `${typeof rec.uuid === 'string' ? rec.uuid.slice(0, 100) : String(at)}`;
  const deltas = keyedUsage(tally, key, model, c, at);
  tally.model = model;
  tally.context = { used: c.input + c.cacheRead + c.cacheWrite + c.output, window: null, model };
  return { deltas };
}

/**
 * Claude Code: the session transcript of each session the agent's hooks named, in any project
 * folder of its config dir (Claude Code names the folder after the cwd, shortened when long), and
 * its subagents' transcripts beside it (`<session>/subagents/*.jsonl`).
 */
export const claudeUsage: UsageSpec = {
  source: 'Claude Code session transcript',
  exactness: 'exact',
  sessionFiles(ctx) {
    if (ctx.sessionId === null || !SESSION_ID.test(ctx.sessionId)) return [];
    const dir = ctx.env.CLAUDE_CONFIG_DIR || `${ctx.home.replace(/\/$/, '')}/.claude`;
    const any = /^[^.]/;
    return [
      { root: `${dir}/projects`, segments: [any, `${ctx.sessionId}.jsonl`] },
      { root: `${dir}/projects`, segments: [any, ctx.sessionId, 'subagents', /^agent-[^/]*\.jsonl$/] },
    ];
  },
  readLine: readClaudeUsageLine,
};
