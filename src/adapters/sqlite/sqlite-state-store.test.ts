import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TempDirs } from '../../../test/support/adapters/temp-dirs.js';
import type { AgentRecord } from '../../core/model/agent-record.js';
import type { NewEvent, WtpEvent } from '../../protocol/events.js';
import type { WorkspaceView } from '../../protocol/workspace.js';
import { openDatabase, type Db } from './open-database.js';
import { SqliteStateStore } from './sqlite-state-store.js';

const temp = new TempDirs();
let path: string;
let db: Db;
let clock: number;
let store: SqliteStateStore;

const T0 = Date.UTC(2025, 2, 4, 5, 6, 7, 890);

const workspace = (id: string, repoPath: string | null = null): WorkspaceView => ({
  id,
  name: `name-${id}`,
  repoPath,
  backend: 'tmux',
  template: 'quad',
  createdAt: new Date(T0 + id.length).toISOString(),
});

/** An agent with every nullable field set, so a lost column shows up. */
const fullAgent = (id: string, workspaceId = 'w1'): AgentRecord => ({
  id,
  name: `agent-${id}`,
  workspaceId,
  profile: 'shell',
  command: '/bin/bash',
  args: ['--model', 'x y', 'ünïcode', ''],
  cwd: '/tmp/project with space',
  env: { FOO: 'bar', EMPTY: '', 'WITH=EQ': 'a=b' },
  restart: 'on-failure',
  backend: 'headless',
  state: 'running',
  stateDetail: { reason: 'spawned', message: 'hello', exitCode: null },
  stateSince: T0 + 1,
  pid: 4242,
  hostPid: 4141,
  hostIdentity: '4141@123456',
  paneId: '%7',
  lastExit: { exitCode: null, signal: 'SIGKILL' },
  restarts: 3,
  createdAt: T0,
  startedAt: T0 + 2,
  outputSeq: 2 ** 40 + 7,
  cols: 132,
  rows: 43,
  version: '2.1.330',
  sessionId: 'b1c2d3e4-0000-4000-8000-000000000000',
  forkSession: 'a0b1c2d3-0000-4000-8000-000000000000',
  profileArgs: ['--settings', '/state/agents/x/claude-settings.json'],
  profileEnv: { OPENCODE_CONFIG_CONTENT: '{"plugin":["file:///state/agents/x/wtp-opencode-plugin.js"]}' },
  approvals: { allow: ['Bash(npm test*)'], deny: ['Bash(rm *)'] },
  worktree: {
    repo: '/src/shop',
    path: '/state/worktrees/shop-0a1b2c3d/api',
    branch: 'wtp/api',
    base: 'main',
    baseCommit: 'f'.repeat(40),
    portStart: 20_010,
    portCount: 10,
    owned: true,
  },
});

const sparseAgent = (id: string, createdAt: number): AgentRecord => ({
  ...fullAgent(id),
  profile: 'cmd',
  args: [],
  env: {},
  restart: 'never',
  state: 'starting',
  stateDetail: { reason: 'created' },
  pid: null,
  hostPid: null,
  hostIdentity: null,
  lastExit: null,
  restarts: 0,
  createdAt,
  startedAt: null,
  outputSeq: 0,
  version: null,
  sessionId: null,
  forkSession: null,
  profileArgs: [],
  worktree: null,
});

const event = (type: 'agent.attached' | 'agent.removed', agentId: string | null, extra = 'x'): NewEvent =>
  type === 'agent.attached'
    ? { type, source: 'cli', agentId, workspaceId: 'w1', data: { client: extra } }
    : { type, source: 'daemon', agentId, workspaceId: null, data: { name: extra } };

