import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { buildOpenApi } from '../../src/interfaces/http/openapi.js';
import { cliOutputSchemas } from '../../src/protocol/cli-output.js';
import {
  ADVERSARIAL_STRINGS,
  anyJson,
  deepJson,
  generate,
  noise,
  replaceAt,
  Rng,
  slots,
  stringSlots,
  valueAt,
  word,
  type JsonSchema,
} from '../support/fuzz-values.js';
import { TestHome } from '../support/harness.js';
import { isAlive } from '../support/processes.js';
import { rawRequest } from '../support/raw-socket.js';
import { gitRepo, taskSteps, upWithWorkspace } from '../support/task-steps.js';

// A longer run on demand: WTP_FUZZ_RUNS=20000 WTP_FUZZ_SEED=7 npx vitest run test/integration/api-fuzz.test.ts
const RUNS = Number(process.env['WTP_FUZZ_RUNS'] ?? 2_000);
const SEED = Number(process.env['WTP_FUZZ_SEED'] ?? 20_261_123);
/** Every answer must come within this long. */
const ANSWER_MS = 2_000;
/** A request is abandoned (and reported) after this long. */
const GIVE_UP_MS = 10_000;
/** How far memory may stay above its level after the warm-up, once the daemon has settled. */
const HEAP_SLACK = 64 * 1024 * 1024;
const RSS_SLACK = 160 * 1024 * 1024;

interface Operation {
  name: string;
  method: string;
  path: string;
  pathParams: string[];
  query: { name: string; required: boolean; schema: JsonSchema }[];
  body: JsonSchema | null;
}

interface Probe {
  op: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | Buffer;
  note: string;
}

interface Outcome {
  status: number;
  ms: number;
  body: string;
}

/** The operations of the OpenAPI document, the daemon's own (generated from the zod route schemas). */
function operations(): Operation[] {
  type Param = { name: string; in: string; required: boolean; schema: JsonSchema };
  type Op = {
    operationId: string;
    parameters?: Param[];
    requestBody?: { content: { 'application/json': { schema: JsonSchema } } };
  };
  const doc = buildOpenApi('fuzz') as { paths: Record<string, Record<string, Op>> };
  return Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({
      name: op.operationId,
      method: method.toUpperCase(),
      path,
      pathParams: (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name),
      query: (op.parameters ?? [])
        .filter((p) => p.in === 'query')
        .map((p) => ({ name: p.name, required: p.required, schema: p.schema })),
      body: op.requestBody?.content['application/json'].schema ?? null,
    })),
  );
}

/** URL-encodes any string (a lone surrogate becomes U+FFFD, as a browser sends it). */
const enc = (s: string): string => encodeURIComponent(s.replace(/[\ud800-\udfff]/gu, '\ufffd'));

