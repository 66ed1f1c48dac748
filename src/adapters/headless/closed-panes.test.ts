import { execFileSync } from 'node:child_process';
import { chownSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { closedPanesFile, GoneGroupWords, readClosedPanes, recordClosedPane } from './closed-panes.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const folder = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'wtp-closed-'));
  dirs.push(d);
  return d;
};

describe("a host group's closed-panes file", () => {
  it('sits beside the socket; one entry per agent, the newest; written 0600 through a rename', () => {
    const dir = folder();
    const file = closedPanesFile(join(dir, 'g-1.sock'));
    expect(file).toBe(join(dir, 'g-1.closed'));
    let list = recordClosedPane(file, [], { agent: 'ag-a', pane: '%3/4100' });
    list = recordClosedPane(file, list, { agent: 'ag-b', pane: '%4/4100' });
    list = recordClosedPane(file, list, { agent: 'ag-a', pane: '%7/4100' });
    expect(list).toEqual([
      { agent: 'ag-b', pane: '%4/4100' },
      { agent: 'ag-a', pane: '%7/4100' },
    ]);
    expect(readClosedPanes(file)).toEqual({ panes: list });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(() => statSync(`${file}.tmp`)).toThrow();
  });

  it('keeps the newest 256 agents, at their longest well under what the daemon reads', () => {
    const file = join(folder(), 'g-1.closed');
    const entry = (i: number) => ({
      agent: `ag-${'x'.repeat(58)}${String(i).padStart(3, '0')}`,
      pane: `%${i + 1e8}/4294967295`,
    });
    recordClosedPane(
      file,
      Array.from({ length: 299 }, (_, i) => entry(i)),
      entry(299),
    );
    const read = readClosedPanes(file);
    expect('panes' in read && read.panes.length).toBe(256);
    expect('panes' in read && read.panes.at(-1)).toEqual(entry(299));
    expect(statSync(file).size).toBeLessThan(48 * 1024);
  });

  it('no file: no pane closed', () => {
    expect(readClosedPanes(join(folder(), 'g-1.closed'))).toEqual({ panes: [] });
  });
});

describe('a closed-panes file as a planted or damaged one gives it: refused, never believed', () => {
  const valid = JSON.stringify([{ agent: 'ag-a', pane: '%3/4100' }]);
  const refused = (file: string, why: RegExp): void => {
    const read = readClosedPanes(file);
    expect(read).toEqual({ refused: expect.stringMatching(why) });
  };

  it('a symbolic link, even to a well-formed list', () => {
    const dir = folder();
    writeFileSync(join(dir, 'elsewhere'), valid);
    symlinkSync(join(dir, 'elsewhere'), join(dir, 'g-1.closed'));
    refused(join(dir, 'g-1.closed'), /symbolic link/);
  });

  it('a FIFO (read without blocking) or a folder', () => {
    const dir = folder();
    execFileSync('mkfifo', [join(dir, 'g-1.closed')]);
    refused(join(dir, 'g-1.closed'), /not a regular file/);
    mkdirSync(join(dir, 'g-2.closed'));
    refused(join(dir, 'g-2.closed'), /not a regular file/);
  });

  it('a file over 64 KiB, even a well-formed one', () => {
    const file = join(folder(), 'g-1.closed');
    const many = Array.from({ length: 2000 }, (_, i) => ({ agent: `ag-${i}`, pane: `%${i}/4100` }));
    writeFileSync(file, JSON.stringify(many));
    expect(statSync(file).size).toBeGreaterThan(64 * 1024);
    refused(file, /over 65536 bytes/);
  });

  it.each([
    ['not JSON', '[{"agent":"ag-a"'],
    ['an object', '{"ag-a":"%3/4100"}'],
    ['bare agent ids', '["ag-a"]'],
    ['an agent id with a path', '[{"agent":"../ag-a","pane":"%3/4100"}]'],
    ['a pane that is no group pane', '[{"agent":"ag-a","pane":"h-4100/ag-a"}]'],
    ['a field more', '[{"agent":"ag-a","pane":"%3/4100","reason":"x"}]'],
    ['one bad entry among good ones', '[{"agent":"ag-a","pane":"%3/4100"},{"agent":"ag-b","pane":3}]'],
    ['binary', '\u0000\u00ff\u0001'],
    [
      'too many entries',
      JSON.stringify(Array.from({ length: 257 }, (_, i) => ({ agent: 'a', pane: `%${i}/1` }))),
    ],
  ])('%s', (_what, text) => {
    const file = join(folder(), 'g-1.closed');
    writeFileSync(file, text);
    refused(file, /not a list of panes/);
  });

  it.runIf(process.getuid?.() === 0)("another user's file", () => {
    const file = join(folder(), 'g-1.closed');
    writeFileSync(file, valid);
    chownSync(file, 4321, 4321);
    refused(file, /another user \(uid 4321\)/);
  });
});

describe("a gone group's word, kept once its files are removed", () => {
  it('is read before the removal and answered after; a group that left none keeps nothing', () => {
    const dir = folder();
    const socket = join(dir, 'g-1.sock');
    recordClosedPane(closedPanesFile(socket), [], { agent: 'ag-a', pane: '%3/4100' });
    const words = new GoneGroupWords();
    words.keep(4100, socket);
    rmSync(closedPanesFile(socket));
    words.keep(4200, join(dir, 'g-2.sock'));
    expect(words.of(4100)).toEqual({ panes: [{ agent: 'ag-a', pane: '%3/4100' }] });
    expect(words.of(4200)).toBeUndefined();
  });

  it('a later group with the same pid replaces the word of the earlier one', () => {
    const dir = folder();
    const socket = join(dir, 'g-1.sock');
    recordClosedPane(closedPanesFile(socket), [], { agent: 'ag-a', pane: '%3/4100' });
    const words = new GoneGroupWords();
    words.keep(4100, socket);
    words.keep(4100, join(dir, 'g-2.sock'));
    expect(words.of(4100)).toBeUndefined();
  });

  it('keeps the last 64 groups', () => {
    const dir = folder();
    const words = new GoneGroupWords();
    for (let pid = 1; pid <= 70; pid++) {
      const socket = join(dir, `g-${pid}.sock`);
      recordClosedPane(closedPanesFile(socket), [], { agent: 'ag-a', pane: `%1/${pid}` });
      words.keep(pid, socket);
    }
    expect(words.of(6)).toBeUndefined();
    expect(words.of(7)).toBeDefined();
    expect(words.of(70)).toBeDefined();
  });
});