const count = (table: string): number =>
  (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;

beforeEach(() => {
  path = join(temp.make(), 'wtp.db');
  db = openDatabase(path);
  clock = T0;
  store = new SqliteStateStore(db, () => (clock += 1_000));
});

afterEach(() => {
  db.close();
  temp.removeAll();
});

describe('SqliteStateStore: agents and workspaces', () => {
  it('round-trips workspaces and agents with every field, in creation order', async () => {
    const w1 = workspace('w1', '/repos/one');
    const w2 = workspace('w22');
    const a = fullAgent('a1');
    const b = sparseAgent('b1', T0 - 5_000);
    await store.commit({ upsertWorkspaces: [w1, w2], upsertAgents: [a, b] });

    expect(await store.loadWorkspaces()).toEqual([w1, w2]);
    expect(await store.loadAgents()).toEqual([b, a]); // b was created earlier

    // A second store on a fresh connection reads the same from disk.
    db.close();
    db = openDatabase(path);
    const reopened = new SqliteStateStore(db);
    expect(await reopened.loadAgents()).toEqual([b, a]);
    expect(await reopened.loadWorkspaces()).toEqual([w1, w2]);
  });

  it('updates an existing agent and workspace in place', async () => {
    await store.commit({ upsertWorkspaces: [workspace('w1')], upsertAgents: [sparseAgent('a1', T0)] });
    const changed: AgentRecord = {
      ...sparseAgent('a1', T0),
      name: 'renamed',
      restart: 'always',
      state: 'crashed',
      stateDetail: { reason: 'crash_loop', message: 'too many restarts' },
      stateSince: T0 + 99,
      pid: 1,
      hostPid: 2,
      hostIdentity: '2@3',
      lastExit: { exitCode: 1, signal: null },
      restarts: 9,
      startedAt: T0 + 50,
      outputSeq: 12_345,
      cols: 200,
      rows: 50,
    };
    await store.commit({
      upsertWorkspaces: [{ ...workspace('w1'), name: 'other', repoPath: '/r' }],
      upsertAgents: [changed],
    });
    expect(await store.loadAgents()).toEqual([changed]);
    expect(await store.loadWorkspaces()).toEqual([{ ...workspace('w1'), name: 'other', repoPath: '/r' }]);
  });

  it('names its event log: the same across reopening, another for another database', () => {
    const id = store.logId();
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    db.close();
    db = openDatabase(path);
    expect(new SqliteStateStore(db).logId()).toBe(id);
    const other = openDatabase(join(temp.make(), 'other.db'));
    try {
      expect(new SqliteStateStore(other).logId()).not.toBe(id);
    } finally {
      other.close();
    }
  });

  it('removes agents', async () => {
    await store.commit({
      upsertWorkspaces: [workspace('w1')],
      upsertAgents: [fullAgent('a1'), fullAgent('a2')],
    });
    await store.commit({ removeAgents: ['a1', 'not-there'] });
    expect((await store.loadAgents()).map((a) => a.id)).toEqual(['a2']);
  });

  it('applies a change all or nothing: a foreign-key violation leaves nothing behind', async () => {
    await store.commit({ upsertWorkspaces: [workspace('w1')], events: [event('agent.removed', null)] });
    const before = { seq: await store.latestSeq(), agents: count('agents'), workspaces: count('workspaces') };

    const failing = store.commit({
      upsertWorkspaces: [workspace('w2')],
      upsertAgents: [fullAgent('ok', 'w1'), fullAgent('orphan', 'no-such-workspace')],
      events: [event('agent.attached', 'ok')],
    });
    await expect(failing).rejects.toThrow(/FOREIGN KEY/);

    expect(await store.latestSeq()).toBe(before.seq);
    expect(count('agents')).toBe(before.agents);
    expect(count('workspaces')).toBe(before.workspaces);
    expect(count('events')).toBe(1);
    // The store is still usable after the rollback.
    await store.commit({ upsertAgents: [fullAgent('ok', 'w1')] });
    expect((await store.loadAgents()).map((a) => a.id)).toEqual(['ok']);
  });

  it('rejects a duplicate agent name in a workspace without applying the rest of the change', async () => {
    await store.commit({ upsertWorkspaces: [workspace('w1')], upsertAgents: [fullAgent('a1')] });
    const dup = { ...fullAgent('a2'), name: 'agent-a1' };
    await expect(
      store.commit({ upsertAgents: [dup], events: [event('agent.attached', 'a2')] }),
    ).rejects.toThrow(/UNIQUE/);
    expect(count('agents')).toBe(1);
    expect(count('events')).toBe(0);
  });
});

describe('SqliteStateStore: events', () => {
  it('assigns increasing seq and an ISO time from the clock, and returns the stored events', async () => {
    expect(await store.latestSeq()).toBe(0);
    const first = await store.commit({
      events: [event('agent.attached', 'a1', 'c1'), event('agent.removed', 'a1')],
    });
    const second = await store.commit({ events: [event('agent.attached', 'a2', 'c2')] });
    expect(first.map((e) => e.seq)).toEqual([1, 2]);
    expect(second.map((e) => e.seq)).toEqual([3]);
    expect([...first, ...second].map((e) => e.ts)).toEqual([
      new Date(T0 + 1_000).toISOString(),
      new Date(T0 + 2_000).toISOString(),
      new Date(T0 + 3_000).toISOString(),
    ]);
    expect(first[0]).toEqual({
      ...event('agent.attached', 'a1', 'c1'),
      seq: 1,
      ts: '2025-03-04T05:06:08.890Z',
    });
    expect(await store.latestSeq()).toBe(3);
    // What since() reads back is what commit() returned.
    expect(await store.since({ since: 0, limit: 10 })).toEqual([...first, ...second]);
  });

  it('filters by seq, types and agent, and honours the limit', async () => {
    await store.commit({
      events: [
        event('agent.attached', 'a1', '1'),
        event('agent.removed', 'a1', '2'),
        event('agent.attached', 'a2', '3'),
        event('agent.attached', 'a1', '4'),
        event('agent.removed', null, '5'),
      ],
    });
    const seqs = async (q: Parameters<SqliteStateStore['since']>[0]) =>
      (await store.since(q)).map((e) => e.seq);
    expect(await seqs({ since: 0, limit: 100 })).toEqual([1, 2, 3, 4, 5]);
    expect(await seqs({ since: 2, limit: 100 })).toEqual([3, 4, 5]);
    expect(await seqs({ since: 5, limit: 100 })).toEqual([]);
    expect(await seqs({ since: 0, limit: 2 })).toEqual([1, 2]);
    expect(await seqs({ since: 0, limit: 100, types: ['agent.removed'] })).toEqual([2, 5]);
    expect(await seqs({ since: 0, limit: 100, types: ['agent.removed', 'agent.attached'] })).toEqual([
      1, 2, 3, 4, 5,
    ]);
    expect(await seqs({ since: 0, limit: 100, types: [] })).toEqual([1, 2, 3, 4, 5]);
    expect(await seqs({ since: 0, limit: 100, agentId: 'a1' })).toEqual([1, 2, 4]);
    expect(await seqs({ since: 1, limit: 1, agentId: 'a1', types: ['agent.attached'] })).toEqual([4]);
    expect(await seqs({ since: 0, limit: 100, agentId: 'nobody' })).toEqual([]);
  });

  it('is append-only: the triggers refuse UPDATE and DELETE on events', async () => {
    await store.commit({ events: [event('agent.attached', 'a1')] });
    expect(() => db.prepare("UPDATE events SET type = 'x'").run()).toThrow(/events are append-only/);
    expect(() => db.prepare('DELETE FROM events').run()).toThrow(/events are append-only/);
    expect(await store.since({ since: 0, limit: 10 })).toMatchObject([{ seq: 1, type: 'agent.attached' }]);
  });
});

describe('SqliteStateStore on a full disk', () => {
  /** The database may not grow past its current size: the next page it needs is SQLITE_FULL. */
  const capAtCurrentSize = (): void => {
    const pages = Number(db.pragma('page_count', { simple: true }));
    db.pragma(`max_page_count = ${pages}`);
  };
  const bigEvent = (i: number): NewEvent => event('agent.attached', null, `${i}:${'x'.repeat(4_000)}`);

  it('rejects a commit it cannot write with STORAGE_FULL naming the file, and writes nothing of it', async () => {
    await store.commit({ upsertWorkspaces: [workspace('w1')] });
    db.pragma('wal_checkpoint(TRUNCATE)');
    capAtCurrentSize();
    const before = count('events');
    await expect(
      store.commit({ events: Array.from({ length: 20 }, (_, i) => bigEvent(i)) }),
    ).rejects.toMatchObject({
      code: 'STORAGE_FULL',
      details: { component: 'database', path, errorCode: 'SQLITE_FULL' },
    });
    expect(count('events')).toBe(before);
    // Space returns: the same commit goes through.
    db.pragma('max_page_count = 1073741823');
    expect(await store.commit({ events: [bigEvent(0)] })).toHaveLength(1);
  });

  it('writes events published while it was full with the seq and time they were given, before new ones', async () => {
    const first = await store.commit({ events: [event('agent.attached', null, 'a')] });
    const seq = first[0]?.seq ?? 0;
    const kept = [
      { ...event('agent.removed', 'ag-1', 'b'), seq: seq + 1, ts: new Date(T0 + 5_000).toISOString() },
      { ...event('agent.attached', null, 'c'), seq: seq + 2, ts: new Date(T0 + 6_000).toISOString() },
    ] as WtpEvent[];
    const fresh = await store.commit({ replayEvents: kept, events: [event('agent.attached', null, 'd')] });
    expect(fresh.map((e) => e.seq)).toEqual([seq + 3]); // only the new ones come back
    const all = await store.since({ since: seq, limit: 10 });
    expect(all.map((e) => [e.seq, e.ts])).toEqual([
      [seq + 1, new Date(T0 + 5_000).toISOString()],
      [seq + 2, new Date(T0 + 6_000).toISOString()],
      [seq + 3, new Date(clock).toISOString()],
    ]);
  });
});
