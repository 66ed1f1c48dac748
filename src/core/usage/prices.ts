import { KINDS, type TokenCounts } from './token-counts.js';

/** A model's prices in US dollars per million tokens per kind, and its context window in tokens. */
export interface ModelPrice {
  input?: number | undefined;
  output?: number | undefined;
  cacheRead?: number | undefined;
  cacheWrite?: number | undefined;
  contextWindow?: number | undefined;
}

/** A dated price table with its source. */
export interface PriceTable {
  date: string;
  source: string;
  models: Readonly<Record<string, ModelPrice>>;
}

/**
 * The table the meter prices with: the bundled one (unless `bundled` is false) with the config's
 * entries over it, field by field per model.
 */
export function mergePrices(
  bundled: PriceTable,
  own: Readonly<Record<string, ModelPrice>>,
  useBundled = true,
): PriceTable {
  const models: Record<string, ModelPrice> = useBundled ? { ...bundled.models } : {};
  for (const [model, p] of Object.entries(own)) models[model] = { ...models[model], ...p };
  return { ...bundled, models };
}

/**
 * The price entry of a model name as a vendor's records write it: the name itself, or without a
 * release date (`claude-sonnet-4-5-20250929`, `…@20250929`) or a context tag (`…[1m]`). Null when
 * the table has none: the cost is then unknown.
 */
export function priceOf(table: PriceTable, model: string): ModelPrice | null {
  const tried = [model];
  const bare = model.replace(/\[[^\]]*\]$/, '');
  tried.push(bare, bare.replace(/[-@]\d{8}$/, ''), bare.replace(/-latest$/, ''));
  for (const name of tried) {
    const p = Object.hasOwn(table.models, name) ? table.models[name] : undefined;
    if (p) return p;
  }
  return null;
}

/** Dollars for `counts` at `price`; null when a kind it has tokens of has no price. */
export function costOf(counts: TokenCounts, price: ModelPrice | null): number | null {
  if (price === null) return null;
  let usd = 0;
  for (const k of KINDS) {
    if (counts[k] === 0) continue;
    const per = price[k];
    if (per === undefined) return null;
    usd += (counts[k] * per) / 1_000_000;
  }
  return usd;
}
