import { spawn, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { tmuxSocketName } from '../../src/config/paths.js';
import { fakeNotifySend } from './agent-steps.js';
import { claudeBinary, claudeEnv, prepareClaudeHome } from './claude-cli.js';
import type { Directive } from './doc-blocks.js';
import { Bindings, type Mapping } from './doc-match.js';
import { FakeAnthropic, type FakeRequest, type FakeTurn } from './fake-anthropic.js';
import { fillDisk } from './fill-disk.js';
import { BIN, eventually, TestHome } from './harness.js';

/**
 * One run of a document's console blocks (test/docs/console-blocks.test.ts): a daemon home, a
 * HOME and a fresh git repository of one commit (the blocks' working folder), `wtp` on PATH as
 * this checkout's bin/wtp.js, the real tmux backend chosen by `auto`, and the mappings from the
 * run's paths, port and tmux server to the placeholders the documents show.
 */

/** What the documents show for the run's values. */
export const SHOWN = {
  home: '/tmp/tour/home',
  proj: '/tmp/tour/proj',
  userHome: '/home/me',
  port: '7537',
  tmux: '3.3a',
} as const;

export type SessionKind = 'tmux' | 'claude' | 'disk-full';

/** The scripted model of the documents' Claude Code scenes (docs/states.md). */
function docsScript(req: FakeRequest): FakeTurn {
  if (req.hasToolResult) return { text: 'Done: GET /health answers ok.' };
  const said = req.lastUserText;
  if (said.includes('add a /health route'))
    return {
      toolUse: {
        name: 'Bash',
        input: { command: 'echo ok > health.txt', description: 'Creating the health check' },
      },
    };
  if (said.includes('now the health tests')) return { hang: true };
  // A turn that ends with a question, then the reply's turn (docs/states.md, issue 36).
  // The reply's turn takes a moment, as a real model's does: `wtp answer` reports it working (the
  // scene's output), never already idle on a busy machine.
  if (said.includes('use Postgres'))
    return { text: 'Done: the cache now lives in Postgres; its tests pass.', delayMs: 1_500 };
  if (said.includes('add a cache'))
    return {
      text: 'I can keep the cache in either store.\n\nWhich database should I use, Postgres or SQLite?',
    };
  return { text: 'ok' };
}

const API_KEY = 'sk-ant-docs-000000000000000000000000000000wtp-docs-key';

const sha8 = (s: string): string => createHash('sha256').update(s).digest('hex').slice(0, 8);

/** A TCP port free right now (the daemon's, fixed for the session so restarts keep it). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (a && typeof a === 'object' ? resolve(a.port) : reject(new Error('no port'))));
    });
  });
}

/** Programs whose presence changes what wtp prints (the backend it picks, `wtp profiles`). */
const ELSEWHERE = ['wezterm', 'claude', 'codex', 'gemini', 'qwen', 'opencode', 'copilot', 'aider'];

/**
 * PATH as the documents' output needs it on every machine: a folder that holds WezTerm or an agent
 * CLI is replaced by a copy of it (symlinks under `mirrors`) without them; the session puts on PATH
 * what a scene needs.
 */
function hermeticPath(path: string, mirrors: string): string {
  return path
    .split(':')
    .filter((d) => d !== '')
    .map((d, i) => {
      if (!ELSEWHERE.some((p) => existsSync(join(d, p)))) return d;
      const copy = join(mirrors, String(i));
      mkdirSync(copy, { recursive: true });
      for (const name of readdirSync(d))
        if (!ELSEWHERE.includes(name)) symlinkSync(join(d, name), join(copy, name));
      return copy;
    })
    .join(':');
}

export interface RunOutput {
  code: number;
  /** stdout and stderr as one stream, in the order written. */
  output: string;
}

export class DocSession {
  readonly bindings = new Bindings();
  readonly maps: Mapping[] = [];
  readonly proj: string;
  private api: FakeAnthropic | null = null;
  private mounted = false;

  private constructor(
    readonly home: TestHome,
    readonly kind: SessionKind,
  ) {
    this.proj = home.path('proj');
  }

  static async start(kind: SessionKind): Promise<DocSession> {
    const s = new DocSession(new TestHome(), kind);
    try {
      await s.prepare();
    } catch (err) {
      await s.close();
      throw err;
    }
    return s;
  }

  private async prepare(): Promise<void> {
    const { home } = this;
    if (this.kind === 'disk-full') {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=48m,mode=0700', 'tmpfs', home.dir]);
      this.mounted = true;
      mkdirSync(home.path('home'), { mode: 0o700 }); // TestHome's HOME is under the mount now
      home.writeConfig('agents:\n  outputTailBytes: 4096\n');
    }
    const userHome = home.path('home');
    const bin = join(userHome, '.local', 'bin'); // wtp, and claude in Claude Code scenes
    mkdirSync(bin, { recursive: true });
    writeFileSync(join(bin, 'wtp'), `#!/bin/sh\nexec '${process.execPath}' '${BIN}' "$@"\n`);
    chmodSync(join(bin, 'wtp'), 0o755);
    fakeNotifySend(bin, home.path('notify-send.log')); // never the desktop's
    writeFileSync(join(userHome, '.shrc'), "PS1='sh$ '\n");
    writeFileSync(
      join(userHome, '.gitconfig'),
      '[user]\n\tname = You\n\temail = you@example.com\n[init]\n\tdefaultBranch = main\n',
    );
    const env = home.env;
    for (const k of Object.keys(env))
      if (/^(WTP_|WEZTERM_|TMUX|GIT_|CLAUDE_|ANTHROPIC_|CODEX_|OPENAI_)/.test(k)) delete env[k];
    const port = await freePort();
    Object.assign(env, {
      HOME: userHome,
      WTP_HOME: home.dir,
      WTP_API_PORT: String(port),
      NO_COLOR: '1',
      TZ: 'UTC', // reports count days in the daemon's time zone
      // The shell agents' prompt, the same everywhere (bash would drop a PS1 from the environment).
      SHELL: '/bin/sh',
      ENV: join(userHome, '.shrc'),
      PATH: `${bin}:${hermeticPath(process.env.PATH ?? '', home.path('path'))}`,
    });
    if (this.kind === 'claude') {
      this.api = await FakeAnthropic.start(docsScript);
      symlinkSync(claudeBinary(), join(bin, 'claude'));
      prepareClaudeHome(userHome, { cwd: this.proj, apiKey: API_KEY, trusted: false });
      Object.assign(env, claudeEnv({ home: userHome, baseUrl: this.api.url, apiKey: API_KEY }));
    }
    mkdirSync(this.proj);
    writeFileSync(join(this.proj, 'README.md'), '# proj\n');
    const git = (...args: string[]): void => {
      execFileSync('git', args, { cwd: this.proj, env, stdio: 'pipe' });
    };
    git('init', '-q');
    git('add', '.');
    git('commit', '-q', '-m', 'init');

    const tmuxVersion = /tmux (\S+)/.exec(execFileSync('tmux', ['-V'], { encoding: 'utf8' }))?.[1];
    this.maps.push(
      { real: this.proj, shown: SHOWN.proj },
      { real: userHome, shown: SHOWN.userHome },
      { real: home.dir, shown: SHOWN.home },
      { real: tmuxSocketName(home.dir), shown: tmuxSocketName(SHOWN.home) },
      { real: `proj-${sha8(this.proj)}`, shown: `proj-${sha8(SHOWN.proj)}` },
      { real: `127.0.0.1:${port}`, shown: `127.0.0.1:${SHOWN.port}` },
    );
    if (tmuxVersion && tmuxVersion !== SHOWN.tmux)
      this.maps.push({ real: `tmux ${tmuxVersion}`, shown: `tmux ${SHOWN.tmux}` });
  }

  /** A command as the document shows it, with the run's paths, port, ids and pids. */
  toReal(command: string): string {
    let out = this.bindings.toReal(command);
    for (const { real, shown } of [...this.maps].sort((a, b) => b.shown.length - a.shown.length))
      out = out.split(shown).join(real);
    return out;
  }

  /** Runs a command line with bash in the repository (stdout and stderr as one stream). */
  run(command: string, timeoutMs = 60_000): Promise<RunOutput> {
    return new Promise((resolve, reject) => {
      const child = spawn('bash', ['-c', `exec 2>&1\nset -o pipefail\n${command}`], {
        cwd: this.proj,
        env: this.home.env,
        stdio: ['ignore', 'pipe', 'ignore'],
        detached: true, // its own process group, so a timeout can end all of it
      });
      let output = '';
      child.stdout.setEncoding('utf8');
      child.stdout.on('data', (s: string) => (output += s));
      const timer = setTimeout(() => {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
        reject(new Error(`\`${command}\` did not end within ${timeoutMs} ms; it printed:\n${output}`));
      }, timeoutMs);
      child.on('error', reject);
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        resolve({ code: code ?? (signal ? 128 : 1), output });
      });
    });
  }

  /** Runs a directive (see doc-blocks.ts). */
  async directive(d: Directive): Promise<void> {
    const must = async (command: string): Promise<void> => {
      const r = await this.run(this.toReal(command));
      if (r.code !== 0) throw new Error(`hidden \`${command}\` exited ${r.code}:\n${r.output}`);
    };
    switch (d.name) {
      case 'up':
        return must('wtp up --detach');
      case 'sh':
        return must(d.arg);
      case 'wait': {
        let last = '';
        await eventually(
          `\`${d.arg}\` to succeed`,
          async () => {
            const r = await this.run(this.toReal(d.arg));
            last = r.output;
            return r.code === 0;
          },
          30_000,
        ).catch((err: unknown) => {
          throw new Error(`${String(err)}; it printed:\n${last}`);
        });
        return;
      }
      case 'wait-state': {
        const [name, state] = d.arg.split(/\s+/);
        await eventually(
          `${name} to be ${state}`,
          async () => (await this.home.agents()).some((a) => a.name === name && a.state === state),
          60_000,
        );
        return;
      }
      case 'wait-task': {
        const [task, status] = d.arg.split(/\s+(?=\S+$)/); // the title may have spaces; the status is the last word
        await eventually(
          `task ${task} to be ${status}`,
          async () => {
            const r = await this.home.json<{ task?: { status: string } }>(['task', 'show', task ?? '']);
            return r.doc.task?.status === status;
          },
          60_000,
        );
        return;
      }
      case 'wait-sampled':
        await eventually('every running agent to have CPU and memory figures', async () =>
          (await this.home.agents()).every((a) => a.pid === null || a.stats !== null),
        );
        return;
      case 'wait-usage': {
        // Its usage read from its CLI's session file (issue 35), all TOKENS of it when given.
        const [name, tokens] = d.arg.trim().split(/\s+/);
        const total = (t: { input: number; output: number; cacheRead: number; cacheWrite: number }): number =>
          t.input + t.output + t.cacheRead + t.cacheWrite;
        await eventually(
          `${name}'s usage to be read${tokens ? ` (${tokens} tokens)` : ''}`,
          async () =>
            (await this.home.agents()).some(
              (a) =>
                a.name === name &&
                a.usage !== undefined &&
                a.usage.models.length > 0 &&
                (tokens === undefined || total(a.usage.tokens) === Number(tokens)),
            ),
          60_000,
        );
        return;
      }
      case 'fill':
        fillDisk(this.home.path('filler'));
        return;
      default:
        throw new Error(`unknown doc-test directive "${d.name}"`);
    }
  }

  /** Stops everything the session started and removes its folders. */
  async close(): Promise<void> {
    const { home } = this;
    rmSync(home.path('filler'), { force: true });
    if (this.mounted) {
      await home.run(['down', '--stop-agents'], { timeoutMs: 30_000 }).catch(() => undefined);
      await eventually('the session to stop', () => home.processes().length === 0).catch(() => undefined);
      try {
        execFileSync('umount', [home.dir]);
      } catch {
        execFileSync('umount', ['-l', home.dir]);
      }
    }
    await home.cleanup();
    await this.api?.close();
  }
}
