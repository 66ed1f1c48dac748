/** A route pattern such as `/api/v1/agents/:agent/pty`, compiled to a matcher. */
interface Entry<T> {
  method: string;
  pattern: string;
  re: RegExp;
  keys: string[];
  value: T;
}

export type RouteMatch<T> =
  | { kind: 'found'; value: T; params: Record<string, string>; pattern: string }
  | { kind: 'wrong-method'; allowed: string[] }
  | { kind: 'none' };

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Method + path routing with `:name` parameters (one path segment each, URL-decoded) and a
 * trailing `*` (the rest of the path, possibly empty, URL-decoded, as param `*`).
 */
export class Router<T> {
  private readonly entries: Entry<T>[] = [];
  private readonly methods = new Set<string>();

  /** Whether any route uses this method. */
  serves(method: string): boolean {
    return this.methods.has(method);
  }

  add(method: string, pattern: string, value: T): void {
    const keys: string[] = [];
    const source = pattern
      .split('/')
      .map((seg, i, all) => {
        if (seg === '*' && i === all.length - 1) {
          keys.push('*');
          return '(.*)';
        }
        if (!seg.startsWith(':')) return escape(seg);
        keys.push(seg.slice(1));
        return '([^/]+)';
      })
      .join('/');
    this.entries.push({ method, pattern, re: new RegExp(`^${source}$`), keys, value });
    this.methods.add(method);
  }

  /** Throws URIError on a malformed %-escape in a parameter. */
  match(method: string, path: string): RouteMatch<T> {
    const allowed: string[] = [];
    for (const e of this.entries) {
      const m = e.re.exec(path);
      if (!m) continue;
      if (e.method !== method) {
        allowed.push(e.method);
        continue;
      }
      const params: Record<string, string> = {};
      e.keys.forEach((k, i) => {
        params[k] = decodeURIComponent(m[i + 1] ?? '');
      });
      return { kind: 'found', value: e.value, params, pattern: e.pattern };
    }
    return allowed.length > 0 ? { kind: 'wrong-method', allowed } : { kind: 'none' };
  }
}
