import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AgentRecord } from '../../core/model/agent-record.js';
import { UsageMeter, DEFAULT_USAGE_SETTINGS } from '../../core/usage/usage-meter.js';
import { mergePrices } from '../../core/usage/prices.js';
import { BUNDLED_PRICES } from '../../core/usage/price-table.js';
import { usageFiles } from '../../daemon/usage-wiring.js';
import { opencodeUsage } from '../../vendors/opencode/usage.js';
import { FakeClock } from '../../../test/support/fake-clock.js';
import { MemoryLogger } from '../../../test/support/fake-ports.js';
import { USAGE_FIXTURES } from '../../../test/support/usage-fixtures.js';
import { openDatabase, type Db } from '../sqlite/open-database.js';
import { openPinned } from '../sqlite/pinned-database.js';
import { SqliteUsageStore } from '../sqlite/sqlite-usage-store.js';

/** The recorded OpenCode session (test/fixtures/usage/opencode/1.18.33): its three calls. */
const SESSION = 'ses_deb588756ffePO28wmquTkTwJn';
const MSG = 'msg_214a7c15b001AM6Nmd2J9o5wyQ';
const RECORDED = { input: 7486, output: 122, cacheRead: 11264, cacheWrite: 0 };
const CALLS_AT = 1795642857038; // the first call's part (2026-11-25T21:40:57Z)
let dir: string;
let state: Db;
let oc: string;
const clock = new FakeClock(CALLS_AT + 3_600_000);

const agent = {
  id: 'ag-1',
  name: 'oc',
  workspaceId: 'ws-1',
  profile: 'opencode',
  cwd: '/w',
  env: {},
  sessionId: SESSION,
  state: 'working',
  createdAt: CALLS_AT - 60_000,
} as unknown as AgentRecord;

function meter(a: AgentRecord = agent): UsageMeter {
  const m = new UsageMeter({
    agents: { all: () => [a], get: (id) => (id === a.id ? a : undefined) },
    taskOf: () => null,
    specs: { opencode: opencodeUsage },
    locate: () => ({ env: {}, home: dir, agentDir: dir }),
    files: usageFiles(),
    store: new SqliteUsageStore(state),
    prices: () => mergePrices(BUNDLED_PRICES, {}),
    clock,
    log: new MemoryLogger(),
    settings: DEFAULT_USAGE_SETTINGS,
  });
  m.start();
  m.stop();
  return m;
}

/** A model call's part as OpenCode 1.18.33 writes it, in `session`, at `at`. */
function call(id: string, at: number, input: number, session = SESSION, message = MSG): void {
  const w = openPinned(oc);
  w.prepare(
    'INSERT INTO part (id, message_id, session_id, time_created, time_updated, data) VALUES (?, ?, ?, ?, ?, ?)',
  ).run(
    id,
    message,
    session,
    at,
    at,
    JSON.stringify({
      type: 'step-finish',
      reason: 'stop',
      cost: 0,
      tokens: { input, output: 1, reasoning: 0, cache: { read: 0, write: 0 } },
    }),
  );
  w.close();
}

const ledgerSum = (m: UsageMeter): number => m.ledger().reduce((n, r) => n + r.counts.input, 0);

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'wtp-opencode-meter-'));
  const data = join(dir, '.local', 'share', 'opencode');
  mkdirSync(data, { recursive: true, mode: 0o700 });
  oc = join(data, 'opencode.db');
  copyFileSync(join(USAGE_FIXTURES, 'opencode', '1.18.33', 'opencode.db'), oc);
  state = openDatabase(join(dir, 'state.db'));
});
afterEach(() => {
  state.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the usage meter on OpenCode’s database', () => {
  it('counts the session’s calls; a restart (new meter, same database) counts only what came after', async () => {
    const m = meter();
    await m.readAll();
    expect(m.view(agent.id)).toMatchObject({
      tokens: RECORDED,
      source: 'OpenCode database (step-finish parts)',
    });
    await m.readAll();
    expect(ledgerSum(m)).toBe(RECORDED.input);

    call('prt_zz1', CALLS_AT + 100_000, 1000);
    const again = meter();
    await again.readAll();
    expect(again.view(agent.id)?.tokens.input).toBe(RECORDED.input + 1000);
    expect(ledgerSum(again)).toBe(RECORDED.input + 1000);
  });

  it('a subagent’s session (task tool) counts for the agent, once', async () => {
    const w = openPinned(oc);
    w.prepare(
      "INSERT INTO session (id, project_id, parent_id, slug, directory, title, version, time_created, time_updated) VALUES ('ses_sub1', 'global', ?, 's', '/', 't', '1.18.33', 1, 1)",
    ).run(SESSION);
    w.close();
    call('prt_sub1', CALLS_AT + 50_000, 500, 'ses_sub1');
    const m = meter();
    await m.readAll();
    await m.readAll();
    expect(m.view(agent.id)).toMatchObject({ tokens: { input: RECORDED.input + 500 }, files: 2 });
  });

  it('a revert that deletes the last call, then a new call: the new one counts, nothing twice', async () => {
    const m = meter();
    await m.readAll();
    const w = openPinned(oc);
    w.prepare("DELETE FROM part WHERE id = 'prt_214a7c481001zX37X0w9RirVmD'").run();
    w.close();
    call('prt_zz2', CALLS_AT + 200_000, 2000);
    await m.readAll();
    expect(m.view(agent.id)?.tokens.input).toBe(RECORDED.input + 2000);
    expect(ledgerSum(m)).toBe(RECORDED.input + 2000);
  });

  it('calls from before the agent existed (a session it resumed) are not its spending', async () => {
    const m = meter({ ...agent, createdAt: CALLS_AT + 60_000 } as AgentRecord);
    call('prt_zz3', CALLS_AT + 70_000, 3000);
    await m.readAll();
    expect(m.view(agent.id)?.tokens.input).toBe(3000);
  });
});
