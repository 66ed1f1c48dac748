import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { SandboxDenial } from '../../protocol/sandbox.js';
import { DENIAL_REPORT_MS, DenialThrottle, sweepStaleSockDirs } from './sandbox-runtime.js';

const root = mkdtempSync(join(tmpdir(), 'wtp-sweep-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('sweepStaleSockDirs: socket folders of hosts that are gone', () => {
  it('removes only this module’s folders of dead hosts, never a link or another name', () => {
    const make = (name: string) => mkdirSync(join(root, name));
    make('wtp-sb-999001-abcDEF'); // dead
    make('wtp-sb-999002-a1b2c3'); // alive
    make('wtp-sb-999003-toolongname'); // not its name
    make('other-999001-abcdef');
    const target = join(root, 'target');
    make('target');
    symlinkSync(target, join(root, 'wtp-sb-999004-zzzzzz')); // dead, but a link
    const removed = sweepStaleSockDirs(root, (pid) => pid === 999002);
    expect(removed).toBe(1);
    expect(existsSync(join(root, 'wtp-sb-999001-abcDEF'))).toBe(false);
    for (const kept of ['wtp-sb-999002-a1b2c3', 'wtp-sb-999003-toolongname', 'other-999001-abcdef', 'target'])
      expect(existsSync(join(root, kept)), kept).toBe(true);
  });
});

describe('DenialThrottle: denials reported at once, repeats counted', () => {
  it('reports a target’s first denial at once and its repeats within the window as one count', () => {
    let now = 1_000;
    const got: SandboxDenial[] = [];
    const t = new DenialThrottle(
      (d) => got.push(d),
      () => now,
    );
    t.add('host', 'example.com:443');
    t.add('host', 'example.com:443');
    t.add('host', 'example.com:443');
    t.add('daemon', 'GET /api/v1/agents');
    expect(got).toEqual([
      { kind: 'host', target: 'example.com:443', count: 1 },
      { kind: 'daemon', target: 'GET /api/v1/agents', count: 1 },
    ]);
    now += DENIAL_REPORT_MS;
    t.add('host', 'example.com:443');
    expect(got.at(-1)).toEqual({ kind: 'host', target: 'example.com:443', count: 3 });
    t.add('host', 'example.com:443');
    t.flush();
    expect(got.at(-1)).toEqual({ kind: 'host', target: 'example.com:443', count: 1 });
    expect(got).toHaveLength(4);
  });
});
