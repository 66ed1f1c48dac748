// Requests for the API fuzz test (test/integration/api-fuzz.test.ts): the operations of the OpenAPI
// document and, for each, a request with plausible values and one thing made wrong.
import { buildOpenApi } from '../../src/interfaces/http/openapi.js';
import {
  ADVERSARIAL_STRINGS,
  anyJson,
  deepJson,
  generate,
  noise,
  replaceAt,
  slots,
  stringSlots,
  valueAt,
  word,
  type JsonSchema,
} from './fuzz-values.js';
import type { Rng } from './rng.js';

/** One operation of the OpenAPI document. */
export interface Operation {
  name: string;
  method: string;
  path: string;
  pathParams: string[];
  query: { name: string; required: boolean; schema: JsonSchema }[];
  body: JsonSchema | null;
}

/** One HTTP request to send. */
export interface Probe {
  op: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | Buffer;
  note: string;
}

/** The operations of the OpenAPI document, the daemon's own (generated from the zod route schemas). */
export function operations(): Operation[] {
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
export const enc = (s: string): string => encodeURIComponent(s.replace(/[\ud800-\udfff]/gu, '\ufffd'));

/** Bodies for the shutdown route that can never pass its schema: the fuzz must not stop the daemon. */
export const SHUTDOWN_BODIES = [
  '{"stopAgents":"yes"}',
  '{"fz":1}',
  '[]',
  '"x"',
  '{"stopAgents":null}',
  '{',
  '{"stop\\u0000Agents":true}',
];

/** Makes the fuzz's requests from a seeded PRNG and the fixtures' names (by the field they fit). */
export class Prober {
  constructor(
    private readonly rng: Rng,
    /** Names and paths of things that exist (a repository, an agent, a task…). */
    private readonly fixtures: string[],
    /** Plausible values by the name of the path parameter or body field they are for. */
    private readonly byName: Record<string, string[]>,
  ) {}

  /** A made-up word, or (unless `fresh`) one of the fixtures' names and paths. */
  plausible = (fresh = false): string =>
    this.rng.weighted<() => string>([
      [3, () => word(this.rng)],
      [fresh ? 0 : 3, () => this.rng.pick(this.fixtures)],
      [1, () => noise(this.rng).replace(/[\u0000-\u001f]/g, '')],
    ])();
  /** A plausible value for the field: a fixture's where the field names one (a ref, a path, a test command). */
  valid = (key: string): string => {
    const known = this.byName[key];
    return known && this.rng.chance(0.9) ? this.rng.pick(known) : this.plausible();
  };
  /** Anything: adversarial strings, noise, words. */
  chaotic = (): string =>
    this.rng.weighted<() => string>([
      [3, () => this.rng.pick(ADVERSARIAL_STRINGS)],
      [2, () => noise(this.rng)],
      [1, () => this.plausible()],
    ])();
  strings = (key: string): string => (this.rng.chance(0.3) ? this.chaotic() : this.valid(key));
  // DELETE routes never get the fixtures' names, so the fixtures stay and later requests reach deep.
  segment = (name: string, keep: boolean): string =>
    this.rng.weighted<() => string>([
      [keep ? 7 : 0, () => enc(this.rng.pick(this.byName[name] ?? this.fixtures))],
      [keep ? 3 : 0, () => enc(this.strings(''))],
      [keep ? 0 : 3, () => enc(this.rng.chance(0.5) ? this.chaotic() : this.plausible(true))],
      [
        1,
        () => this.rng.pick(['%00', '%E0%A4%A', '%', '..', '%2F..%2F', 'a%2Fb', '%C0%80', 'x'.repeat(5000)]),
      ],
    ])();

  /** One request for the operation: plausible values with one thing made wrong. */
  probe(op: Operation): Probe {
    const keepFixtures = op.method !== 'DELETE';
    const path = op.path.replace(/\{(\w+)\}/g, (_, name: string) => this.segment(name, keepFixtures));
    const query = new URLSearchParams();
    for (const q of op.query)
      if (q.required || this.rng.chance(0.6))
        query.append(q.name, String(generate(this.rng, q.schema, this.strings, 0, q.name) ?? ''));
    let qs = query.toString();
    const mode = this.rng.weighted<string>([
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
    let value: unknown = op.body
      ? generate(this.rng, op.body, mode === 'chaos' ? this.strings : this.valid)
      : undefined;
    let body: string | Buffer | undefined;
    switch (mode) {
      case 'adversarial-field': {
        const s = stringSlots(value);
        if (s.length > 0) value = replaceAt(value, this.rng.pick(s), this.rng.pick(ADVERSARIAL_STRINGS));
        note = 'adversarial field';
        break;
      }
      case 'nul-field': {
        // A NUL inside an otherwise plausible value, so the rest of the request gets far.
        const s = stringSlots(value);
        const at = s.length > 0 ? this.rng.pick(s) : null;
        const was = at ? String(valueAt(value, at)) : '';
        const cut = this.rng.int(was.length + 1);
        if (at) value = replaceAt(value, at, `${was.slice(0, cut)}\u0000${was.slice(cut)}`);
        else qs += `&${enc(word(this.rng))}=%00`;
        note = 'NUL';
        break;
      }
      case 'wrong-type': {
        const s = slots(value);
        value = s.length > 0 ? replaceAt(value, this.rng.pick(s), anyJson(this.rng)) : anyJson(this.rng);
        note = 'wrong type';
        break;
      }
      case 'extra-or-missing': {
        const s = slots(value);
        value =
          this.rng.chance(0.5) && s.length > 0
            ? replaceAt(value, this.rng.pick(s), undefined)
            : {
                ...(typeof value === 'object' && value !== null ? value : {}),
                [this.rng.pick(['__proto__', 'constructor', word(this.rng)])]: anyJson(this.rng),
              };
        note = 'extra or missing field';
        break;
      }
      case 'raw-body':
        note = this.rng.pick([
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
            this.rng.pick(['{', '{"a":', '}', 'nul', '{"a":1,}', "{'a':1}", '\u0000', '{"a":"\\ud800"}']),
          'deep-array': () => deepJson(20_000 + this.rng.int(50_000), 'array'),
          'deep-object': () => deepJson(20_000 + this.rng.int(30_000), 'object'),
          huge: () =>
            JSON.stringify({ ...(typeof value === 'object' ? value : {}), fz: 'x'.repeat(1_900_000) }),
          'too-large': () => JSON.stringify({ fz: 'x'.repeat(2_200_000) }),
          empty: () => '',
          text: () => {
            headers['content-type'] = this.rng.pick([
              'text/plain',
              'application/x-www-form-urlencoded',
              '',
              'application/jsonx',
              'multipart/form-data; boundary=x',
            ]);
            return JSON.stringify(value ?? {});
          },
          binary: () => Buffer.from(Array.from({ length: 1 + this.rng.int(200) }, () => this.rng.int(256))),
          form: () => {
            headers['content-type'] = 'application/x-www-form-urlencoded';
            return 'a=1&b=%00';
          },
          'nul-json': () => JSON.stringify(value ?? {}).replace('"', '"\u0000'),
          'duplicate-keys': () => `{"a":1,"a":${JSON.stringify(value ?? null)}}`,
        }[note as 'invalid']();
        break;
      case 'query-chaos':
        qs = this.rng.pick([
          `${qs}&${qs}`,
          `${qs}&${enc(word(this.rng))}=${enc(this.strings(''))}`,
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
          this.rng.pick([
            { 'x-wtp-source': this.strings('').replace(/[^\t\x20-\x7e]/g, '') },
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
      body = this.rng.pick(SHUTDOWN_BODIES);
      headers['content-type'] = 'application/json';
      note = 'shutdown (never valid)';
    } else if (body === undefined && value !== undefined) {
      body = JSON.stringify(value);
    } else if (body === undefined && op.method !== 'POST' && this.rng.chance(0.1)) {
      body = JSON.stringify(anyJson(this.rng)); // a body where none is expected
    }
    if (headers['transfer-encoding'] === 'chunked' && body !== undefined) delete headers['transfer-encoding'];
    return {
      op: op.name,
      method: op.method,
      path: qs ? `${path}?${qs}` : path,
      headers,
      note,
      ...(body === undefined ? {} : { body }),
    };
  }

  /** A request below HTTP's level, as bytes: CONNECT, unknown methods, malformed lines and headers. */
  rawRequest(port: number, token: string): { what: string; text: string } {
    const auth = `Authorization: Bearer ${token}\r\nHost: 127.0.0.1:${port}\r\n`;
    const line = this.rng.pick([
      'CONNECT 127.0.0.1:22 HTTP/1.1',
      'CONNECT fz:443 HTTP/1.1',
      `${this.rng.pick(['PUT', 'PATCH', 'OPTIONS', 'TRACE', 'PROPFIND', 'HEAD', 'LOCK'])} /api/v1/${this.segment('', true)} HTTP/1.1`,
      `FOO /api/v1/agents HTTP/1.1`,
      `GET /api/v1/agents HTTP/9.9`,
      `GET /api/v1/${noise(this.rng).replace(/[\r\n]/g, '')} HTTP/1.1`,
      'GET http://[::1 HTTP/1.1',
      'GET * HTTP/1.1',
      '\u0000\u0001\u0002',
    ]);
    const extra = this.rng.pick([
      '',
      'X-Bad: a\u0000b\r\n',
      `X-Big: ${'a'.repeat(20_000 + this.rng.int(40_000))}\r\n`,
      'Content-Length: 5\r\nTransfer-Encoding: chunked\r\n',
      'Content-Length: -1\r\n',
      'Transfer-Encoding: chunked\r\n\r\nzz\r\n',
      'Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n',
    ]);
    const connection = extra.includes('Connection:') ? '' : 'Connection: close\r\n';
    return {
      what: JSON.stringify(`${line} ${extra}`.slice(0, 200)),
      text: `${line}\r\n${auth}${extra}${connection}\r\n`,
    };
  }

  /** A WebSocket URL with odd paths and queries: the events stream or an agent's terminal. */
  webSocketUrl(port: number): string {
    const path = this.rng.chance(0.5)
      ? '/api/v1/events'
      : `/api/v1/agents/${this.segment('agent', true)}/pty`;
    const qs = this.rng.pick([
      '',
      `since=${enc(this.strings(''))}`,
      `types=${enc(this.strings(''))}`,
      `agent=${enc(this.strings(''))}`,
      'since=-1',
      'since=99999999999999999999',
      '%E0%A4%A=1',
    ]);
    return `ws://127.0.0.1:${port}${path}${qs ? `?${qs}` : ''}`;
  }
}
