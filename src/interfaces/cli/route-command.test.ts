import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import type { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { readEnv } from '../../config/env.js';
import { resolvePaths } from '../../config/paths.js';
import { CliContext, NO_DAEMON } from './context.js';
import { buildProgram, runCli } from './main.js';
import { routeCommandOf } from './register-route-commands.js';
import { entryFields, routeCommand } from './route-command.js';
import { ROUTE_FIELDS } from './route-fields.generated.js';

interface Seen {
  method: string;
  url: string;
  body: unknown;
}

/** A stand-in daemon on the API socket: records each request, answers with `answer`'s document. */
let answer: (s: Seen) => { status: number; doc: unknown } = () => ({ status: 200, doc: {} });
const seen: Seen[] = [];
let server: Server;
let home: string;

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'wtp-route-command-'));
  const socket = resolvePaths(readEnv({ WTP_HOME: home })).apiSocket;
  mkdirSync(dirname(socket), { recursive: true });
  server = createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString('utf8')));
    req.on('end', () => {
      const s = {
        method: req.method ?? '',
        url: req.url ?? '',
        body: text === '' ? undefined : JSON.parse(text),
      };
      seen.push(s);
      const { status, doc } = answer(s);
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(doc));
    });
  });
  // The progress socket of a push: its line, then `done`, as the daemon sends them.
  const progress = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, sock, head) =>
    progress.handleUpgrade(req, sock, head, (ws) => {
      progressQueries.push(new URL(req.url ?? '', 'http://x').searchParams.get('op') ?? '');
      ws.send(JSON.stringify({ type: 'line', line: 'Writing objects: 100%', partial: false }));
      ws.send(JSON.stringify({ type: 'done' }));
    }),
  );
  await new Promise<void>((resolve) => server.listen(socket, resolve));
});
const progressQueries: string[] = [];
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(home, { recursive: true, force: true });
});

/** A person at a terminal who types `typed` when asked. */
let person: string | undefined;

async function wtp(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const tty = person !== undefined;
  const sink = (write: (s: string) => void) =>
    Object.assign(new Writable({ write: (c: Buffer, _e, done) => (write(String(c)), done()) }), {
      isTTY: tty,
      columns: 80,
    }) as unknown as NodeJS.WriteStream;
  const stdin = Object.assign(new PassThrough(), { isTTY: tty, setRawMode: () => undefined });
  if (person !== undefined) stdin.end(person);
  seen.length = 0;
  const code = await runCli(argv, {
    stdin: stdin as unknown as NodeJS.ReadStream,
    version: '0.0.0',
    entry: '',
    nodePath: process.execPath,
    daemon: NO_DAEMON,
    env: readEnv({ WTP_HOME: home, HOME: home }),
    stdout: sink((s) => (stdout += s)),
    stderr: sink((s) => (stderr += s)),
  });
  return { code, stdout, stderr };
}

const agent = {
  id: 'ag-1',
  name: 'sh',
  workspace: 'default',
  state: 'exited',
  stateDetail: { reason: 'exited', exitCode: 0 },
};

