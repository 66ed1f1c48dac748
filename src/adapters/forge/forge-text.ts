/** Text from a forge made safe to store and show: no control characters, at most 500 characters. */
export function clean(text: string, max = 500): string {
  const line = text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').trim();
  return line.length > max ? line.slice(0, max) : line;
}

/** A commit id (hex), or null for anything else. */
export function commitOrNull(value: string | null | undefined): string | null {
  return typeof value === 'string' && /^[0-9a-f]{7,64}$/i.test(value) ? value.toLowerCase() : null;
}

/** Epoch ms of an ISO time, or null (absent, unreadable, or Go's zero time). */
export function timeOrNull(value: string | null | undefined): number | null {
  if (!value) return null;
  const ms = Date.parse(value);
  return Number.isFinite(ms) && ms > 0 ? ms : null;
}

/** The number at the end of a pull (or merge) request URL, e.g. `…/pull/12` or `…/-/merge_requests/7`. */
export function numberFromUrl(url: string, kind: 'pull' | 'merge_requests'): number | null {
  const m = new RegExp(`/${kind}/(\\d+)(?:[/?#].*)?$`).exec(url);
  return m ? Number(m[1]) : null;
}
