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
});
