import type { PriceTable } from './prices.js';

/**
 * The bundled price table: US dollars per million tokens by model and token kind. Claude's are the
 * pinned Claude Code's own (the model catalog its cost figures use); the others are from the
 * vendors' public pricing pages on the date in `source`. Long-context tiers (Google's higher price
 * for prompts over 200k tokens) and batch discounts are not modelled: the base tier is used. The
 * config's `cost.prices` overrides or extends it per model (a company's negotiated prices, a local
 * model at zero). A kind without a price makes the model's cost unknown when it has tokens of that
 * kind: never a guess.
 */
export const BUNDLED_PRICES: PriceTable = {
  date: '2026-11-28',
  source:
    'Claude: the model catalog in Claude Code 2.1.330, read 2026-11-28; OpenAI and Google: https://platform.openai.com/docs/pricing, https://ai.google.dev/gemini-api/docs/pricing, read 2025-11-24',
  models: {
    // Anthropic: cache writes at the 5-minute rate. Not here: claude-haiku-5-5, whose price above
    // 100k prompt tokens is five times its base (unknown rather than low).
    'claude-opus-5-5': { input: 4, output: 20, cacheWrite: 5, cacheRead: 0.2, contextWindow: 1_000_000 },
    'claude-opus-5': { input: 5, output: 25, cacheWrite: 6.25, cacheRead: 0.5, contextWindow: 1_000_000 },
    'claude-opus-4-8': { input: 5, output: 25, cacheWrite: 6.25, cacheRead: 0.5, contextWindow: 1_000_000 },
    'claude-opus-4-7': { input: 5, output: 25, cacheWrite: 6.25, cacheRead: 0.5, contextWindow: 1_000_000 },
    'claude-opus-4-6': { input: 5, output: 25, cacheWrite: 6.25, cacheRead: 0.5, contextWindow: 200_000 },
    'claude-opus-4-5': { input: 5, output: 25, cacheWrite: 6.25, cacheRead: 0.5, contextWindow: 200_000 },
    'claude-opus-4-1': { input: 15, output: 75, cacheWrite: 18.75, cacheRead: 1.5, contextWindow: 200_000 },
    'claude-opus-4-0': { input: 15, output: 75, cacheWrite: 18.75, cacheRead: 1.5, contextWindow: 200_000 },
    // Records write claude-opus-4-20250514: without its date.
    'claude-opus-4': { input: 15, output: 75, cacheWrite: 18.75, cacheRead: 1.5, contextWindow: 200_000 },
    'claude-fable-5-2': { input: 8, output: 40, cacheWrite: 10, cacheRead: 0.2, contextWindow: 1_000_000 },
    'claude-fable-5-1': {
      input: 10,
      output: 50,
      cacheWrite: 12.5,
      cacheRead: 0.25,
      contextWindow: 1_000_000,
    },
    'claude-fable-5': { input: 10, output: 50, cacheWrite: 12.5, cacheRead: 1, contextWindow: 1_000_000 },
    'claude-mythos-5-2': { input: 8, output: 40, cacheWrite: 10, cacheRead: 0.2, contextWindow: 1_000_000 },
    'claude-mythos-5-1': {
      input: 10,
      output: 50,
      cacheWrite: 12.5,
      cacheRead: 0.25,
      contextWindow: 1_000_000,
    },
    'claude-mythos-5': { input: 10, output: 50, cacheWrite: 12.5, cacheRead: 1, contextWindow: 1_000_000 },
    'claude-sonnet-5-5': { input: 2, output: 10, cacheWrite: 2.5, cacheRead: 0.1, contextWindow: 1_000_000 },
    'claude-sonnet-5': { input: 2, output: 10, cacheWrite: 2.5, cacheRead: 0.2, contextWindow: 1_000_000 },
    'claude-sonnet-4-6': { input: 3, output: 15, cacheWrite: 3.75, cacheRead: 0.3, contextWindow: 200_000 },
    'claude-sonnet-4-5': { input: 3, output: 15, cacheWrite: 3.75, cacheRead: 0.3, contextWindow: 200_000 },
    'claude-sonnet-4-0': { input: 3, output: 15, cacheWrite: 3.75, cacheRead: 0.3, contextWindow: 200_000 },
    'claude-sonnet-4': { input: 3, output: 15, cacheWrite: 3.75, cacheRead: 0.3, contextWindow: 200_000 },
    'claude-3-7-sonnet': { input: 3, output: 15, cacheWrite: 3.75, cacheRead: 0.3, contextWindow: 200_000 },
    'claude-3-5-sonnet': { input: 3, output: 15, cacheWrite: 3.75, cacheRead: 0.3, contextWindow: 200_000 },
    'claude-haiku-4-5': { input: 1, output: 5, cacheWrite: 1.25, cacheRead: 0.1, contextWindow: 200_000 },
    'claude-3-5-haiku': { input: 0.8, output: 4, cacheWrite: 1, cacheRead: 0.08, contextWindow: 200_000 },
    // OpenAI: cached input at the listed rate; no charge for writing the cache is listed.
    'gpt-5': { input: 1.25, output: 10, cacheRead: 0.125, contextWindow: 400_000 },
    'gpt-5-codex': { input: 1.25, output: 10, cacheRead: 0.125, contextWindow: 400_000 },
    'gpt-5-mini': { input: 0.25, output: 2, cacheRead: 0.025, contextWindow: 400_000 },
    'gpt-5-nano': { input: 0.05, output: 0.4, cacheRead: 0.005, contextWindow: 400_000 },
    'gpt-4.1': { input: 2, output: 8, cacheRead: 0.5, contextWindow: 1_047_576 },
    'gpt-4.1-mini': { input: 0.4, output: 1.6, cacheRead: 0.1, contextWindow: 1_047_576 },
    o3: { input: 2, output: 8, cacheRead: 0.5, contextWindow: 200_000 },
    'o4-mini': { input: 1.1, output: 4.4, cacheRead: 0.275, contextWindow: 200_000 },
    // Google: prompts up to 200k tokens; output includes thinking; context-cache reads.
    'gemini-2.5-pro': { input: 1.25, output: 10, cacheRead: 0.31, contextWindow: 1_048_576 },
    'gemini-2.5-flash': { input: 0.3, output: 2.5, cacheRead: 0.075, contextWindow: 1_048_576 },
    'gemini-2.5-flash-lite': { input: 0.1, output: 0.4, cacheRead: 0.025, contextWindow: 1_048_576 },
  },
};
