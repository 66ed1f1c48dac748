import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TempDirs } from '../../../test/support/adapters/temp-dirs.js';
import { agentRecord } from '../../../test/support/core-fakes.js';
import type { StateDetail } from '../../protocol/agent.js';
import type { NewEvent } from '../../protocol/events.js';
import { openDatabase, type Db } from './open-database.js';
import { SqliteStateStore } from './sqlite-state-store.js';

// A database written by another version: state reasons this version does not know must not cost
// the agent, nor fail the read of the event log.

const temp = new TempDirs();
let db: Db;
let store: SqliteStateStore;

beforeEach(async () => {
  db = openDatabase(join(temp.make(), 'wtp.db'));
  store = new SqliteStateStore(db);
  await store.commit({
    upsertWorkspaces: [
      {
        id: 'w1',
        name: 'default',
        repoPath: null,
        backend: 'headless',
        template: 'quad',
        createdAt: '2025-01-01T00:00:00.000Z',
      },
    ],
  });
});

afterEach(() => {
  db.close();
  temp.removeAll();
});

/** Writes an agent, then its state detail as raw JSON, as an older version may have left it. */
async function storedWith(id: string, detailJson: string): Promise<void> {
  await store.commit({ upsertAgents: [agentRecord({ id, workspaceId: 'w1', state: 'crashed' })] });
  db.prepare('UPDATE agents SET state_detail = ? WHERE id = ?').run(detailJson, id);
}

describe('SqliteStateStore: state reasons stored by another version', () => {
  it('loads an agent whose stored reason it does not know, as `unknown`, naming the stored one', async () => {
    await storedWith('a1', JSON.stringify({ reason: 'oom_killed', exitCode: 137, source: 'telepathy' }));
    await storedWith('a2', JSON.stringify({ reason: 'setup_failed', message: 'npm ci failed' }));
    const agents = await store.loadAgents();
    expect(agents.map((a) => [a.id, a.stateDetail])).toEqual([
      [
        'a1',
        {
          reason: 'unknown',
          exitCode: 137,
          message: 'stored reason "oom_killed": not one this version knows',
        },
      ],
      ['a2', { reason: 'setup_failed', message: 'npm ci failed' }],
    ]);
  });

  it.each([
    ['a number', '{"reason":42}', 'stored reason a number: not one this version knows'],
    ['none', '{"exitCode":1}', 'stored reason none: not one this version knows'],
    ['a detail that is not an object', '["created"]', 'stored reason none: not one this version knows'],
    [
      'terminal escapes',
      JSON.stringify({ reason: '\u001b]0;owned\u0007'.padEnd(200, 'x') }),
      `stored reason "?]0;owned?${'x'.repeat(54)}": not one this version knows`,
    ],
  ])('reads a hostile stored reason (%s) as `unknown`, its message printable', async (_, json, message) => {
    await storedWith('a1', json);
    const [agent] = await store.loadAgents();
    expect(agent?.stateDetail.reason).toBe('unknown');
    expect(agent?.stateDetail.message).toBe(message);
  });

  it('keeps a stored message rather than naming the unknown reason over it', async () => {
    await storedWith('a1', JSON.stringify({ reason: 'quarantined', message: 'the scanner said so' }));
    const [agent] = await store.loadAgents();
    expect(agent?.stateDetail).toEqual({ reason: 'unknown', message: 'the scanner said so' });
  });

  it('reads the reasons of stored events the same way', async () => {
    const old = { reason: 'hibernating' } as unknown as StateDetail;
    const events: NewEvent[] = [
      {
        type: 'agent.stateChanged',
        source: 'host',
        agentId: 'a1',
        workspaceId: 'w1',
        data: { from: 'working', to: 'idle', detail: old, pid: null },
      },
      {
        type: 'agent.dialogKeysSent',
        source: 'cli',
        agentId: 'a1',
        workspaceId: 'w1',
        data: {
          keys: 'y',
          enter: false,
          reason: 'hibernating' as StateDetail['reason'],
          tool: null,
          about: null,
          unknownDialog: false,
          waitedMs: 5,
        },
      },
    ];
    await store.commit({ events });
    const [changed, keys] = await store.since({ since: 0, limit: 10 });
    expect(changed?.type === 'agent.stateChanged' && changed.data.detail).toEqual({
      reason: 'unknown',
      message: 'stored reason "hibernating": not one this version knows',
    });
    expect(keys?.type === 'agent.dialogKeysSent' && keys.data.reason).toBe('unknown');
  });
});
