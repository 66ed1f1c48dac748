import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TUI_NODE_FLAGS } from '../bench/tui-flags.js';
import { REPO } from './support/harness.js';

/**
 * bin/wtp, the command npm installs: it finds wtp.js through the symlinks npm makes, and gives
 * the terminal UI (only) the V8 flag that keeps its memory down.
 */
const LAUNCHER = join(REPO, 'bin', 'wtp');
const dir = mkdtempSync(join(tmpdir(), 'wtp-launcher-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A stand-in `node` on PATH that records the arguments it was started with. */
function recordingNode(): { path: string; argv: () => string[] } {
  const bin = join(dir, 'fake-bin');
  const out = join(dir, 'argv.txt');
  mkdirSync(bin, { recursive: true });
  writeFileSync(join(bin, 'node'), `#!/bin/sh\nprintf '%s\\n' "$@" > '${out}'\n`);
  chmodSync(join(bin, 'node'), 0o755);
  return { path: `${bin}:/usr/bin:/bin`, argv: () => readFileSync(out, 'utf8').trimEnd().split('\n') };
}

describe('the wtp launcher (bin/wtp)', () => {
  it('runs wtp.js beside its target when installed as a chain of relative symlinks', () => {
    // As npm -g installs it: <prefix>/bin/wtp -> ../lib/node_modules/wezterm-parallel/bin/wtp
    mkdirSync(join(dir, 'prefix', 'bin'), { recursive: true });
    mkdirSync(join(dir, 'prefix', 'lib'), { recursive: true });
    symlinkSync(dirname(LAUNCHER), join(dir, 'prefix', 'lib', 'pkg-bin'));
    symlinkSync('../lib/pkg-bin/wtp', join(dir, 'prefix', 'bin', 'wtp'));
    const version = execFileSync(join(dir, 'prefix', 'bin', 'wtp'), ['--version'], {
      env: { PATH: `${dirname(process.execPath)}:/usr/bin:/bin` },
      encoding: 'utf8',
    });
    expect(version.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('gives the heap flags to `wtp tui` only, with the arguments untouched', () => {
    const node = recordingNode();
    const run = (args: string[]) => {
      const r = spawnSync(LAUNCHER, args, { env: { PATH: node.path }, stdio: ['ignore', 'pipe', 'pipe'] });
      expect(r.status, String(r.stderr)).toBe(0);
      return node.argv();
    };
    expect(run(['tui', '--x'])).toEqual([...TUI_NODE_FLAGS, join(REPO, 'bin', 'wtp.js'), 'tui', '--x']);
    expect(run(['ls', 'tui'])).toEqual([join(REPO, 'bin', 'wtp.js'), 'ls', 'tui']);
    // `wtp` alone starts the TUI only on a terminal; in a script it prints the help.
    expect(run([])).toEqual([join(REPO, 'bin', 'wtp.js')]);
    const tty = spawnSync('script', ['-qec', LAUNCHER, '/dev/null'], { env: { PATH: node.path } });
    expect(tty.status, String(tty.stderr)).toBe(0);
    expect(node.argv()).toEqual([...TUI_NODE_FLAGS, join(REPO, 'bin', 'wtp.js')]);
  });

  it('sets NODE_EXTRA_CA_CERTS aside for the commands that need no TLS, and wtp.js puts it back', () => {
    const bin = join(dir, 'env-bin');
    const out = join(dir, 'env.txt');
    mkdirSync(bin, { recursive: true });
    writeFileSync(
      join(bin, 'node'),
      `#!/bin/sh\nprintf '%s|%s\\n' "\${NODE_EXTRA_CA_CERTS-unset}" "\${WTP_SET_ASIDE_CA_CERTS-unset}" > '${out}'\n`,
    );
    chmodSync(join(bin, 'node'), 0o755);
    const seen = (args: string[], env: Record<string, string> = {}) => {
      const r = spawnSync(LAUNCHER, args, {
        env: { PATH: `${bin}:/usr/bin:/bin`, NODE_EXTRA_CA_CERTS: '/certs.pem', ...env },
      });
      expect(r.status, String(r.stderr)).toBe(0);
      return readFileSync(out, 'utf8').trim();
    };
    for (const command of ['ls', 'diff', 'approve', 'deny', 'answer'])
      expect(seen([command, 'a1'])).toBe('unset|/certs.pem');
    for (const command of ['up', 'tui', 'new', 'fleet', 'doctor'])
      expect(seen([command])).toBe('/certs.pem|unset');
    // Set aside once: a value already there is not overwritten.
    expect(seen(['ls'], { WTP_SET_ASIDE_CA_CERTS: '/mine.pem' })).toBe('/certs.pem|/mine.pem');

    // wtp.js: what it starts sees the variable again (read here when it exits).
    const atExit =
      'data:text/javascript,process.on("exit",()=>process.stderr.write(`${process.env.NODE_EXTRA_CA_CERTS}|${process.env.WTP_SET_ASIDE_CA_CERTS}`))';
    const r = spawnSync(process.execPath, ['--import', atExit, join(REPO, 'bin', 'wtp.js'), '--version'], {
      env: { PATH: process.env.PATH ?? '', WTP_SET_ASIDE_CA_CERTS: '/certs.pem' },
      encoding: 'utf8',
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr.trim().split('\n').at(-1)).toBe('/certs.pem|undefined');
  });
});
