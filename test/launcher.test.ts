import { execFileSync, spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TUI_NODE_FLAGS } from '../bench/tui-flags.js';
import { REPO } from './support/harness.js';

/**
 * bin/wtp, the command npm installs: it finds wtp.js through the symlinks npm makes, and gives
 * the terminal UI (only) the V8 flag that keeps its memory down.
 */
const LAUNCHER = join(REPO, 'bin', 'wtp');
const dir = mkdtempSync(join(tmpdir(), 'wtp-launcher-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A stand-in `node` on PATH that records the arguments it was started with. */
function recordingNode(): { path: string; argv: () => string[] } {
  const bin = join(dir, 'fake-bin');
  const out = join(dir, 'argv.txt');
  mkdirSync(bin, { recursive: true });
  writeFileSync(join(bin, 'node'), `#!/bin/sh\nprintf '%s\\n' "$@" > '${out}'\n`);
  chmodSync(join(bin, 'node'), 0o755);
  return { path: `${bin}:/usr/bin:/bin`, argv: () => readFileSync(out, 'utf8').trimEnd().split('\n') };
}

describe('the wtp launcher (bin/wtp)', () => {
  it('runs wtp.js beside its target when installed as a chain of relative symlinks', () => {
    // As npm -g installs it: <prefix>/bin/wtp -> ../lib/node_modules/wezterm-parallel/bin/wtp
    mkdirSync(join(dir, 'prefix', 'bin'), { recursive: true });
    mkdirSync(join(dir, 'prefix', 'lib'), { recursive: true });
    symlinkSync(dirname(LAUNCHER), join(dir, 'prefix', 'lib', 'pkg-bin'));
    symlinkSync('../lib/pkg-bin/wtp', join(dir, 'prefix', 'bin', 'wtp'));
    const version = execFileSync(join(dir, 'prefix', 'bin', 'wtp'), ['--version'], {
      env: { PATH: `${dirname(process.execPath)}:/usr/bin:/bin` },
      encoding: 'utf8',
    });
    expect(version.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('gives the heap flags to `wtp tui` only, with the arguments untouched', () => {
    const node = recordingNode();
    const run = (args: string[]) => {
      const r = spawnSync(LAUNCHER, args, { env: { PATH: node.path }, stdio: ['ignore', 'pipe', 'pipe'] });
      expect(r.status, String(r.stderr)).toBe(0);
      return node.argv();
    };
    expect(run(['tui', '--x'])).toEqual([...TUI_NODE_FLAGS, join(REPO, 'bin', 'wtp.js'), 'tui', '--x']);
    expect(run(['ls', 'tui'])).toEqual([join(REPO, 'bin', 'wtp.js'), 'ls', 'tui']);
    // `wtp` alone starts the TUI only on a terminal; in a script it prints the help.
    expect(run([])).toEqual([join(REPO, 'bin', 'wtp.js')]);
    const tty = spawnSync('script', ['-qec', LAUNCHER, '/dev/null'], { env: { PATH: node.path } });
    expect(tty.status, String(tty.stderr)).toBe(0);
    expect(node.argv()).toEqual([...TUI_NODE_FLAGS, join(REPO, 'bin', 'wtp.js')]);
  });

  it('sets NODE_EXTRA_CA_CERTS aside for the commands that need no TLS, and wtp.js puts it back', () => {
    const bin = join(dir, 'env-bin');
    const out = join(dir, 'env.txt');
    mkdirSync(bin, { recursive: true });
    writeFileSync(
      join(bin, 'node'),
      `#!/bin/sh\nprintf '%s|%s\\n' "\${NODE_EXTRA_CA_CERTS-unset}" "\${WTP_SET_ASIDE_CA_CERTS-unset}" > '${out}'\n`,
    );
    chmodSync(join(bin, 'node'), 0o755);
    const seen = (args: string[], env: Record<string, string> = {}) => {
      const r = spawnSync(LAUNCHER, args, {
        env: { PATH: `${bin}:/usr/bin:/bin`, NODE_EXTRA_CA_CERTS: '/certs.pem', ...env },
      });
      expect(r.status, String(r.stderr)).toBe(0);
      return readFileSync(out, 'utf8').trim();
    };
    for (const command of ['ls', 'diff', 'approve', 'deny', 'answer'])
      expect(seen([command, 'a1'])).toBe('unset|/certs.pem');
    for (const command of ['up', 'tui', 'new', 'fleet', 'doctor'])
      expect(seen([command])).toBe('/certs.pem|unset');
    // Set aside once: a value already there is not overwritten.
    expect(seen(['ls'], { WTP_SET_ASIDE_CA_CERTS: '/mine.pem' })).toBe('/certs.pem|/mine.pem');

    // wtp.js: what it starts sees the variable again (read here when it exits).
    const atExit =
      'data:text/javascript,process.on("exit",()=>process.stderr.write(`${process.env.NODE_EXTRA_CA_CERTS}|${process.env.WTP_SET_ASIDE_CA_CERTS}`))';
    const r = spawnSync(process.execPath, ['--import', atExit, join(REPO, 'bin', 'wtp.js'), '--version'], {
      env: { PATH: process.env.PATH ?? '', WTP_SET_ASIDE_CA_CERTS: '/certs.pem' },
      encoding: 'utf8',
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr.trim().split('\n').at(-1)).toBe('/certs.pem|undefined');
  });

  describe('answers through curl, without Node', () => {
    const bin = join(dir, 'curl-bin');
    const curlArgv = join(dir, 'curl-argv.txt');
    const nodeArgv = join(dir, 'curl-node-argv.txt');
    const state = join(dir, 'curl-home');
    let server: Server;
    beforeAll(async () => {
      mkdirSync(bin, { recursive: true });
      mkdirSync(join(state, 'run'), { recursive: true });
      // A stand-in curl: records its arguments, prints FAKE_OUT, exits FAKE_EXIT.
      writeFileSync(
        join(bin, 'curl'),
        `#!/bin/sh\nprintf '%s\\n' "$@" > '${curlArgv}'\nprintf "$FAKE_OUT"\nexit "\${FAKE_EXIT:-0}"\n`,
      );
      // Each argument in brackets: an empty one is seen too.
      writeFileSync(join(bin, 'node'), `#!/bin/sh\nprintf '[%s]\\n' "$@" > '${nodeArgv}'\n`);
      chmodSync(join(bin, 'curl'), 0o755);
      chmodSync(join(bin, 'node'), 0o755);
      // `[ -S ]` needs a socket there: nothing is ever sent to it.
      server = createServer();
      await new Promise<void>((r) => server.listen(join(state, 'run', 'api.sock'), r));
    });
    afterAll(() => new Promise<void>((r) => server.close(() => r())));

    const run = (args: string[], env: Record<string, string> = {}) => {
      rmSync(curlArgv, { force: true });
      rmSync(nodeArgv, { force: true });
      const r = spawnSync(LAUNCHER, args, {
        env: { PATH: `${bin}:/usr/bin:/bin`, WTP_HOME: state, ...env },
        encoding: 'utf8',
      });
      const read = (f: string): string[] | null =>
        existsSync(f) ? readFileSync(f, 'utf8').trimEnd().split('\n') : null;
      return {
        code: r.status,
        stdout: r.stdout,
        stderr: r.stderr,
        curl: read(curlArgv),
        node: read(nodeArgv)?.map((a) => a.slice(1, -1)) ?? null,
      };
    };

    it('asks the daemon for the CLI’s text over its socket, with nothing of the input in a shell string', () => {
      const ok = run(['approve', 'ws/a-1.x'], {
        FAKE_OUT: 'a-1.x: approved — it left the dialog in 20 ms\\n\\n200 ',
      });
      expect([ok.code, ok.stdout, ok.stderr, ok.node]).toEqual([
        0,
        'a-1.x: approved — it left the dialog in 20 ms\n',
        '',
        null,
      ]);
      // -q first: no ~/.curlrc; a path curl sends as it is; a constant body.
      expect(ok.curl?.[0]).toBe('-q');
      expect(ok.curl).toEqual(
        expect.arrayContaining([
          '--path-as-is',
          '--unix-socket',
          join(state, 'run', 'api.sock'),
          'accept: text/plain',
          '{"action":"approve","via":"cli"}',
          'http://wtp/api/v1/agents/ws%2Fa-1.x/answer',
        ]),
      );
      expect(run(['deny', 'a1']).curl).toContain('{"action":"deny","via":"cli"}');
      // Where the CLI looks: WTP_HOME made absolute, else XDG_STATE_HOME, else ~/.local/state.
      const rel = spawnSync(LAUNCHER, ['approve', 'a1'], {
        env: { PATH: `${bin}:/usr/bin:/bin`, WTP_HOME: 'curl-home', FAKE_OUT: 'x\\n\\n200 ' },
        cwd: dir,
      });
      expect(rel.status).toBe(0);
      expect(readFileSync(curlArgv, 'utf8')).toContain(`${dir}/curl-home/run/api.sock\n`);
      const xdg = run(['approve', 'a1'], { WTP_HOME: '', HOME: '/nowhere', XDG_STATE_HOME: dir });
      expect(xdg.curl).toBeNull(); // no socket at <dir>/wezterm-parallel/run/api.sock: Node reports it
      expect(xdg.node).toEqual([join(REPO, 'bin', 'wtp.js'), 'approve', 'a1']);
    });

    it('prints a refusal on stderr with the CLI’s exit status', () => {
      const refused = run(['approve', 'a1'], {
        FAKE_OUT: 'error: No agent "a1". [AGENT_NOT_FOUND]\\n\\n404 1',
      });
      expect([refused.code, refused.stdout, refused.stderr]).toEqual([
        1,
        '',
        'error: No agent "a1". [AGENT_NOT_FOUND]\n',
      ]);
      expect(run(['approve', 'a1'], { FAKE_OUT: 'error: bad [INVALID_INPUT]\\n\\n400 2' }).code).toBe(2);
      // What an answer's text holds cannot pass for the status: that is curl's own last line.
      const spoof = run(['approve', 'a1'], { FAKE_OUT: 'x\\n\\n200 \\n\\n404 1' });
      expect([spoof.code, spoof.stdout, spoof.stderr]).toEqual([1, '', 'x\n\n200 \n']);
      // A curl without %header{}: its text in place of the status, read as 1.
      expect(
        run(['approve', 'a1'], { FAKE_OUT: 'error: x [X]\\n\\n409 %header{x-wtp-exit-code}' }).code,
      ).toBe(1);
    });

    it('prints the --json document, answer or error, on stdout, as the WezTerm plugin asks for it', () => {
      const doc = '{"version":1,"answered":[],"refused":[]}';
      const ok = run(['approve', 'ws/a1', '--via', 'plugin', '--json'], { FAKE_OUT: `${doc}\\n\\n200 ` });
      expect([ok.code, ok.stdout, ok.stderr, ok.node]).toEqual([0, `${doc}\n`, '', null]);
      expect(ok.curl).toEqual(
        expect.arrayContaining([
          'accept: application/vnd.wtp.cli+json',
          '{"action":"approve","via":"plugin"}',
          'http://wtp/api/v1/agents/ws%2Fa1/answer',
        ]),
      );
      const error = '{"version":1,"error":{"code":"AGENT_NOT_FOUND","message":"No agent."}}';
      const refused = run(['deny', '--json', 'a1'], { FAKE_OUT: `${error}\\n\\n404 1` });
      expect([refused.code, refused.stdout, refused.stderr]).toEqual([1, `${error}\n`, '']);
      expect(refused.curl).toContain('{"action":"deny","via":"cli"}');
      const lost = run(['approve', 'a1', '--json'], { FAKE_EXIT: '56', FAKE_OUT: '\\n000 ' });
      expect([lost.code, lost.stderr, lost.node]).toEqual([1, '', null]);
      expect(JSON.parse(lost.stdout)).toMatchObject({
        version: 1,
        error: {
          code: 'REQUEST_OUTCOME_UNKNOWN',
          details: { method: 'POST', path: '/api/v1/agents/a1/answer' },
        },
      });
    });

    it('leaves to Node what it does not take whole, and what was never sent', () => {
      const toNode = (args: string[], env: Record<string, string> = {}) => {
        const r = run(args, env);
        expect(r.node, `${args.join(' ')} ${JSON.stringify(env)}`).toEqual([
          join(REPO, 'bin', 'wtp.js'),
          ...args,
        ]);
        return r;
      };
      for (const ref of ['', '.', '..', '../a1', '-a', 'a b', 'a;b', 'a$(id)', 'a/b/c', 'a/', 'a/.b', 'é'])
        expect(toNode(['approve', ref]).curl, ref).toBeNull();
      toNode(['approve', 'a1', '--json', '--json']);
      toNode(['approve', 'a1', '--via', 'cli']);
      toNode(['approve', 'a1', '--via=plugin']);
      toNode(['approve', 'a1', '--via', 'plugin', '--via', 'plugin']);
      toNode(['approve', 'a1', 'b1']);
      toNode(['deny', 'a1', '--message', 'no']);
      toNode(['approve', '--all']);
      toNode(['answer', 'a1', 'yes']);
      // No curl on PATH (the launcher's own needs, and node, are).
      const bare = join(dir, 'no-curl-bin');
      mkdirSync(bare, { recursive: true });
      symlinkSync(join(bin, 'node'), join(bare, 'node'));
      symlinkSync(
        execFileSync('sh', ['-c', 'command -v dirname'], { encoding: 'utf8' }).trim(),
        join(bare, 'dirname'),
      );
      expect(toNode(['approve', 'a1'], { PATH: bare }).curl).toBeNull();
    });

    it('hands a request that could not be sent to Node, and never sends one twice', () => {
      // 7: nothing listens on the socket; 2: this curl lacks an option. Node asks again and reports.
      for (const exit of ['7', '2']) {
        const r = run(['approve', 'a1'], { FAKE_EXIT: exit, FAKE_OUT: '\\n000 ' });
        expect(r.curl).not.toBeNull();
        expect(r.node).toEqual([join(REPO, 'bin', 'wtp.js'), 'approve', 'a1']);
      }
      // Sent, then the connection ended: it may have been done, so it is reported, not sent again.
      const lost = run(['approve', 'a1'], { FAKE_EXIT: '52', FAKE_OUT: '\\n000 ' });
      expect([lost.code, lost.stdout, lost.node]).toEqual([1, '', null]);
      expect(lost.stderr).toMatch(
        /^error: The daemon received POST \/api\/v1\/agents\/a1\/answer but .* \[REQUEST_OUTCOME_UNKNOWN\]\n$/,
      );
      // No socket: Node reports the daemon as not running.
      expect(run(['approve', 'a1'], { WTP_HOME: join(dir, 'nowhere') }).curl).toBeNull();
    });
  });
});
