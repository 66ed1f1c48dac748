import { spawnSync } from 'node:child_process';
import { accessSync, constants, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** The oldest bubblewrap taken: `--disable-userns` (no user namespace can be made inside) came with 0.8.0. */
export const MIN_BWRAP = [0, 8, 0] as const;

/** The programs a Linux sandbox runs with, by absolute path. */
export interface SandboxTools {
  bwrap: string;
  socat: string;
  sleep: string;
  sh: string;
}

/** Whether the sandbox works here: the tools and bubblewrap's version, or why not and what to do. */
export type SandboxProbe =
  | { ok: true; platform: 'linux'; version: string; tools: SandboxTools; disableUserns: boolean }
  | { ok: false; reason: string; fix: string; version: string | null };

const FALLBACK_DIRS = ['/usr/bin', '/bin', '/usr/local/bin', '/usr/sbin', '/sbin'];

/** An executable named `name` on `pathVar` or in the usual folders, by absolute path; null when none. */
export function findProgram(name: string, pathVar: string | undefined): string | null {
  const dirs = [...(pathVar ?? '').split(delimiter).filter((d) => d.startsWith('/')), ...FALLBACK_DIRS];
  for (const dir of dirs) {
    const file = join(dir, name);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not here
    }
  }
  return null;
}

const readSysctl = (path: string): string | null => {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return null;
  }
};

/** What to enable when a sandbox cannot be made (user namespaces off), from the kernel's own switches. */
function usernsFix(): string {
  if (readSysctl('/proc/sys/user/max_user_namespaces') === '0')
    return 'user namespaces are off: `sysctl -w user.max_user_namespaces=15000` (as root; persist it in /etc/sysctl.d/)';
  if (readSysctl('/proc/sys/kernel/unprivileged_userns_clone') === '0')
    return 'unprivileged user namespaces are off: `sysctl -w kernel.unprivileged_userns_clone=1` (as root; persist it in /etc/sysctl.d/)';
  if (readSysctl('/proc/sys/kernel/apparmor_restrict_unprivileged_userns') === '1')
    return 'AppArmor restricts unprivileged user namespaces (Ubuntu 23.10+): allow bwrap with an AppArmor profile (`/etc/apparmor.d/bwrap`, see docs/sandbox.md) or `sysctl -w kernel.apparmor_restrict_unprivileged_userns=0`';
  return 'see bubblewrap’s error above; inside a container, run it with user namespaces allowed (docker: --security-opt seccomp=unconfined, or podman)';
}

/** Parses `bubblewrap 0.8.0`; null when it is not that. */
export function parseBwrapVersion(text: string): number[] | null {
  const m = /bubblewrap (\d+)\.(\d+)(?:\.(\d+))?/.exec(text);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] : null;
}

const atLeast = (v: readonly number[], min: readonly number[]): boolean => {
  for (let i = 0; i < min.length; i++) {
    const a = v[i] ?? 0;
    const b = min[i] ?? 0;
    if (a !== b) return a > b;
  }
  return true;
};

/**
 * Whether an agent can be sandboxed on this machine (Linux): bubblewrap 0.8.0 or later, socat,
 * and a real sandbox made and left (new user, pid and network namespaces, the file system
 * read-only), with the fix when one of them fails. Blocking (one bwrap run, at most 10 s): the
 * daemon caches the answer. `trial: false` leaves the sandbox untried (a host finding its tools:
 * the daemon tried it before it made the agent, and a sandbox that fails later fails the agent's
 * start loudly, with bubblewrap's own words on its terminal).
 */
export function probeSandbox(
  pathVar: string | undefined,
  o: { trial?: boolean; platform?: NodeJS.Platform } = {},
): SandboxProbe {
  const platform = o.platform ?? process.platform;
  if (platform === 'darwin') {
    return {
      ok: false,
      reason: 'the macOS sandbox (sandbox-exec) is generated but not run by this version',
      fix: 'run sandboxed agents on Linux; docs/sandbox.md says what the macOS profile holds',
      version: null,
    };
  }
  if (platform !== 'linux') {
    return {
      ok: false,
      reason: `no sandbox on ${platform}`,
      fix: 'run sandboxed agents on Linux',
      version: null,
    };
  }
  const bwrap = findProgram('bwrap', pathVar);
  if (bwrap === null) {
    return {
      ok: false,
      reason: 'bubblewrap (bwrap) is not installed',
      fix: 'install it: `apt-get install bubblewrap` (Debian, Ubuntu), `dnf install bubblewrap` (Fedora), `pacman -S bubblewrap` (Arch)',
      version: null,
    };
  }
  const v = spawnSync(bwrap, ['--version'], { encoding: 'utf8', timeout: 5_000 });
  const version = parseBwrapVersion(`${v.stdout}`);
  if (version === null) {
    return {
      ok: false,
      reason: `${bwrap} --version said ${JSON.stringify(`${v.stdout}${v.stderr}`.trim().slice(0, 200))}`,
      fix: 'install bubblewrap 0.8.0 or later',
      version: null,
    };
  }
  const versionText = version.join('.');
  if (!atLeast(version, MIN_BWRAP)) {
    return {
      ok: false,
      reason: `bubblewrap ${versionText} is older than ${MIN_BWRAP.join('.')} (no --disable-userns)`,
      fix: 'install bubblewrap 0.8.0 or later (Debian 12, Ubuntu 23.04 and later ship it)',
      version: versionText,
    };
  }
  const socat = findProgram('socat', pathVar);
  if (socat === null) {
    return {
      ok: false,
      reason: 'socat is not installed (it carries the sandbox’s loopback to its proxy and hooks)',
      fix: 'install it: `apt-get install socat` (Debian, Ubuntu), `dnf install socat`, `pacman -S socat`',
      version: versionText,
    };
  }
  const sleep = findProgram('sleep', pathVar);
  if (sleep === null)
    return { ok: false, reason: 'no sleep program', fix: 'install coreutils', version: versionText };
  const tools = { bwrap, socat, sleep, sh: '/bin/sh' };
  if (o.trial === false)
    return { ok: true, platform: 'linux', version: versionText, tools, disableUserns: true };
  const trial = spawnSync(
    bwrap,
    [
      '--unshare-user',
      '--disable-userns',
      '--unshare-pid',
      '--unshare-net',
      '--unshare-ipc',
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
      '--tmpfs',
      '/tmp',
      '--',
      '/bin/sh',
      '-c',
      'exit 0',
    ],
    { encoding: 'utf8', timeout: 10_000 },
  );
  if (trial.status !== 0) {
    const said = `${trial.stderr}`.trim().slice(0, 300) || (trial.error?.message ?? `exit ${trial.status}`);
    return {
      ok: false,
      reason: `bubblewrap cannot make a sandbox here: ${said}`,
      fix: usernsFix(),
      version: versionText,
    };
  }
  return { ok: true, platform: 'linux', version: versionText, tools, disableUserns: true };
}
