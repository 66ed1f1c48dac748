/** A destination the proxy is asked for: the host as the client named it and the port. */
export interface Destination {
  host: string;
  port: number;
}

/** `[::1]` → `::1`, names lowercased without a trailing dot: the one spelling compared. */
function canonicalHost(host: string): string {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  return bare.toLowerCase().replace(/\.$/, '');
}

/** One allowed entry (`api.example.com`, `*.example.com:443`, `127.0.0.1:8080`, `[::1]:9`) split. */
export function parseAllowed(entry: string): { host: string; port: number | null; wildcard: boolean } {
  const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(entry);
  if (!m?.[1]) throw new Error(`not a host entry: ${entry}`);
  const wildcard = m[1].startsWith('*.');
  return {
    host: canonicalHost(wildcard ? m[1].slice(2) : m[1]),
    port: m[2] === undefined ? null : Number(m[2]),
    wildcard,
  };
}

/**
 * Whether `dest` is allowed by one of `allowed`: the same host (a wildcard: a subdomain of it,
 * never the domain itself) on the entry's port, or any port when it names none. Names are compared
 * as the client sent them: no resolution, so `localhost` is not `127.0.0.1`.
 */
export function hostAllowed(allowed: readonly string[], dest: Destination): boolean {
  const host = canonicalHost(dest.host);
  if (host === '' || !Number.isInteger(dest.port) || dest.port < 1 || dest.port > 65_535) return false;
  return allowed.some((entry) => {
    const a = parseAllowed(entry);
    if (a.port !== null && a.port !== dest.port) return false;
    return a.wildcard ? host.endsWith(`.${a.host}`) : host === a.host;
  });
}

/** `host:port` as shown in a denial (IPv6 bracketed). */
export function destinationText(dest: Destination): string {
  const host = canonicalHost(dest.host);
  return `${host.includes(':') ? `[${host}]` : host}:${dest.port}`;
}
