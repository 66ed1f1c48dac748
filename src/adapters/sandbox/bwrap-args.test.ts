import { describe, expect, it } from 'vitest';
import type { SandboxSpawn } from '../../protocol/sandbox.js';
import { bwrapCommand, LAUNCHER, type BwrapInput, type ResolvedPath } from './bwrap-args.js';

const sandbox = (over: Partial<SandboxSpawn> = {}): SandboxSpawn => ({
  write: ['/home/me/.wtp/worktrees/p/a'],
  hide: ['/home/me/.wtp', '/home/me/.ssh', '/home/me/.netrc'],
  read: ['/home/me/.wtp/agents/ag-1'],
  readOnly: ['/home/me/.wtp/worktrees/p/a/.git'],
  hosts: ['api.anthropic.com:443'],
  forwards: [],
  daemon: { socket: '/home/me/.wtp/run/api.sock', port: 7537, hookPath: '/api/v1/hooks/ag-1' },
  ...over,
});

/** A file system of folders and files (links as `→ target`). */
function fs(entries: Record<string, 'dir' | 'file' | string>): (p: string) => ResolvedPath {
  return (p) => {
    const e = entries[p];
    if (e === undefined) return null;
    if (e.startsWith('→ ')) {
      const target = e.slice(2);
      const t = entries[target];
      return t === 'dir' || t === 'file' ? { real: target, kind: t } : null;
    }
    return { real: p, kind: e as 'dir' | 'file' };
  };
}

const WORLD = fs({
  '/tmp': 'dir',
  '/run': 'dir',
  '/var/tmp': 'dir',
  '/dev/shm': 'dir',
  '/home/me/.wtp': 'dir',
  '/home/me/.ssh': 'dir',
  '/home/me/.netrc': 'file',
  '/home/me/.wtp/agents/ag-1': 'dir',
  '/home/me/.wtp/worktrees/p/a': 'dir',
  '/home/me/.wtp/worktrees/p/a/.git': 'file',
});

const input = (over: Partial<BwrapInput> = {}): BwrapInput => ({
  sandbox: sandbox(),
  cwd: '/home/me/.wtp/worktrees/p/a',
  command: '/usr/bin/claude',
  args: ['--settings', '/x; rm -rf ~', '$(touch /tmp/p)'],
  sockDir: '/tmp/wtp-sb-abc',
  daemonSocket: '/tmp/wtp-sb-abc/daemon.sock',
  bridges: [{ family: 4, port: 3128, socket: '/tmp/wtp-sb-abc/proxy.sock' }],
  proxyPort: 3128,
  tools: { bwrap: '/usr/bin/bwrap', sh: '/bin/sh', socat: '/usr/bin/socat', sleep: '/usr/bin/sleep' },
  disableUserns: true,
  resolve: WORLD,
  ...over,
});

/** The index of the first `op path…` sequence in args. */
const at = (args: string[], ...seq: string[]): number =>
  args.findIndex((_, i) => seq.every((s, j) => args[i + j] === s));

