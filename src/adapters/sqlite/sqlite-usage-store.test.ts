import {
  appendFileSync,
  mkdirSync,
  mkdtempSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AgentRecord } from '../../core/model/agent-record.js';
import type { LedgerRow, UsageStore } from '../../core/ports/usage.js';
import { UsageMeter, DEFAULT_USAGE_SETTINGS } from '../../core/usage/usage-meter.js';
import { mergePrices } from '../../core/usage/prices.js';
import { BUNDLED_PRICES } from '../../core/usage/price-table.js';
import { claudeUsage } from '../../vendors/claude/usage.js';
import { FakeClock } from '../../../test/support/fake-clock.js';
import { MemoryLogger } from '../../../test/support/fake-ports.js';
import { FsUsageFiles } from '../usage/fs-usage-files.js';
import { openDatabase, type Db } from './open-database.js';
import { SqliteUsageStore } from './sqlite-usage-store.js';

const SESSION = '5b0f3c1e-8d2a-4c55-9e61-0c9d7a1b2c3d';
let dir: string;
let db: Db;
let transcript: string;
const clock = new FakeClock(Date.parse('2026-11-25T10:30:00Z'));

const agent = {
  id: 'ag-1',
  name: 'api',
  workspaceId: 'ws-1',
  profile: 'claude',
  cwd: '/w',
  env: {},
  sessionId: SESSION,
  state: 'working',
  createdAt: Date.parse('2026-11-25T09:00:00Z'),
} as unknown as AgentRecord;

const assistant = (id: string, input: number, output: number, at = '2026-11-25T10:20:00.000Z'): string =>
  `${JSON.stringify({
    type: 'assistant',
    timestamp: at,
    message: { id, model: 'claude-sonnet-4-5', usage: { input_tokens: input, output_tokens: output } },
  })}\n`;

