import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HeadlessMux } from './headless-mux.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A state dir whose one record (a live process, pid 4242) names the group `group(records)` gives. */
function listed(group: (records: string) => unknown, members?: string): Promise<string[]> {
  const owner = mkdtempSync(join(tmpdir(), 'wtp-headless-'));
  dirs.push(owner);
  const records = join(owner, 'headless');
  mkdirSync(records);
  const record = { pid: 4242, start: 's1', workspace: 'w', agentId: 'ag-first', group: group(records) };
  writeFileSync(join(records, '4242.json'), JSON.stringify(record));
  if (members !== undefined) writeFileSync(join(records, 'g-1.members'), members);
  const mux = new HeadlessMux({
    env: {},
    owner,
    facts: { stat: (pid) => (pid === 4242 ? { zombie: false, leader: true, start: 's1' } : null) },
    environments: false,
    groups: true,
  });
  return mux.list().then((panes) => panes.map((p) => `${p.id} ${p.agentId}`));
}

const own = (records: string) => ({
  socket: join(records, 'g-1.sock'),
  members: join(records, 'g-1.members'),
});

describe('headless records of host groups, as a planted or damaged file gives them', () => {
  it('lists the agents a group names in its members file', async () => {
    expect(await listed(own, '["ag-a","ag-b"]')).toEqual(['h-4242/ag-a ag-a', 'h-4242/ag-b ag-b']);
  });

  it.each([
    ['a path', '["ag-a","../x"]'],
    ['cut', '["ag-a"'],
    ['too large', JSON.stringify(Array.from({ length: 40_000 }, (_, i) => `ag-${i}`))],
  ])('a members file that is %s: only the agent the group started with', async (_what, text) => {
    expect(await listed(own, text)).toEqual(['h-4242/ag-first ag-first']);
  });

  it.each([
    ['a socket outside the records folder', (r: string) => ({ ...own(r), socket: '/tmp/evil.sock' })],
    ['a members file outside it', (r: string) => ({ ...own(r), members: '/etc/passwd' })],
    ['paths that are not strings', () => ({ socket: 1, members: ['x'] })],
  ])('refuses %s: a plain pane, no group', async (_what, group) => {
    expect(await listed(group, '["ag-a"]')).toEqual(['h-4242 ag-first']);
  });
});

describe("a gone group's word on panes closed by hand", () => {
  /** A state dir with the record of group pid 4242 (`alive` or gone) and its closed-panes file. */
  function groupOf(alive: boolean, closed: string) {
    const owner = mkdtempSync(join(tmpdir(), 'wtp-headless-'));
    dirs.push(owner);
    const records = join(owner, 'headless');
    mkdirSync(records);
    const record = { pid: 4242, start: 's1', workspace: 'w', agentId: 'ag-a', group: own(records) };
    writeFileSync(join(records, '4242.json'), JSON.stringify(record));
    writeFileSync(join(records, 'g-1.closed'), closed);
    const mux = new HeadlessMux({
      env: {},
      owner,
      facts: { stat: (pid) => (alive && pid === 4242 ? { zombie: false, leader: true, start: 's1' } : null) },
      environments: false,
      groups: true,
    });
    return { mux, file: join(records, 'g-1.closed') };
  }
  const word = JSON.stringify([{ agent: 'ag-a', pane: '%3/4242' }]);

  it('is read before the gone group is cleaned up (a launch lists the groups first), and answered after', async () => {
    const { mux, file } = groupOf(false, word);
    await mux.list();
    expect(existsSync(file)).toBe(false);
    expect(await mux.closedPanes(4242)).toEqual({ panes: [{ agent: 'ag-a', pane: '%3/4242' }] });
    expect(await mux.closedPanes(4243)).toEqual({ panes: [] });
  });

  it('of a group that runs on, is read from its file', async () => {
    const { mux } = groupOf(true, word);
    expect(await mux.closedPanes(4242)).toEqual({ panes: [{ agent: 'ag-a', pane: '%3/4242' }] });
  });

  it('a damaged one is refused, with the reason', async () => {
    const { mux } = groupOf(false, '["ag-a"]');
    expect(await mux.closedPanes(4242)).toEqual({ refused: expect.stringMatching(/not a list/) });
  });
});

describe('the panes a live group says it serves (how a WezTerm pane is known as an agent’s)', () => {
  function served(text: string, alive = true) {
    const owner = mkdtempSync(join(tmpdir(), 'wtp-headless-'));
    dirs.push(owner);
    const records = join(owner, 'headless');
    mkdirSync(records);
    const record = { pid: 4242, start: 's1', workspace: 'w', agentId: 'ag-a', group: own(records) };
    writeFileSync(join(records, '4242.json'), JSON.stringify(record));
    writeFileSync(join(records, 'g-1.panes'), text);
    return new HeadlessMux({
      env: {},
      owner,
      facts: { stat: (pid) => (alive && pid === 4242 ? { zombie: false, leader: true, start: 's1' } : null) },
      environments: false,
      groups: true,
    }).servedPanes();
  }

  it("names the group's pid and workspace beside each pane", async () => {
    expect(await served('[{"agent":"ag-a","pane":"7/4242"},{"agent":"ag-b","pane":"%2/4242"}]')).toEqual([
      { pane: '7/4242', agent: 'ag-a', pid: 4242, workspace: 'w' },
      { pane: '%2/4242', agent: 'ag-b', pid: 4242, workspace: 'w' },
    ]);
  });

  it.each([
    ['another group’s pane', '[{"agent":"ag-a","pane":"7/4243"}]'],
    ['a pane id with a shell word', '[{"agent":"ag-a","pane":"7;rm/4242"}]'],
    ['damaged', '[{"agent":"ag-a"'],
  ])('believes none of %s', async (_what, text) => {
    expect(await served(text)).toEqual([]);
  });

  it('a gone group serves nothing, whatever its file says', async () => {
    expect(await served('[{"agent":"ag-a","pane":"7/4242"}]', false)).toEqual([]);
  });
});
