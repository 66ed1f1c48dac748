import { readFileSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { cliOutputSchemas } from '../../src/protocol/cli-output.js';
import { operations, Prober, type Probe } from '../support/fuzz-probes.js';
import { Rng } from '../support/rng.js';
import { TestHome } from '../support/harness.js';
import { isAlive } from '../support/processes.js';
import { rawRequest } from '../support/raw-socket.js';
import { gitRepo, taskSteps, upWithWorkspace } from '../support/task-steps.js';

// A longer run on demand: WTP_FUZZ_RUNS=20000 WTP_FUZZ_SEED=7 npx vitest run test/integration/api-fuzz.test.ts
const RUNS = Number(process.env['WTP_FUZZ_RUNS'] ?? 2_000);
const SEED = Number(process.env['WTP_FUZZ_SEED'] ?? 20_261_123);
/** Where a run's figures go as JSON (e.g. docs/bench-results/<date>-api-fuzz.json), when set. */
const OUT = process.env['WTP_FUZZ_OUT'];
/** A request is abandoned (and reported) after this long: a hang, not a slow answer. */
const GIVE_UP_MS = 30_000;
/** How far memory may stay above its level after the warm-up, once the daemon has settled. */
const HEAP_SLACK = 64 * 1024 * 1024;
const RSS_SLACK = 160 * 1024 * 1024;

interface Outcome {
  status: number;
  ms: number;
  body: string;
}

describe('API fuzz: a real daemon over TCP, every route, generated from the OpenAPI document', () => {
  let home: TestHome;
  let port: number;
  let token: string;
  let pid: number;
  const fixtures: string[] = [];
  /** Plausible values by the name of the path parameter or body field they are for. */
  const byName: Record<string, string[]> = {};
  const keepAlive = new Agent({ keepAlive: true, maxSockets: 1 });

  beforeAll(async () => {
    home = new TestHome();
    home.writeConfig('tasks:\n  defaultProfile: cmd\n  maxAgentsPerWorkspace: 1\n  retries: 0\n');
    const { repo } = gitRepo(home, 'shop');
    await upWithWorkspace(home, 'shop', repo);
    const status = cliOutputSchemas.status.parse((await home.json(['status'])).doc);
    port = Number(new URL(status.daemon?.api.tcp ?? '').port);
    pid = status.daemon?.pid ?? 0;
    token = readFileSync(home.path('token'), 'utf8').trim();
    const agent = await home.json<{ agent: { id: string } }>([
      'new',
      'cmd',
      '--name',
      'fz-agent',
      '-w',
      'shop',
      '--',
      'sleep',
      '600',
    ]);
    expect(agent.code, agent.stderr).toBe(0);
    const add = await home.json<{ task: { id: string } }>([
      'task',
      'add',
      'fz-task',
      '-w',
      'shop',
      '--prompt',
      'echo fz > fz.txt',
    ]);
    expect(add.code, add.stderr).toBe(0);
    await taskSteps(home).untilTask('fz-task', 'to be in review', (t) => t.status === 'review');
    const agentId = agent.doc.agent.id;
    const taskId = add.doc.task.id;
    fixtures.push(repo, home.dir, 'shop', 'fz-agent', 'shop/fz-agent', agentId, taskId, 'fz-task', 'main');
    Object.assign(byName, {
      agent: ['fz-agent', 'shop/fz-agent', agentId],
      agentId: [agentId],
      task: [taskId, 'fz-task'],
      workspace: ['shop'],
      into: ['main', 'wtp/fz-agent'],
      base: ['main', 'HEAD'],
      branch: ['wtp/fz-agent', 'main'],
      repo: [repo],
      cwd: [repo, home.dir, '/'],
      test: ['true', 'false', 'echo fz'],
      commit: ['fz commit'],
      message: ['fz commit'],
      text: ['fz'],
      vendor: ['anthropic', 'claude'],
      hash: ['0'.repeat(64)],
    });
  }, 120_000);
  afterAll(async () => {
    keepAlive.destroy();
    await home?.cleanup();
  });

  const send = (p: Probe): Promise<Outcome> =>
    new Promise((resolve) => {
      const started = Date.now();
      const headers: Record<string, string | number> = { authorization: `Bearer ${token}`, ...p.headers };
      if (p.body !== undefined) headers['content-length'] = Buffer.byteLength(p.body);
      const req = request(
        { host: '127.0.0.1', port, method: p.method, path: p.path, headers, agent: keepAlive },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              ms: Date.now() - started,
              body: Buffer.concat(chunks).toString('utf8'),
            }),
          );
        },
      );
      req.setTimeout(GIVE_UP_MS, () => req.destroy(new Error('no answer')));
      req.on('error', (err) => resolve({ status: 0, ms: Date.now() - started, body: err.message }));
      req.end(p.body);
    });

  const metrics = async (): Promise<{ rss: number; heap: number }> => {
    const r = await send({ op: 'metrics', method: 'GET', path: '/metrics', headers: {}, note: '' });
    const pick = (name: string) => Number(new RegExp(`^${name} (\\d+)`, 'm').exec(r.body)?.[1] ?? NaN);
    return { rss: pick('process_resident_memory_bytes'), heap: pick('nodejs_heap_used_bytes') };
  };

  it(`answers every request, never with a 5xx, without restarting or keeping memory`, async () => {
    const rng = new Rng(SEED);
    const ops = operations();
    const failures: string[] = [];
    const statuses = new Map<number, number>();
    const covered = new Set<string>();
    let slowest = { ms: 0, what: '' };
    const prober = new Prober(rng, fixtures, byName);
    /** Requests below HTTP's level (bytes on a socket), and WebSocket upgrades. */
    const transport = async (): Promise<{ what: string; status: number; ms: number }> => {
      const started = Date.now();
      if (rng.chance(0.33)) {
        const url = prober.webSocketUrl(port);
        const status = await new Promise<number>((resolve) => {
          const ws = new WebSocket(url, { headers: { authorization: `Bearer ${token}` } });
          const timer = setTimeout(() => {
            ws.terminate();
            resolve(0);
          }, GIVE_UP_MS);
          const done = (s: number) => {
            clearTimeout(timer);
            ws.terminate();
            resolve(s);
          };
          ws.once('unexpected-response', (_req, res) => done(res.statusCode ?? 0));
          ws.once('message', () => done(101));
          ws.once('close', (code) => done(code === 1011 ? 500 : 101));
          ws.once('error', () => undefined);
        });
        return { what: `WS ${url.slice(0, 200)}`, status, ms: Date.now() - started };
      }
      const raw = prober.rawRequest(port, token);
      const r = await rawRequest(port, raw.text, GIVE_UP_MS);
      return { what: raw.what, status: r.timedOut ? 0 : r.status, ms: Date.now() - started };
    };

    const check = (what: string, status: number, ms: number, body = ''): void => {
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      if (ms > slowest.ms) slowest = { ms, what };
      if (status === 0) failures.push(`no answer (${ms} ms): ${what}: ${body.slice(0, 300)}`);
      // A 503 HOST_UNAVAILABLE is an answer, not a fault: a request that meets the fuzz agent's host as
      // it goes (a fuzzed stop or restart just before) is told to try again.
      else if (status === 503 && body.includes('"code":"HOST_UNAVAILABLE"')) return;
      else if (status >= 500) failures.push(`${status} (${ms} ms): ${what}: ${body.slice(0, 300)}`);
      // How fast it answers is the bench's to measure (`npm run bench`), not a test's: the slowest
      // answer is reported below; only no answer at all (GIVE_UP_MS) fails.
    };

    const started = Date.now();
    const warmUp = Math.max(ops.length, Math.floor(RUNS / 10));
    let before: { rss: number; heap: number } | null = null;
    for (let i = 0; i < RUNS;) {
      // Rounds of every operation in a shuffled order: every route is hit, whatever RUNS is.
      const round = [...ops].sort(() => rng.next() - 0.5);
      for (const op of round) {
        if (i >= RUNS) break;
        if (i === warmUp) before = await metrics();
        i++;
        if (rng.chance(0.04)) {
          const t = await transport();
          check(t.what, t.status, t.ms);
          continue;
        }
        const p = prober.probe(op);
        covered.add(op.name);
        const r = await send(p);
        const body = p.body === undefined ? '' : ` body ${JSON.stringify(String(p.body).slice(0, 160))}`;
        check(`#${i} ${p.op} ${p.method} ${p.path.slice(0, 200)} (${p.note})${body}`, r.status, r.ms, r.body);
      }
    }
    const elapsed = Date.now() - started;

    // Agents the fuzz made (it may create some with valid bodies) go before memory is measured.
    const listed = await send({
      op: 'listAgents',
      method: 'GET',
      path: '/api/v1/agents',
      headers: {},
      note: '',
    });
    const agents = (JSON.parse(listed.body) as { agents: { id: string }[] }).agents;
    for (const a of agents)
      await send({
        op: 'removeAgent',
        method: 'DELETE',
        path: `/api/v1/agents/${a.id}?force=true`,
        headers: {},
        note: '',
      });

    const health = await send({ op: 'health', method: 'GET', path: '/api/v1/health', headers: {}, note: '' });
    expect(health.status).toBe(200);
    const pidAtEnd = (JSON.parse(health.body) as { pid: number }).pid;
    expect(pidAtEnd, 'the daemon restarted').toBe(pid);
    expect(isAlive(pid)).toBe(true);

    // Memory settles back: the same daemon, idle, within a generous slack of its level after the warm-up.
    let after = await metrics();
    for (let waited = 0; waited < 30_000 && before; waited += 1_000) {
      if (after.heap <= before.heap + HEAP_SLACK && after.rss <= before.rss + RSS_SLACK) break;
      await new Promise((r) => setTimeout(r, 1_000));
      after = await metrics();
    }
    const mb = (n: number) => `${Math.round(n / 1024 / 102.4) / 10} MB`;
    console.info(
      `api fuzz: ${RUNS} requests, ${ops.length} routes (${covered.size} hit), seed ${SEED}, ${elapsed} ms, ` +
        `slowest ${slowest.ms} ms (${slowest.what.slice(0, 120)}), statuses ${JSON.stringify(Object.fromEntries([...statuses].sort(([a], [b]) => a - b)))}, ` +
        `heap ${mb(before?.heap ?? 0)} → ${mb(after.heap)}, rss ${mb(before?.rss ?? 0)} → ${mb(after.rss)}`,
    );
    if (OUT) {
      const figures = {
        command: `WTP_FUZZ_RUNS=${RUNS} WTP_FUZZ_SEED=${SEED} WTP_FUZZ_OUT=${OUT} npx vitest run test/integration/api-fuzz.test.ts`,
        at: new Date().toISOString(),
        requests: RUNS,
        routes: ops.length,
        routesHit: covered.size,
        seed: SEED,
        elapsedMs: elapsed,
        slowestMs: slowest.ms,
        slowest: slowest.what.slice(0, 200),
        statuses: Object.fromEntries([...statuses].sort(([a], [b]) => a - b)),
        failures: failures.length,
        daemonPid: { atStart: pid, atEnd: pidAtEnd },
        heapMB: { afterWarmup: (before?.heap ?? 0) / 1048576, end: after.heap / 1048576 },
        rssMB: { afterWarmup: (before?.rss ?? 0) / 1048576, end: after.rss / 1048576 },
      };
      writeFileSync(OUT, `${JSON.stringify(figures, null, 2)}\n`);
    }
    if (failures.length > 0) {
      // What the daemon logged about them (errors only): the stack of a 500 is there.
      const log = readFileSync(home.path('logs/daemon.log'), 'utf8').split('\n');
      console.error([...failures, ...log.filter((l) => /"level":50/.test(l)).slice(-10)].join('\n'));
    }
    expect(failures.slice(0, 30)).toEqual([]);
    expect([...covered].sort()).toEqual(ops.map((o) => o.name).sort());
    expect(before).not.toBeNull();
    expect(after.heap).toBeLessThanOrEqual((before?.heap ?? 0) + HEAP_SLACK);
    expect(after.rss).toBeLessThanOrEqual((before?.rss ?? 0) + RSS_SLACK);
  }, 600_000);
});