describe('commands declared over a route', () => {
  it('fill the request from arguments and flags, and print the answer', async () => {
    answer = () => ({ status: 201, doc: { agent } });
    const r = await wtp('orphans', 'adopt', 'ag-1', '-n', 'api', '--workspace', 'web');
    expect(seen).toEqual([
      { method: 'POST', url: '/api/v1/orphans/ag-1/adopt', body: { name: 'api', workspace: 'web' } },
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^adopted default\/sh \(ag-1\); its host reconnects in a moment\n/);
  });

  it('turn numbers, negated booleans and query booleans into their request types', async () => {
    answer = () => ({ status: 200, doc: { agent } });
    await wtp('stop', 'sh', '--grace', '250', '--no-wait');
    expect(seen[0]).toMatchObject({ method: 'POST', body: { graceMs: 250, wait: false } });
    await wtp('stop', 'sh');
    expect(seen[0]?.body).toEqual({ wait: true });
    answer = () => ({ status: 200, doc: { removed: 'ag-1' } });
    await wtp('rm', '-f', 'sh');
    expect(seen[0]).toMatchObject({ method: 'DELETE', url: '/api/v1/agents/sh?force=true' });
  });

  it('repeat array flags, make objects of words, and let the entry finish the request', async () => {
    answer = () => ({ status: 500, doc: { code: 'INTERNAL', message: 'stop here' } });
    await wtp(
      'task',
      'add',
      'fix',
      '-p',
      'go',
      '-w',
      'web',
      '-l',
      'a',
      '--label',
      'b',
      '--variant',
      'codex:o3',
      '--backlog',
    );
    expect(seen[0]?.body).toEqual({
      title: 'fix',
      prompt: 'go',
      workspace: 'web',
      labels: ['a', 'b'],
      variants: [{ profile: 'codex', model: 'o3' }],
      status: 'backlog',
    });
  });

  it('print the --json document with its version, errors included', async () => {
    answer = () => ({ status: 200, doc: { removed: 'ag-1' } });
    const ok = await wtp('rm', 'sh', '--json');
    expect(JSON.parse(ok.stdout)).toEqual({ version: 1, removed: 'ag-1' });
    answer = () => ({ status: 404, doc: { code: 'AGENT_NOT_FOUND', message: 'No agent "x".' } });
    const missing = await wtp('restart', 'x', '--json');
    expect(missing.code).toBe(1);
    expect(JSON.parse(missing.stdout)).toMatchObject({ version: 1, error: { code: 'AGENT_NOT_FOUND' } });
  });

  it('fail on an answer the entry refuses, in --json too, printing no result', async () => {
    answer = () => ({ status: 200, doc: { sent: [], skipped: [{ agent: 'sh', state: 'working' }] } });
    const r = await wtp('broadcast', 'hi', '-w', 'web', '--json');
    expect(seen[0]).toMatchObject({ url: '/api/v1/broadcast', body: { text: 'hi', workspace: 'web' } });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ version: 1, error: { code: 'NO_IDLE_AGENTS' } });
  });

  it('refuse a flag the request schema refuses, naming the flag, before any request (exit 2)', async () => {
    for (const grace of ['soon', '1.5', '-1', '600001', '']) {
      const r = await wtp('stop', 'sh', '--grace', grace, '--json');
      expect(seen, grace).toEqual([]);
      expect(r.code).toBe(2);
      expect(JSON.parse(r.stdout).error).toEqual({
        code: 'INVALID_INPUT',
        message: 'Invalid arguments: --grace: must be a whole number from 0 to 600000',
        details: { issues: [{ path: '--grace', message: 'must be a whole number from 0 to 600000' }] },
      });
    }
    const r = await wtp('stop', 'sh', '--grace', 'soon');
    expect(r.stderr).toBe(
      'error: Invalid arguments: --grace: must be a whole number from 0 to 600000 [INVALID_INPUT]\n',
    );
  });

  it("check a pattern with the schema's own message, as the daemon says it", async () => {
    const r = await wtp('fork', 'api', '--name', 'no spaces', '--json');
    expect(seen).toEqual([]);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout).error.details.issues).toEqual([
      {
        path: '--name',
        message: 'must be 1-48 characters: letters, digits, "-" or "_", starting with a letter or digit',
      },
    ]);
  });

  it('exit 1 on an answer the entry counts as failed, still printing it', async () => {
    const crashed = { ...agent, state: 'crashed', worktree: null };
    const source = { id: 'ag-0', name: 'api', branch: null };
    const doc = {
      agent: crashed,
      source,
      conversation: { note: 'n' },
      uncommitted: { files: [], carried: false },
    };
    answer = () => ({ status: 201, doc });
    const r = await wtp('fork', 'api', '--json');
    expect(seen[0]).toMatchObject({ url: '/api/v1/agents/api/fork', body: { wait: true } });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ version: 1, agent: { state: 'crashed' } });
  });

  it('take the words left as an array, add up repeated local flags, default a needed field', async () => {
    answer = () => ({ status: 500, doc: { code: 'INTERNAL', message: 'stop here' } });
    const env = ['-e', 'A=1', '--env', 'B=x=y'];
    await wtp(
      'new',
      'cmd',
      ...env,
      '--auto-approve',
      'Bash(npm test*)',
      '--no-worktree',
      '--no-sandbox',
      '--',
      'sh',
      '-c',
      'echo hi',
    );
    expect(seen[0]?.body).toEqual({
      profile: 'cmd',
      argv: ['sh', '-c', 'echo hi'],
      cwd: process.cwd(),
      restart: 'never',
      wait: true,
      env: { A: '1', B: 'x=y' },
      approvals: { allow: ['Bash(npm test*)'], deny: [] },
      worktree: false,
      sandbox: false,
    });
    await wtp('new', 'shell', '-C', 'sub', '--sandbox');
    expect(seen[0]?.body).toEqual({
      profile: 'shell',
      cwd: resolve('sub'),
      restart: 'never',
      wait: true,
      env: {},
      sandbox: true,
    });
  });

  it('refuse what the entry makes of local flags, each named by its flag, before any request', async () => {
    const r = await wtp(
      'new',
      'cmd',
      '-e',
      '1=2',
      '-e',
      'NOEQUALS',
      '--auto-approve',
      'Bash(npm',
      '--json',
      '--',
      'true',
    );
    expect(seen).toEqual([]);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout).error.details.issues).toEqual([
      { path: '--env', message: 'must look like KEY=VALUE with a valid variable name' },
      { path: '--env', message: 'must look like KEY=VALUE with a valid variable name' },
      { path: '--auto-approve', message: expect.stringContaining('"Bash(npm" is not a rule') },
    ]);
  });

  it("show a repository's setup to a person, as escapes, ask once, and send again once approved", async () => {
    const refused = {
      code: 'SETUP_NOT_APPROVED',
      message: 'not approved',
      details: { repo: '/r', commands: ['make \x1b]0;pwned\x07'], hash: 'h1' },
    };
    const created = { agent: { ...agent, state: 'running', pid: 7, worktree: null }, cli: null };
    answer = (s) =>
      s.url === '/api/v1/setup/approve'
        ? { status: 200, doc: {} }
        : seen.length === 1
          ? { status: 409, doc: refused }
          : { status: 201, doc: created };
    person = 'y\n';
    const yes = await wtp('new', 'shell');
    expect(seen.map((s) => s.url)).toEqual(['/api/v1/agents', '/api/v1/setup/approve', '/api/v1/agents']);
    expect(seen[1]?.body).toEqual({ repo: '/r', hashes: ['h1'] });
    expect(yes.stderr).toContain('  $ make \\x1b]0;pwned\\x07\n');
    expect(yes.stderr).not.toContain('\x1b]0');
    expect(yes.stdout).toBe('started sh (ag-1), pid 7\n');
    person = 'n\n';
    const no = await wtp('new', 'shell');
    expect(seen.map((s) => s.url)).toEqual(['/api/v1/agents']);
    expect(no.code).toBe(1);
    expect(no.stderr).toContain('[SETUP_NOT_APPROVED]');
    person = undefined;
    const nobody = await wtp('new', 'shell', '--json');
    expect(seen.map((s) => s.url)).toEqual(['/api/v1/agents']);
    expect(JSON.parse(nobody.stdout).error.code).toBe('SETUP_NOT_APPROVED');
  });

  it("send a value's --no-x as null, and the body fields an entry's call adds once it has them", async () => {
    answer = () => ({ status: 500, doc: { code: 'INTERNAL', message: 'stop here' } });
    await wtp('pr', 'api', '--no-test', '--draft', '--title', 'T');
    expect(seen[0]).toMatchObject({
      url: '/api/v1/agents/api/pr',
      body: { test: null, draft: true, title: 'T' },
    });
    await wtp('pr', 'create', 'api', '--test', 'npm test', '--no-progress');
    expect(seen[0]?.body).toEqual({ test: 'npm test' });
    await wtp('push', 'api', '--force-with-lease', '--commit', 'wip');
    expect(seen[0]?.body).toEqual({ forceWithLease: true, commit: 'wip' });
    // With --progress the id of the socket it opened goes in the request, and git's lines to stderr.
    progressQueries.length = 0;
    const shown = await wtp('push', 'api', '--progress');
    expect(progressQueries).toEqual([expect.stringMatching(/^[0-9a-f]{24}$/)]);
    expect(seen[0]?.body).toEqual({ progress: progressQueries[0] });
    expect(shown.stderr).toContain('Writing objects: 100%\n');
  });

  it('fill only fields the generated table knows (else `npm run gen` is due)', () => {
    const walk = (c: Command): Command[] => [c, ...c.commands.flatMap(walk)];
    const entries = walk(
      buildProgram(new CliContext({ version: '0.0.0', entry: '', nodePath: '', daemon: NO_DAEMON })),
    ).flatMap((c) => routeCommandOf(c) ?? []);
    expect(entries.length).toBeGreaterThan(10);
    for (const e of entries)
      for (const path of entryFields(e)) {
        const [part, name] = path.split('.') as ['params' | 'query' | 'body', string];
        expect(ROUTE_FIELDS[e.route]?.[part]?.[name], `${e.route} ${path}`).toBeDefined();
      }
  });
});

describe('an entry', () => {
  it('is typed against its route: a field the request lacks does not compile', () => {
    const entry = routeCommand({
      name: 'x',
      description: 'x',
      route: 'stopAgent',
      // @ts-expect-error stopAgent's body has no `nope`
      flags: [{ field: 'body.nope' }],
      json: 'agent',
      print: () => undefined,
    });
    expect(entry.route).toBe('stopAgent');
  });
});
