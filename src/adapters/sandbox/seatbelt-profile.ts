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
 * The Seatbelt profile (`sandbox-exec -p`, macOS) of one agent's sandbox, in the profile language
 * of Apple's own profiles (/System/Library/Sandbox/Profiles/*.sb; "Apple Sandbox Guide v1.0"):
 * everything denied but what an agent CLI needs to run (its processes, signals within the sandbox,
 * a terminal, system lookups), reading everything but the hidden paths (a deeper rule wins: rules
 * go shallow first, and Seatbelt takes the last rule that matches), writing its own paths and
 * temporary folder but the read-only ones, and the network only to the proxy and the loopback
 * endpoints it may reach. The daemon's unix socket is not reachable: on macOS there is no mount
 * to put the hook filter at its path, so command hooks (`wtp hook`) do not reach the daemon from
 * inside; HTTP hooks do, over the daemon's TCP port, whose token for this agent opens only its
 * hook route. Generated and checked against the language's syntax by its unit test; not run here
 * (no macOS), and `wtp new --sandbox` refuses on macOS in this version.
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