function meter(
  store: UsageStore = new SqliteUsageStore(db),
  counted: LedgerRow[][] = [],
  files = new FsUsageFiles(),
  settings = DEFAULT_USAGE_SETTINGS,
): UsageMeter {
  const m = new UsageMeter({
    agents: { all: () => [agent], get: (id) => (id === agent.id ? agent : undefined) },
    taskOf: () => 'tk-1',
    specs: { claude: claudeUsage },
    locate: () => ({ env: { CLAUDE_CONFIG_DIR: join(dir, 'cfg') }, home: dir, agentDir: dir }),
    files,
    store,
    prices: () => mergePrices(BUNDLED_PRICES, {}),
    clock,
    log: new MemoryLogger(),
    settings,
    onCounted: (rows) => counted.push([...rows]),
  });
  m.start();
  m.stop();
  return m;
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'wtp-usage-meter-'));
  const project = join(dir, 'cfg', 'projects', '-w');
  mkdirSync(project, { recursive: true });
  transcript = join(project, `${SESSION}.jsonl`);
  db = openDatabase(join(dir, 'state.db'));
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('usage meter on SQLite and real session files', () => {
  it('counts a transcript as it grows; a restart (new meter, same database) counts nothing twice', async () => {
    writeFileSync(transcript, assistant('m1', 100, 10) + assistant('m1', 100, 20));
    const a = meter();
    await a.readAll();
    expect(a.view('ag-1')?.tokens).toEqual({ input: 100, output: 20, cacheRead: 0, cacheWrite: 0 });
    // A message's second line comes after the restart: it replaces, it does not add.
    appendFileSync(transcript, assistant('m1', 100, 25) + assistant('m2', 7, 3));
    const b = meter();
    await b.readAll();
    await b.readAll();
    expect(b.view('ag-1')?.tokens).toEqual({ input: 107, output: 28, cacheRead: 0, cacheWrite: 0 });
    const ledger = new SqliteUsageStore(db).loadLedger();
    expect(ledger.reduce((n, r) => n + r.counts.output, 0)).toBe(28);
    expect(ledger.every((r) => r.taskId === 'tk-1' && r.hour === Date.parse('2026-11-25T10:00:00Z'))).toBe(
      true,
    );
    // Priced with the bundled table: claude-sonnet-4-5 at $3 in / $15 out per million.
    expect(b.view('ag-1')?.costUsd).toBeCloseTo((107 * 3 + 28 * 15) / 1e6, 10);
  });

  it('a file read in many chunks, with a cut last line, counts each line once (view and ledger)', async () => {
    const lines = Array.from({ length: 40 }, (_, i) => assistant(`m${i}`, 10 + i, 1)).join('');
    writeFileSync(transcript, `${lines}{"type":"assistant","mess`);
    const small = new FsUsageFiles({ uid: process.getuid?.() ?? null, maxLineBytes: 300 });
    const m = meter(new SqliteUsageStore(db), [], small, { ...DEFAULT_USAGE_SETTINGS, maxReadBytes: 250 });
    await m.readAll();
    await m.readAll();
    const input = Array.from({ length: 40 }, (_, i) => 10 + i).reduce((a, b) => a + b, 0);
    expect(m.view('ag-1')?.tokens.input).toBe(input);
    expect(new SqliteUsageStore(db).loadLedger().reduce((n, r) => n + r.counts.input, 0)).toBe(input);
  });

  it('a transcript replaced under its name: only entries newer than those counted count', async () => {
    writeFileSync(transcript, assistant('m1', 100, 10, '2026-11-25T10:01:00Z'));
    const m = meter();
    await m.readAll();
    const other = `${transcript}.new`;
    // The same history again, plus one new message.
    writeFileSync(
      other,
      assistant('m1', 100, 10, '2026-11-25T10:01:00Z') + assistant('m9', 1, 1, '2026-11-25T10:02:00Z'),
    );
    renameSync(other, transcript);
    await m.readAll();
    const v = m.view('ag-1');
    expect(v?.tokens).toEqual({ input: 101, output: 11, cacheRead: 0, cacheWrite: 0 });
    expect(v?.problem).toContain('was replaced while read');
  });

  it('a link where the transcript should be is refused and said, never read', async () => {
    const secret = join(dir, 'secret.jsonl');
    writeFileSync(secret, assistant('m1', 1_000_000, 1_000_000));
    symlinkSync(secret, transcript);
    const m = meter();
    await m.readAll();
    const v = m.view('ag-1');
    expect(v?.tokens).toEqual({ input: 0, output: 0, cacheRead: 0, cacheWrite: 0 });
    expect(v?.problem).toContain('symbolic link');
    expect(v?.refused).toBe(1);
    await m.readAll();
    expect(m.view('ag-1')?.refused).toBe(1);
  });

  it('forged lines are refused and counted as such; the good ones count', async () => {
    writeFileSync(
      transcript,
      assistant('m1', -5, 10) +
        assistant('m2', 1e15, 1) +
        '{"type":"assistant","usage":\n' +
        assistant('m3', 2, 3),
    );
    const m = meter();
    await m.readAll();
    const v = m.view('ag-1');
    expect(v?.tokens).toEqual({ input: 2, output: 3, cacheRead: 0, cacheWrite: 0 });
    expect(v?.refused).toBe(3);
  });

  it('a store that cannot write (a full disk) leaves the position as it was: counted once it can', async () => {
    writeFileSync(transcript, assistant('m1', 10, 1));
    const real = new SqliteUsageStore(db);
    let broken = true;
    const flaky: UsageStore = {
      ...real,
      loadFiles: () => real.loadFiles(),
      loadLedger: () => real.loadLedger(),
      budgets: () => real.budgets(),
      setBudget: (s, k, l) => real.setBudget(s, k, l),
      commit: (f, rows) => {
        if (broken) throw new Error('SQLITE_FULL');
        real.commit(f, rows);
      },
    };
    const m = meter(flaky);
    await m.readAll();
    expect(m.view('ag-1')?.tokens.input ?? 0).toBe(0);
    broken = false;
    await m.readAll();
    expect(m.view('ag-1')?.tokens.input).toBe(10);
    expect(real.loadLedger().reduce((n, r) => n + r.counts.input, 0)).toBe(10);
  });

  it("a session's history from before the agent existed (a fork's copy, a resumed session) is not its spending", async () => {
    writeFileSync(
      transcript,
      assistant('old1', 500, 50, '2026-11-25T08:00:00Z') +
        assistant('old2', 600, 60, '2026-11-25T08:30:00Z') +
        assistant('new1', 7, 3, '2026-11-25T09:30:00Z'),
    );
    const m = meter();
    await m.readAll();
    expect(m.view('ag-1')?.tokens).toEqual({ input: 7, output: 3, cacheRead: 0, cacheWrite: 0 });
  });

  it('an unknown model: tokens shown, cost unknown', async () => {
    writeFileSync(
      transcript,
      `${JSON.stringify({ type: 'assistant', timestamp: '2026-11-25T10:00:00Z', message: { id: 'x', model: 'claude-next-9', usage: { input_tokens: 5, output_tokens: 1 } } })}\n`,
    );
    const m = meter();
    await m.readAll();
    expect(m.view('ag-1')).toMatchObject({
      costUsd: null,
      unpricedModels: ['claude-next-9'],
      tokens: { input: 5 },
    });
  });
});
