import {
  appendFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AgentRecord } from '../src/core/model/agent-record.js';
import { openDatabase } from '../src/adapters/sqlite/open-database.js';
import { SqliteUsageStore } from '../src/adapters/sqlite/sqlite-usage-store.js';
import { FsUsageFiles } from '../src/adapters/usage/fs-usage-files.js';
import { mergePrices } from '../src/core/usage/prices.js';
import { BUNDLED_PRICES } from '../src/core/usage/price-table.js';
import type { UsageSpec } from '../src/core/usage/usage-spec.js';
import { DEFAULT_USAGE_SETTINGS, UsageMeter } from '../src/core/usage/usage-meter.js';
import { USAGE_SPECS } from '../src/vendors/registry.js';
import type { RepoPaths } from './repo-paths.js';
import { progress, ratio, type BenchResult } from './report.js';
import { round, summarize } from './stats.js';

/** Turns per measured session and how many a read finds at once (a read every few seconds). */
const TURNS = 1_000;
const TURNS_PER_READ = 5;
const SAMPLES = 5;

/** CPU time of the process (user + system) in ms. */
const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/**
 * A session file of `turns` turns from the recorded fixture (test/fixtures/usage/<vendor>/): its
 * lines repeated in order, each turn's ids made unique, so that its size and mix of lines (user
 * messages, attachments, tool results, the usage lines) are the CLI's own.
 */
function sessionTurns(paths: RepoPaths, vendor: string): string[][] {
  const dir = join(paths.root, 'test', 'fixtures', 'usage', vendor);
  const version =
    readdirSync(dir)
      .filter((n) => /^\d/.test(n))
      .sort()
      .at(-1) ?? '';
  const lines = readFileSync(join(dir, version, 'session.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l !== '');
  return Array.from({ length: TURNS }, (_, t) =>
    lines.map((l) =>
      l
        .replace(/"(msg_fake\d+|resp_fake\d+)"/g, (_m, id: string) => `"${id}-t${t}"`)
        .replace(/"id":"([0-9a-f-]{20,})"/g, (_m, id: string) => `"id":"${id}-t${t}"`),
    ),
  );
}

/** The CPU of the meter reading a session as it grows, and of parsing the same file alone. */
async function measureVendor(
  paths: RepoPaths,
  vendor: string,
  spec: UsageSpec,
): Promise<{ meter: number[]; parse: number[]; bytes: number }> {
  const turns = sessionTurns(paths, vendor);
  const meter: number[] = [];
  const parse: number[] = [];
  let bytes = 0;
  for (let s = 0; s < SAMPLES; s++) {
    const dir = mkdtempSync(join(tmpdir(), 'wtp-bench-usage-'));
    try {
      const file = join(dir, 'sessions', 'session.jsonl');
      mkdirSync(join(dir, 'sessions'));
      writeFileSync(file, '');
      const db = openDatabase(join(dir, 'wtp.db'));
      const agent = {
        id: 'ag-bench',
        name: 'bench',
        workspaceId: 'ws',
        profile: vendor,
        cwd: dir,
        env: {},
        sessionId: null,
        state: 'working',
        createdAt: 0,
      } as unknown as AgentRecord;
      const m = new UsageMeter({
        agents: { all: () => [agent], get: () => agent },
        taskOf: () => null,
        specs: {
          [vendor]: { ...spec, sessionFiles: () => [{ root: dir, segments: ['sessions', 'session.jsonl'] }] },
        },
        locate: () => ({ env: {}, home: dir, agentDir: dir }),
        files: new FsUsageFiles(),
        store: new SqliteUsageStore(db),
        prices: () => mergePrices(BUNDLED_PRICES, {}),
        clock: { now: () => Date.now(), setTimer: () => ({ id: 0 }), clearTimer: () => undefined },
        log: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
        settings: DEFAULT_USAGE_SETTINGS,
      });
      m.start();
      // Writing is not measured: the meter's reads (and their commits) are.
      let used = 0;
      for (let t = 0; t < TURNS; t += TURNS_PER_READ) {
        appendFileSync(
          file,
          `${turns
            .slice(t, t + TURNS_PER_READ)
            .flat()
            .join('\n')}\n`,
        );
        const before = cpuMs();
        await m.readAll();
        used += cpuMs() - before;
      }
      meter.push(used);
      db.close();
      bytes = readFileSync(file).length;
      // The baseline: the same bytes read and every line parsed as JSON, nothing else.
      const start = cpuMs();
      let n = 0;
      for (const line of readFileSync(file, 'utf8').split('\n'))
        if (line !== '') n += JSON.parse(line) === null ? 0 : 1;
      parse.push(cpuMs() - start);
      if (n === 0) throw new Error('nothing parsed');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return { meter, parse, bytes };
}

/**
 * `usage.readCpu.<vendor>`: CPU milliseconds the usage meter spends to read 1,000 turns of a
 * session file as it grows (a read every TURNS_PER_READ turns: open, new lines, the vendor's
 * reader, the SQLite commit of the position, tally and ledger), against reading and JSON-parsing
 * the same file once (the floor of any reader).
 */
export async function measureUsageReading(paths: RepoPaths): Promise<Record<string, BenchResult>> {
  const out: Record<string, BenchResult> = {};
  for (const vendor of ['claude', 'codex', 'gemini']) {
    const spec = USAGE_SPECS[vendor];
    if (!spec) continue;
    progress(`usage: reading ${TURNS} turns of a ${vendor} session file, ${SAMPLES} times`);
    const r = await measureVendor(paths, vendor, spec);
    const m = summarize(r.meter);
    const p = summarize(r.parse);
    out[`usage.readCpu.${vendor}`] = {
      value: m.p50,
      unit: 'ms CPU per 1,000 turns',
      baseline: {
        name: 'read and JSON.parse every line of the same file once',
        value: p.p50,
        p50: p.p50,
        samples: p.samples,
      },
      ratio: ratio(m.p50, p.p50),
      ...m,
      note: `the meter reading a ${round(r.bytes / 1_048_576, 1)} MiB ${spec.source} of ${TURNS} turns (from the recorded fixture) as it grows, ${TURNS_PER_READ} turns per read, each read committed to SQLite`,
      extra: { bytes: r.bytes, readsPerSample: TURNS / TURNS_PER_READ },
    };
  }
  return out;
}
