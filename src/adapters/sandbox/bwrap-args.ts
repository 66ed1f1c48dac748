import { isAbsolute, normalize } from 'node:path';
import type { AgentEnv } from '../../protocol/agent-env.js';
import type { SandboxSpawn } from '../../protocol/sandbox.js';

/** What a path is on this machine right now, followed through symbolic links; null when it is not there. */
export type ResolvedPath = { real: string; kind: 'dir' | 'file' | 'other' } | null;

/** A TCP listener inside the sandbox's network namespace that leads to a unix socket outside. */
export interface Bridge {
  family: 4 | 6;
  port: number;
  /** The unix socket in the host's socket folder (bound into the sandbox at the same path). */
  socket: string;
}

export interface BwrapInput {
  sandbox: SandboxSpawn;
  cwd: string;
  command: string;
  args: readonly string[];
  /** The host's socket folder for this agent (proxy, daemon filter, loopback bridges). */
  sockDir: string;
  /** The daemon filter's socket in `sockDir`: shown at `sandbox.daemon.socket`. */
  daemonSocket: string;
  bridges: readonly Bridge[];
  /** The proxy's port inside (HTTP_PROXY); its bridge is among `bridges`. */
  proxyPort: number;
  /** Absolute paths: bwrap runs outside; sh, socat and sleep inside (the agent's PATH is not theirs). */
  tools: { bwrap: string; sh: string; socat: string; sleep: string };
  /** bubblewrap 0.8 or later: `--disable-userns` (no user namespaces inside). */
  disableUserns: boolean;
  resolve: (path: string) => ResolvedPath;
}

/** Folders every sandbox gets empty and writable of its own (its temporary files, no one else's sockets). */
export const PRIVATE_DIRS = ['/tmp', '/var/tmp', '/run', '/dev/shm'] as const;

/**
 * What runs first inside the sandbox (a constant program: every value comes as an argument or
 * from `WTP_SANDBOX_BRIDGES`, never as shell text): a socat for each bridge — a TCP listener on
 * the loopback of the sandbox's own network namespace that leads to a unix socket of the host
 * (its proxy, its daemon filter, a local model server) —, a wait until each listens (read from
 * /proc/net/tcp of this namespace, so the agent never races them), then the agent in its place.
 */
export const LAUNCHER = `set -u
socat=$1; sleep=$2; shift 2
for b in $WTP_SANDBOX_BRIDGES; do
  fam=\${b%%:*}; rest=\${b#*:}; port=\${rest%%:*}; sock=\${rest#*:}
  if [ "$fam" = 6 ]; then listen="TCP6-LISTEN:$port,bind=[::1],ipv6only=1,fork,reuseaddr"
  else listen="TCP4-LISTEN:$port,bind=127.0.0.1,fork,reuseaddr"; fi
  "$socat" "$listen" "UNIX-CONNECT:$sock" </dev/null >/dev/null 2>&1 &
done
for b in $WTP_SANDBOX_BRIDGES; do
  fam=\${b%%:*}; rest=\${b#*:}; port=\${rest%%:*}
  table=/proc/net/tcp; [ "$fam" = 6 ] && table=/proc/net/tcp6
  hex=$(printf '%04X' "$port"); tries=0; found=0
  while [ "$found" = 0 ]; do
    while read -r _ local _ st _; do
      case "$local" in *":$hex") [ "$st" = 0A ] && found=1 ;; esac
    done < "$table"
    [ "$found" = 1 ] && break
    tries=$((tries + 1))
    if [ "$tries" -gt 1000 ]; then echo "wtp sandbox: the bridge to port $port did not start" >&2; exit 126; fi
    "$sleep" 0.01
  done
done
unset WTP_SANDBOX_BRIDGES
exec "$@"`;

/** Characters socat reads as nothing but a path (its address syntax gives meaning to `:` and `,`). */
const PLAIN_PATH = /^\/[A-Za-z0-9/._-]+$/;

type Op = { depth: number; rank: number; path: string; args: string[] };

const depthOf = (p: string): number => p.split('/').filter(Boolean).length;
const within = (p: string, dir: string): boolean => p === dir || p.startsWith(dir === '/' ? '/' : `${dir}/`);

/**
 * The policy's mounts over the read-only root, in the order bwrap makes them: shallow first, so a
 * deeper one wins. Every path is resolved (a link is mounted where it leads); one not there is left out.
 */
