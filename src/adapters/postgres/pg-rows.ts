import type { z } from 'zod';
import type { InvalidRowReport } from '../../core/ports/fleet.js';
import type { FleetTable } from '../../protocol/fleet-rows.js';
import { formatPath } from '../../protocol/zod-issues.js';

/** Told of every row that failed validation (the daemon counts and reports them). */
export type InvalidRowSink = (row: InvalidRowReport) => void;

/** Printable ASCII only, cut at `max`: a row's words are an attacker's until validated. */
const safe = (s: string, max: number): string => s.slice(0, max).replace(/[^\x20-\x7e]/g, '?');

/** What a row says of itself, read without trusting it: its machine and key, when they are strings. */
function label(
  raw: unknown,
  machineOf: (r: Record<string, unknown>) => unknown,
  keyOf: (r: Record<string, unknown>) => unknown,
) {
  const r = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
  const text = (v: unknown): string | null =>
    typeof v === 'string' || typeof v === 'number' ? safe(String(v), 100) : null;
  return { machine: text(machineOf(r)), key: text(keyOf(r)) ?? '?' };
}

/**
 * Rows as read, each validated against its protocol schema: the valid ones, parsed; the others
 * skipped and told to `sink` with their first problem. A row the query marked too large
 * (`too_large`) is reported as such without being parsed.
 */
export function validRows<S extends z.ZodType>(
  table: FleetTable,
  rows: readonly unknown[],
  schema: S,
  sink: InvalidRowSink,
  name: {
    machine?: (r: Record<string, unknown>) => unknown;
    key: (r: Record<string, unknown>) => unknown;
    tooLarge?: (r: Record<string, unknown>) => boolean;
  },
): z.infer<S>[] {
  const out: z.infer<S>[] = [];
  for (const raw of rows) {
    const where = label(raw, name.machine ?? (() => null), name.key);
    if (name.tooLarge?.(raw as Record<string, unknown>)) {
      sink({ table, ...where, issue: 'too large: its document is over the fleet’s limit' });
      continue;
    }
    const parsed = schema.safeParse(raw);
    if (parsed.success) {
      out.push(parsed.data as z.infer<S>);
      continue;
    }
    const first = parsed.error.issues[0];
    const path = first ? formatPath(first.path) : '';
    const issue = first ? `${path === '' ? '' : `${path}: `}${first.message}` : 'invalid';
    sink({ table, ...where, issue: safe(issue, 300) });
  }
  return out;
}