/** Bodies for the shutdown route that can never pass its schema: the fuzz must not stop the daemon. */
const SHUTDOWN_BODIES = [
  '{"stopAgents":"yes"}',
  '{"fz":1}',
  '[]',
  '"x"',
  '{"stopAgents":null}',
  '{',
  '{"stop\\u0000Agents":true}',
];

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

  it(`answers every request within ${ANSWER_MS} ms, never with a 5xx, without restarting or keeping memory`, async () => {
    const rng = new Rng(SEED);
    const ops = operations();
    const failures: string[] = [];
    const statuses = new Map<number, number>();
    const covered = new Set<string>();
    let slowest = { ms: 0, what: '' };
    /** A made-up word, or (unless `fresh`) one of the fixtures' names and paths. */
    const plausible = (fresh = false): string =>
      rng.weighted<() => string>([
        [3, () => word(rng)],
        [fresh ? 0 : 3, () => rng.pick(fixtures)],
        [1, () => noise(rng).replace(/[\u0000-\u001f]/g, '')],
      ])();
    /** A plausible value for the field: a fixture's where the field names one (a ref, a path, a test command). */
    const valid = (key: string): string => {
      const known = byName[key];
      return known && rng.chance(0.9) ? rng.pick(known) : plausible();
    };
    /** Anything: adversarial strings, noise, words. */
    const chaotic = (): string =>
      rng.weighted<() => string>([
        [3, () => rng.pick(ADVERSARIAL_STRINGS)],
        [2, () => noise(rng)],
        [1, () => plausible()],
      ])();
    const strings = (key: string): string => (rng.chance(0.3) ? chaotic() : valid(key));
    // DELETE routes never get the fixtures' names, so the fixtures stay and later requests reach deep.
    const segment = (name: string, keep: boolean): string =>
      rng.weighted<() => string>([
        [keep ? 7 : 0, () => enc(rng.pick(byName[name] ?? fixtures))],
        [keep ? 3 : 0, () => enc(strings(''))],
        [keep ? 0 : 3, () => enc(rng.chance(0.5) ? chaotic() : plausible(true))],
        [1, () => rng.pick(['%00', '%E0%A4%A', '%', '..', '%2F..%2F', 'a%2Fb', '%C0%80', 'x'.repeat(5000)])],
      ])();

    const probe = (op: Operation): Probe => {
      const keepFixtures = op.method !== 'DELETE';
      const path = op.path.replace(/\{(\w+)\}/g, (_, name: string) => segment(name, keepFixtures));
      const query = new URLSearchParams();
      for (const q of op.query)
        if (q.required || rng.chance(0.6))
          query.append(q.name, String(generate(rng, q.schema, strings, 0, q.name) ?? ''));
      let qs = query.toString();
      const mode = rng.weighted<string>([
        [20, 'plausible'],
        [8, 'chaos'],
        [16, 'adversarial-field'],
        [14, 'nul-field'],
        [8, 'wrong-type'],
        [6, 'extra-or-missing'],
        [12, 'raw-body'],
        [8, 'query-chaos'],
        [4, 'headers'],
      ]);
      let note = mode;
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      // Every mutation starts from a valid-looking value, so the one wrong thing gets as far as it can.
      let value: unknown = op.body ? generate(rng, op.body, mode === 'chaos' ? strings : valid) : undefined;
      let body: string | Buffer | undefined;
      switch (mode) {
        case 'adversarial-field': {
          const s = stringSlots(value);
          if (s.length > 0) value = replaceAt(value, rng.pick(s), rng.pick(ADVERSARIAL_STRINGS));
          note = 'adversarial field';
          break;
        }
        case 'nul-field': {
          // A NUL inside an otherwise plausible value, so the rest of the request gets far.
          const s = stringSlots(value);
          const at = s.length > 0 ? rng.pick(s) : null;
          const was = at ? String(valueAt(value, at)) : '';
          const cut = rng.int(was.length + 1);
          if (at) value = replaceAt(value, at, `${was.slice(0, cut)}\u0000${was.slice(cut)}`);
          else qs += `&${enc(word(rng))}=%00`;
          note = 'NUL';
          break;
        }
        case 'wrong-type': {
          const s = slots(value);
          value = s.length > 0 ? replaceAt(value, rng.pick(s), anyJson(rng)) : anyJson(rng);
          note = 'wrong type';
          break;
        }
        case 'extra-or-missing': {
          const s = slots(value);
          value =
            rng.chance(0.5) && s.length > 0
              ? replaceAt(value, rng.pick(s), undefined)
              : {
                  ...(typeof value === 'object' && value !== null ? value : {}),
                  [rng.pick(['__proto__', 'constructor', word(rng)])]: anyJson(rng),
                };
          note = 'extra or missing field';
          break;
        }
        case 'raw-body':
          note = rng.pick([
            'invalid',
            'deep-array',
            'deep-object',
            'huge',
            'too-large',
            'empty',
            'text',
            'binary',
            'form',
            'nul-json',
            'duplicate-keys',
          ]);
          body = {
            invalid: () =>
              rng.pick(['{', '{"a":', '}', 'nul', '{"a":1,}', "{'a':1}", '\u0000', '{"a":"\\ud800"}']),
            'deep-array': () => deepJson(20_000 + rng.int(50_000), 'array'),
            'deep-object': () => deepJson(20_000 + rng.int(30_000), 'object'),
            huge: () =>
              JSON.stringify({ ...(typeof value === 'object' ? value : {}), fz: 'x'.repeat(1_900_000) }),
            'too-large': () => JSON.stringify({ fz: 'x'.repeat(2_200_000) }),
            empty: () => '',
            text: () => {
              headers['content-type'] = rng.pick([
                'text/plain',
                'application/x-www-form-urlencoded',
                '',
                'application/jsonx',
                'multipart/form-data; boundary=x',
              ]);
              return JSON.stringify(value ?? {});
            },
            binary: () => Buffer.from(Array.from({ length: 1 + rng.int(200) }, () => rng.int(256))),
            form: () => {
              headers['content-type'] = 'application/x-www-form-urlencoded';
              return 'a=1&b=%00';
            },
            'nul-json': () => JSON.stringify(value ?? {}).replace('"', '"\u0000'),
            'duplicate-keys': () => `{"a":1,"a":${JSON.stringify(value ?? null)}}`,
          }[note as 'invalid']();
          break;
        case 'query-chaos':
          qs = rng.pick([
            `${qs}&${qs}`,
            `${qs}&${enc(word(rng))}=${enc(strings(''))}`,
            `${qs}&%E0%A4%A=1`,
            `${qs}&since=%00`,
            `a=${'b'.repeat(8000)}`,
            '&&&==&',
            `${qs}#fragment`,
          ]);
          note = 'query chaos';
          break;
        case 'headers':
          Object.assign(
            headers,
            rng.pick([
              { 'x-wtp-source': strings('').replace(/[^\t\x20-\x7e]/g, '') },
              { 'content-type': 'application/json; charset=latin1' },
              { accept: 'text/html' },
              { 'transfer-encoding': 'chunked' },
              { expect: '100-continue' },
            ]),
          );
          note = 'headers';
          break;
      }
      if (op.name === 'shutdown') {
        body = rng.pick(SHUTDOWN_BODIES);
        headers['content-type'] = 'application/json';
        note = 'shutdown (never valid)';
      } else if (body === undefined && value !== undefined) {
        body = JSON.stringify(value);
      } else if (body === undefined && op.method !== 'POST' && rng.chance(0.1)) {
        body = JSON.stringify(anyJson(rng)); // a body where none is expected
      }
      if (headers['transfer-encoding'] === 'chunked' && body !== undefined)
        delete headers['transfer-encoding'];
      return {
        op: op.name,
        method: op.method,
        path: qs ? `${path}?${qs}` : path,
        headers,
        note,
        ...(body === undefined ? {} : { body }),
      };
    };

    /** Requests below HTTP's level: methods, request lines and headers as bytes, WebSocket upgrades. */
    const transport = async (): Promise<{ what: string; status: number; ms: number }> => {
      const started = Date.now();
      const auth = `Authorization: Bearer ${token}\r\nHost: 127.0.0.1:${port}\r\n`;
      const kind = rng.int(3);
      if (kind === 2) {
        const path = rng.chance(0.5) ? '/api/v1/events' : `/api/v1/agents/${segment('agent', true)}/pty`;
        const qs = rng.pick([
          '',
          `since=${enc(strings(''))}`,
          `types=${enc(strings(''))}`,
          `agent=${enc(strings(''))}`,
          'since=-1',
          'since=99999999999999999999',
          '%E0%A4%A=1',
        ]);
        const url = `ws://127.0.0.1:${port}${path}${qs ? `?${qs}` : ''}`;
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
      const line = rng.pick([
        'CONNECT 127.0.0.1:22 HTTP/1.1',
        'CONNECT fz:443 HTTP/1.1',
        `${rng.pick(['PUT', 'PATCH', 'OPTIONS', 'TRACE', 'PROPFIND', 'HEAD', 'LOCK'])} /api/v1/${segment('', true)} HTTP/1.1`,
        `FOO /api/v1/agents HTTP/1.1`,
        `GET /api/v1/agents HTTP/9.9`,
        `GET /api/v1/${noise(rng).replace(/[\r\n]/g, '')} HTTP/1.1`,
        'GET http://[::1 HTTP/1.1',
        'GET * HTTP/1.1',
        '\u0000\u0001\u0002',
      ]);
      const extra = rng.pick([
        '',
        'X-Bad: a\u0000b\r\n',
        `X-Big: ${'a'.repeat(20_000 + rng.int(40_000))}\r\n`,
        'Content-Length: 5\r\nTransfer-Encoding: chunked\r\n',
        'Content-Length: -1\r\n',
        'Transfer-Encoding: chunked\r\n\r\nzz\r\n',
        'Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n',
      ]);
      const connection = extra.includes('Connection:') ? '' : 'Connection: close\r\n';
      const r = await rawRequest(port, `${line}\r\n${auth}${extra}${connection}\r\n`, GIVE_UP_MS);
      return {
        what: JSON.stringify(`${line} ${extra}`.slice(0, 200)),
        status: r.timedOut ? 0 : r.status,
        ms: Date.now() - started,
      };
    };

    const check = (what: string, status: number, ms: number, body = ''): void => {
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      if (ms > slowest.ms) slowest = { ms, what };
      if (status === 0) failures.push(`no answer (${ms} ms): ${what}: ${body.slice(0, 300)}`);
      else if (status >= 500) failures.push(`${status} (${ms} ms): ${what}: ${body.slice(0, 300)}`);
      else if (ms > ANSWER_MS) failures.push(`slow: ${ms} ms: ${what} → ${status}`);
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
        const p = probe(op);
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
    expect((JSON.parse(health.body) as { pid: number }).pid, 'the daemon restarted').toBe(pid);
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
