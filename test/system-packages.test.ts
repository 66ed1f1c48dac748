import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO } from './support/harness.js';

/**
 * `.ci/system-packages.sh`, the first step of `npm test` and of `.ci/run`: on a machine that lacks
 * what the tests need it installs it where it may, and otherwise stops at once with the command.
 * Run here on a PATH of stand-ins, so that every program is missing (Chromium, its fonts and
 * PostgreSQL are looked for by path: as this machine has them) and `id`, `sudo` and `apt-get` say
 * what each case needs.
 */
const dir = mkdtempSync(join(tmpdir(), 'wtp-syspkg-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(o: { uid: number; sudo: boolean }) {
  const bin = mkdtempSync(join(dir, 'bin-'));
  const log = join(bin, 'apt.log');
  const stub = (name: string, body: string) => {
    writeFileSync(join(bin, name), `#!/bin/sh\n${body}\n`);
    chmodSync(join(bin, name), 0o755);
  };
  stub('id', `echo ${o.uid}`);
  stub('sudo', o.sudo ? '[ "$1" = -n ] && shift; [ "$1" = true ] && exit 0; exec "$@"' : 'exit 1');
  stub('apt-get', `echo "$*" >> ${log}`);
  const r = spawnSync('/bin/bash', [join(REPO, '.ci/system-packages.sh')], {
    env: { PATH: bin },
    encoding: 'utf8',
  });
  let apt = '';
  try {
    apt = readFileSync(log, 'utf8');
  } catch {
    // not called
  }
  return { code: r.status, stderr: r.stderr, apt };
}

describe('the system packages the tests need', () => {
  it('not root and no sudo without a password: stops at once with the exact command, installs nothing', () => {
    const r = run({ uid: 1000, sudo: false });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'sudo apt-get update && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3 make g++ git tmux zsh fish openssl iproute2 util-linux ccache bubblewrap socat',
    );
    expect(r.apt).toBe('');
  });

  it('as root, or with sudo that asks nothing: updates, then installs what is missing', () => {
    for (const o of [
      { uid: 0, sudo: false },
      { uid: 1000, sudo: true },
    ]) {
      const r = run(o);
      expect(r.code, r.stderr).toBe(0);
      const [update, install] = r.apt.trim().split('\n');
      expect(update).toBe('update');
      expect(install).toMatch(
        /^install -y --no-install-recommends python3 make g\+\+ git tmux .* bubblewrap socat\b/,
      );
    }
  });
});