function mountOps(
  s: Pick<SandboxSpawn, 'read' | 'write' | 'hide' | 'readOnly'>,
  resolve: (path: string) => ResolvedPath,
): { ops: Op[]; roDirs: string[] } {
  const ops: Op[] = [];
  const add = (path: string, rank: number, args: string[]): void => {
    ops.push({ depth: depthOf(path), rank, path, args });
  };
  for (const dir of PRIVATE_DIRS) {
    const r = resolve(dir);
    if (r?.kind === 'dir') add(r.real, 0, ['--tmpfs', r.real]);
  }
  const roDirs: string[] = [];
  for (const p of s.read) {
    const r = resolve(p);
    if (r) add(r.real, 1, ['--ro-bind', r.real, r.real]);
  }
  for (const p of s.write) {
    const r = resolve(p);
    if (r) add(r.real, 2, ['--bind', r.real, r.real]);
  }
  for (const p of s.hide) {
    const r = resolve(p);
    if (!r) continue;
    if (r.kind === 'dir') {
      add(r.real, 3, ['--tmpfs', r.real]);
      roDirs.push(r.real);
    } else add(r.real, 3, ['--ro-bind', '/dev/null', r.real]);
  }
  for (const p of s.readOnly) {
    const r = resolve(p);
    if (r) add(r.real, 4, ['--ro-bind', r.real, r.real]);
  }
  ops.sort((a, b) => a.depth - b.depth || a.rank - b.rank);
  return { ops, roDirs };
}

/**
 * Whether the file at `path` (resolved) is there inside a sandbox of this policy: the last mount
 * over it, in bwrap's order, shows the machine's own file (not an empty folder or /dev/null).
 */
export function shownInside(
  path: string,
  s: Pick<SandboxSpawn, 'read' | 'write' | 'hide' | 'readOnly'>,
  resolve: (path: string) => ResolvedPath,
): boolean {
  const r = resolve(path);
  if (r === null) return false;
  let shown = true;
  for (const op of mountOps(s, resolve).ops) {
    if (!within(r.real, op.path)) continue;
    const [kind, from] = op.args;
    shown = kind !== '--tmpfs' && from !== '/dev/null';
  }
  return shown;
}

/**
 * The bubblewrap argv for one agent: the file system read-only, private /tmp, /run and /dev, the
 * policy's hidden paths emptied and its read and write paths shown again, the host's sockets, then
 * new user (no capabilities), pid, ipc, uts, cgroup and network namespaces. Mounts go shallow first
 * so a deeper one wins: a worktree under the hidden state folder is shown, ~/.ssh under a writable
 * home stays hidden. Links are resolved here; a missing path is left out, except the agent's folder.
 * No `--new-session`: the agent keeps its terminal (resizes reach it); TIOCSTI reaches only its PTY.
 */
export function bwrapCommand(i: BwrapInput): { command: string; args: string[] } {
  const s = i.sandbox;
  for (const p of [i.sockDir, i.daemonSocket, ...i.bridges.map((b) => b.socket)]) {
    if (!PLAIN_PATH.test(p) || normalize(p) !== p) throw new Error(`sandbox socket path not plain: ${p}`);
  }
  const cwd = i.resolve(i.cwd);
  if (cwd?.kind !== 'dir') throw new Error(`the agent's folder ${i.cwd} is not there`);
  const { ops, roDirs } = mountOps(s, i.resolve);
  const args = [
    '--unshare-user',
    ...(i.disableUserns ? ['--disable-userns'] : []),
    '--unshare-pid',
    '--unshare-ipc',
    '--unshare-uts',
    '--unshare-net',
    '--unshare-cgroup-try',
    '--cap-drop',
    'ALL',
    '--die-with-parent',
    '--ro-bind',
    '/',
    '/',
    '--dev',
    '/dev',
    '--proc',
    '/proc',
    ...ops.flatMap((o) => o.args),
    '--bind',
    i.sockDir,
    i.sockDir,
    '--bind',
    i.daemonSocket,
    s.daemon.socket,
    // Hidden folders were writable while deeper mounts were made in them; now they are read-only.
    ...roDirs.filter((d) => !PRIVATE_DIRS.some((p) => p === d)).flatMap((d) => ['--remount-ro', d]),
    '--chdir',
    cwd.real,
    '--setenv',
    'WTP_SANDBOX_BRIDGES',
    i.bridges.map((b) => `${b.family}:${b.port}:${b.socket}`).join(' '),
    ...proxyEnv(i.proxyPort).flatMap(([k, v]) => ['--setenv', k, v]),
    '--',
    i.tools.sh,
    '-c',
    LAUNCHER,
    'wtp-sandbox',
    i.tools.socat,
    i.tools.sleep,
    i.command,
    ...i.args,
  ];
  if (!Object.values(i.tools).every((t) => isAbsolute(t)))
    throw new Error('sandbox tools must be absolute paths');
  return { command: i.tools.bwrap, args };
}

/**
 * What a sandboxed agent's environment gets: the proxy in every spelling its CLIs read (the loopback
 * goes direct: its bridges lead to the allowed local servers), and IS_SANDBOX=1.
 */
export function proxyEnv(port: number): [string, string][] {
  const url = `http://127.0.0.1:${port}`;
  const noProxy = '127.0.0.1,localhost,::1';
  const env = {
    HTTP_PROXY: url,
    HTTPS_PROXY: url,
    http_proxy: url,
    https_proxy: url,
    NO_PROXY: noProxy,
    no_proxy: noProxy,
    IS_SANDBOX: '1',
  } satisfies AgentEnv;
  return Object.entries(env);
}

/** Whether `path` lies in one of `dirs` (itself or below). */
export function isWithin(path: string, dirs: readonly string[]): boolean {
  return dirs.some((d) => within(path, d));
}
