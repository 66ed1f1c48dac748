import type { SandboxSpawn } from '../../protocol/sandbox.js';

/** What the macOS profile needs beyond the policy: the proxy's port and the agent's own temporary folder. */
export interface SeatbeltInput {
  sandbox: SandboxSpawn;
  /** The proxy the host runs for this agent, on 127.0.0.1 (macOS has no network namespace to bridge into). */
  proxyPort: number;
  /** A temporary folder of the agent's own (TMPDIR): macOS has no private /tmp to give it. */
  tmpDir: string;
}

/** A string literal of the profile language: a path can hold `"` and `\`, never a way out of the string. */
export function sbString(text: string): string {
  if (/[\0\n\r]/.test(text)) throw new Error(`not in a Seatbelt profile: ${JSON.stringify(text)}`);
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

const depth = (p: string): number => p.split('/').filter(Boolean).length;

/**
 * One agent's Seatbelt profile (`sandbox-exec -p`, macOS), in the language of Apple's own profiles
 * (/System/Library/Sandbox/Profiles/*.sb): all denied but what an agent CLI needs to run; reading all
 * but the hidden paths, writing its own paths but the read-only ones (rules go shallow first, as
 * Seatbelt takes the last match); the network only to the proxy and its loopback endpoints. No mount
 * can put the hook filter at the daemon's unix socket, so hooks reach the daemon over HTTP, with a
 * token that opens only the agent's hook route. Syntax-checked by its unit test, never run (no macOS
 * here): `wtp new --sandbox` refuses on macOS for now.
 */
export function seatbeltProfile(i: SeatbeltInput): string {
  const s = i.sandbox;
  const file: { path: string; rank: number; rule: string }[] = [];
  for (const p of s.hide) {
    file.push({ path: p, rank: 1, rule: `(deny file-read* file-write* (subpath ${sbString(p)}))` });
  }
  for (const p of s.read)
    file.push({ path: p, rank: 0, rule: `(allow file-read* (subpath ${sbString(p)}))` });
  for (const p of [...s.write, i.tmpDir]) {
    file.push({ path: p, rank: 2, rule: `(allow file-read* file-write* (subpath ${sbString(p)}))` });
  }
  for (const p of s.readOnly)
    file.push({ path: p, rank: 3, rule: `(deny file-write* (subpath ${sbString(p)}))` });
  file.sort((a, b) => depth(a.path) - depth(b.path) || a.rank - b.rank);
  const ports = [
    i.proxyPort,
    ...s.forwards.map((f) => f.port),
    ...(s.daemon.port === null ? [] : [s.daemon.port]),
  ];
  return [
    '(version 1)',
    '(deny default)',
    '(allow process-exec)',
    '(allow process-fork)',
    '(allow process-info* (target same-sandbox))',
    '(allow signal (target same-sandbox))',
    '(allow sysctl-read)',
    '(allow ipc-posix-shm)',
    '(allow ipc-posix-sem)',
    '(allow pseudo-tty)',
    '(allow file-ioctl (literal "/dev/tty") (regex #"^/dev/ttys[0-9]+$"))',
    '(allow mach-lookup (global-name "com.apple.system.logger") (global-name "com.apple.system.notification_center") (global-name "com.apple.system.opendirectoryd.libinfo") (global-name "com.apple.SecurityServer") (global-name "com.apple.trustd.agent"))',
    '(allow file-read*)',
    '(allow file-write* (literal "/dev/null") (literal "/dev/tty") (regex #"^/dev/ttys[0-9]+$"))',
    ...file.map((f) => f.rule),
    '(deny network*)',
    ...ports.map((p) => `(allow network-outbound (remote ip ${sbString(`localhost:${p}`)}))`),
  ].join('\n');
}
