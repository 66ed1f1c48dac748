import { isIPv4, isIPv6 } from 'node:net';

/** An address range the local CA may vouch for: the network's bytes and its prefix length. */
export interface PrivateRange {
  readonly text: string;
  readonly bytes: Uint8Array;
  readonly prefix: number;
}

/** A host as a certificate names it: an IP address (4 or 16 bytes) or a lowercase DNS name. */
export type CertHost = { kind: 'ip'; bytes: Uint8Array } | { kind: 'dns'; name: string };

const RANGES: readonly [string, number][] = [
  ['10.0.0.0', 8],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
  ['100.64.0.0', 10], // Tailscale's addresses (CGNAT)
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['fc00::', 7], // unique local, Tailscale's fd7a:115c:a1e0::/48 among them
  ['fe80::', 10],
  ['::1', 128],
];

/** The address ranges of the CA's name constraints: private, loopback and link-local only. */
export const PRIVATE_RANGES: readonly PrivateRange[] = RANGES.map(([text, prefix]) => ({
  text: `${text}/${prefix}`,
  bytes: ipBytes(text) ?? new Uint8Array(),
  prefix,
}));

/** The DNS names of the CA's name constraints; each permits itself and its subdomains. */
export const PRIVATE_DOMAINS: readonly string[] = [
  'local',
  'lan',
  'home.arpa',
  'internal',
  'ts.net',
  'localhost',
];

const DNS_NAME =
  /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;

/** The bytes of an IPv4 or IPv6 literal (no zone, no brackets), or undefined. */
function ipBytes(text: string): Uint8Array | undefined {
  if (isIPv4(text)) return Uint8Array.from(text.split('.'), Number);
  if (!isIPv6(text) || text.includes('%')) return undefined;
  // A dotted IPv4 tail (::ffff:1.2.3.4) becomes its two 16-bit groups.
  const v6 = text.replace(/(\d+)\.(\d+)\.(\d+)\.(\d+)$/, (_m, a, b, c, d) =>
    [(+a << 8) | +b, (+c << 8) | +d].map((n) => n.toString(16)).join(':'),
  );
  const [head = '', tail] = v6.split('::');
  const groups = (part: string): string[] => (part === '' ? [] : part.split(':'));
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  const all = [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  const out = new Uint8Array(16);
  all.forEach((g, i) => {
    const n = parseInt(g, 16);
    out[2 * i] = n >> 8;
    out[2 * i + 1] = n & 0xff;
  });
  return out;
}

/** `host` as a certificate would name it, or undefined when it is neither an IP literal nor a DNS name. */
export function parseHost(host: string): CertHost | undefined {
  const bytes = ipBytes(host);
  if (bytes) return { kind: 'ip', bytes };
  const name = host.toLowerCase();
  return DNS_NAME.test(name) ? { kind: 'dns', name } : undefined;
}

/** A stable text for comparing the hosts of two certificates. */
export function hostKey(host: CertHost): string {
  return host.kind === 'ip' ? `ip:${Buffer.from(host.bytes).toString('hex')}` : `dns:${host.name}`;
}

function inRange(bytes: Uint8Array, range: PrivateRange): boolean {
  if (bytes.length !== range.bytes.length) return false;
  for (let bit = 0; bit < range.prefix; bit++) {
    const mask = 0x80 >> (bit % 8);
    if (((bytes[bit >> 3] ?? 0) & mask) !== ((range.bytes[bit >> 3] ?? 0) & mask)) return false;
  }
  return true;
}

/**
 * Whether the local CA may vouch for `host`, as its name constraints say: an IP address in one of
 * PRIVATE_RANGES, or a DNS name equal to one of PRIVATE_DOMAINS or below it.
 */
export function caMayVouchFor(host: string): boolean {
  const parsed = parseHost(host);
  if (!parsed) return false;
  if (parsed.kind === 'ip') return PRIVATE_RANGES.some((r) => inRange(parsed.bytes, r));
  return PRIVATE_DOMAINS.some((d) => parsed.name === d || parsed.name.endsWith(`.${d}`));
}