describe('bwrapCommand: the sandbox as bubblewrap arguments', () => {
  it('passes the agent command line as argv after a constant launcher, never as shell text', () => {
    const { command, args } = bwrapCommand(input());
    expect(command).toBe('/usr/bin/bwrap');
    const dash = args.indexOf('--');
    expect(args.slice(dash)).toEqual([
      '--',
      '/bin/sh',
      '-c',
      LAUNCHER,
      'wtp-sandbox',
      '/usr/bin/socat',
      '/usr/bin/sleep',
      '/usr/bin/claude',
      '--settings',
      '/x; rm -rf ~',
      '$(touch /tmp/p)',
    ]);
    // The launcher names no input of its own: values come as "$@" and WTP_SANDBOX_BRIDGES.
    expect(LAUNCHER).not.toContain('claude');
    expect(LAUNCHER).toContain('exec "$@"');
  });

  it('makes every namespace, drops capabilities, and keeps the terminal (no --new-session)', () => {
    const { args } = bwrapCommand(input());
    for (const flag of [
      '--unshare-user',
      '--disable-userns',
      '--unshare-pid',
      '--unshare-net',
      '--unshare-ipc',
    ])
      expect(args).toContain(flag);
    expect(at(args, '--cap-drop', 'ALL')).toBeGreaterThan(-1);
    expect(args).toContain('--die-with-parent');
    expect(args).not.toContain('--new-session');
    expect(bwrapCommand(input({ disableUserns: false })).args).not.toContain('--disable-userns');
  });

  it('mounts shallow first: the worktree is shown under the hidden state folder, which ends read-only', () => {
    const { args } = bwrapCommand(input());
    const root = at(args, '--ro-bind', '/', '/');
    const state = at(args, '--tmpfs', '/home/me/.wtp');
    const wt = at(args, '--bind', '/home/me/.wtp/worktrees/p/a', '/home/me/.wtp/worktrees/p/a');
    const own = at(args, '--ro-bind', '/home/me/.wtp/agents/ag-1', '/home/me/.wtp/agents/ag-1');
    const pointer = at(
      args,
      '--ro-bind',
      '/home/me/.wtp/worktrees/p/a/.git',
      '/home/me/.wtp/worktrees/p/a/.git',
    );
    expect(root).toBeGreaterThan(-1);
    expect(state).toBeGreaterThan(root);
    expect(wt).toBeGreaterThan(state);
    expect(own).toBeGreaterThan(state);
    expect(pointer).toBeGreaterThan(wt);
    expect(at(args, '--remount-ro', '/home/me/.wtp')).toBeGreaterThan(wt);
    // A hidden file is blanked, never left as it is.
    expect(at(args, '--ro-bind', '/dev/null', '/home/me/.netrc')).toBeGreaterThan(root);
    // Private temporary folders, and the daemon shown only through the filter at its socket's path.
    for (const d of ['/tmp', '/run', '/var/tmp', '/dev/shm'])
      expect(at(args, '--tmpfs', d)).toBeGreaterThan(root);
    expect(at(args, '--bind', '/tmp/wtp-sb-abc/daemon.sock', '/home/me/.wtp/run/api.sock')).toBeGreaterThan(
      state,
    );
    expect(at(args, '--chdir', '/home/me/.wtp/worktrees/p/a')).toBeGreaterThan(-1);
  });

  it('keeps a hidden folder hidden under a writable one (the home writable, ~/.ssh still empty)', () => {
    const world = fs({ '/home/me': 'dir', '/home/me/.ssh': 'dir', '/home/me/w': 'dir', '/tmp': 'dir' });
    const { args } = bwrapCommand(
      input({
        sandbox: sandbox({ write: ['/home/me'], hide: ['/home/me/.ssh'], read: [], readOnly: [] }),
        cwd: '/home/me/w',
        resolve: world,
      }),
    );
    expect(at(args, '--tmpfs', '/home/me/.ssh')).toBeGreaterThan(at(args, '--bind', '/home/me', '/home/me'));
  });

  it('mounts a linked path where it leads, and leaves out what is not there', () => {
    const world = fs({
      '/home/me/w': 'dir',
      '/home/me/.ssh': '→ /data/keys',
      '/data/keys': 'dir',
      '/home/me/.claude': '→ /gone',
    });
    const { args } = bwrapCommand(
      input({
        sandbox: sandbox({
          write: ['/home/me/w', '/home/me/.claude'],
          hide: ['/home/me/.ssh'],
          read: [],
          readOnly: [],
        }),
        cwd: '/home/me/w',
        resolve: world,
      }),
    );
    expect(at(args, '--tmpfs', '/data/keys')).toBeGreaterThan(-1);
    expect(args).not.toContain('/home/me/.ssh');
    expect(args).not.toContain('/home/me/.claude');
    expect(args).not.toContain('/gone');
  });

  it('refuses a socket path socat would read otherwise, and an agent folder that is not there', () => {
    expect(() => bwrapCommand(input({ sockDir: '/tmp/a:b' }))).toThrow(/not plain/);
    expect(() =>
      bwrapCommand(input({ bridges: [{ family: 4, port: 1, socket: '/tmp/wtp-sb-abc/x,fork.sock' }] })),
    ).toThrow(/not plain/);
    expect(() => bwrapCommand(input({ cwd: '/nowhere' }))).toThrow(/not there/);
    expect(() =>
      bwrapCommand(
        input({ tools: { bwrap: 'bwrap', sh: '/bin/sh', socat: '/usr/bin/socat', sleep: '/usr/bin/sleep' } }),
      ),
    ).toThrow(/absolute/);
  });

  it('gives the bridges and the proxy to the launcher as data', () => {
    const { args } = bwrapCommand(
      input({
        bridges: [
          { family: 4, port: 3128, socket: '/tmp/wtp-sb-abc/proxy.sock' },
          { family: 6, port: 8080, socket: '/tmp/wtp-sb-abc/fwd-6-8080.sock' },
        ],
      }),
    );
    const i = at(args, '--setenv', 'WTP_SANDBOX_BRIDGES');
    expect(args[i + 2]).toBe('4:3128:/tmp/wtp-sb-abc/proxy.sock 6:8080:/tmp/wtp-sb-abc/fwd-6-8080.sock');
    expect(args[at(args, '--setenv', 'HTTPS_PROXY') + 2]).toBe('http://127.0.0.1:3128');
    expect(args[at(args, '--setenv', 'NO_PROXY') + 2]).toBe('127.0.0.1,localhost,::1');
  });
});
