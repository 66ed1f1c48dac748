import type { AgentUsageView, ContextFillView, TokenCountsView } from './usage.js';

/**
 * How usage reads in every view (the CLI, the TUI, the dashboard): money, tokens, the context
 * bar. No zod: `wtp ls` loads it on its fast path.
 */

/** "$0.0186", "$12.40": cents with two more digits below a dollar. */
export function usd(n: number): string {
  if (n === 0) return '$0';
  return n < 1 ? `$${n.toFixed(4)}` : `$${n.toFixed(2)}`;
}

/** "1.2k", "3.4M": a token count in a narrow column. */
export function shortTokens(n: number): string {
  if (n < 1000) return String(n);
  if (n < 1_000_000) return `${(n / 1000).toFixed(n < 10_000 ? 1 : 0)}k`;
  return `${(n / 1_000_000).toFixed(n < 10_000_000 ? 1 : 0)}M`;
}

export const tokenTotal = (t: TokenCountsView): number => t.input + t.output + t.cacheRead + t.cacheWrite;

/** An agent's cost: "$0.0186", "unknown" (a model without a price: never a guess), or "-". */
export function costWords(u: AgentUsageView | undefined | null): string {
  if (!u) return '-';
  if (u.costUsd === null) return 'unknown';
  return usd(u.costUsd);
}

/** "[███░░░░░░░] 31%" (the window known), or "84k tokens" (unknown window). */
export function contextBar(c: ContextFillView | null | undefined, width = 10): string {
  if (!c) return '-';
  if (c.percent === null) return `${shortTokens(c.used)} tokens (window unknown)`;
  const filled = Math.max(0, Math.min(width, Math.round((c.percent / 100) * width)));
  return `[${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${Math.round(c.percent)}%`;
}

/** The lines `wtp why` shows of an agent's usage. */
export function usageLines(u: AgentUsageView): string[] {
  const t = u.tokens;
  const lines = [
    `cost: ${costWords(u)}${u.unpricedModels.length > 0 ? ` (no price for ${u.unpricedModels.join(', ')}; tokens counted)` : ''}`,
    `tokens: ${t.input} in, ${t.output} out, ${t.cacheRead} cache read, ${t.cacheWrite} cache write (${u.exactness}, from the ${u.source})`,
  ];
  for (const m of u.models.length > 1 ? u.models : [])
    lines.push(
      `  ${m.model}: ${tokenTotal(m.tokens)} tokens, ${m.costUsd === null ? 'unknown' : usd(m.costUsd)}`,
    );
  if (u.context) {
    const w = u.context.window === null ? '' : ` of ${u.context.window}`;
    lines.push(
      `context: ${contextBar(u.context)} (${u.context.used}${w} tokens at the last request${u.context.model ? `, ${u.context.model}` : ''})`,
    );
  }
  if (u.problem !== null) lines.push(`usage refused ${u.refused} time(s); last: ${u.problem}`);
  return lines;
}
