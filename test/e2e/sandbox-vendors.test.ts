import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentView } from '../../src/protocol/agent.js';
import { REAL_CLI_TESTS, untilState } from '../support/agent-steps.js';
import { claudeBinary, claudeEnv, prepareClaudeHome } from '../support/claude-cli.js';
import { codexBinary, codexEnv, prepareCodexHome } from '../support/codex-cli.js';
import { copilotBinary, copilotEnv } from '../support/copilot-cli.js';
import { FakeAnthropic, type FakeRequest, type FakeTurn } from '../support/fake-anthropic.js';
import { FakeGemini, type FakeGeminiRequest, type FakeGeminiTurn } from '../support/fake-gemini.js';
import { FakeOpenAI, type FakeOpenAIRequest, type FakeOpenAITurn } from '../support/fake-openai.js';
import { FakeOpenAIChat, type FakeChatRequest, type FakeChatTurn } from '../support/fake-openai-chat.js';
import { GEMINI_MODEL, geminiBinary, geminiEnv, prepareGeminiHome } from '../support/gemini-cli.js';
import { eventually, TestHome } from '../support/harness.js';
import {
  opencodeBinary,
  opencodeEnv,
  prepareOpencodeConfig,
  prepareOpencodeHome,
} from '../support/opencode-cli.js';
import { prepareQwenHome, qwenBinary, qwenEnv } from '../support/qwen-cli.js';

const PROBE = resolve(import.meta.dirname, '../fixtures/sandbox/escape-probe.mjs');
/**
 * What each CLI's shell tool runs, in the agent's worktree: the probe (committed to the repository
 * as p.mjs), its settings (c.json) and where its results go (r.json). Short, so that every CLI's
 * dialog shows it whole (`wtp approve` checks the dialog against what was announced).
 */
const COMMAND = 'node p.mjs c.json r.json';
const API_KEY = 'sk-ant-test-0000000000000000000000000000wtp-e2e-key';
const ALL = ['claude', 'codex', 'gemini', 'qwen', 'opencode', 'copilot'] as const;
type Vendor = (typeof ALL)[number];
/** WTP_SANDBOX_VENDORS=opencode,copilot: only those (to look at one); all of them by default. */
const VENDORS = ALL.filter((v) => (process.env.WTP_SANDBOX_VENDORS?.split(',') ?? ALL).includes(v));
type Results = Record<string, { done: boolean; detail: string }>;

// Each scripted model asks its CLI's shell tool for the probe once, and ends the turn after its output.
const claudeScript = (req: FakeRequest): FakeTurn =>
  req.hasToolResult
    ? { text: 'Done.' }
    : { toolUse: { name: 'Bash', input: { command: COMMAND, description: 'run the probe' } } };
const codexScript = (req: FakeOpenAIRequest): FakeOpenAITurn =>
  req.hasToolOutput
    ? { text: 'Done.' }
    : {
        toolCall: {
          name: 'exec_command',
          arguments: {
            cmd: COMMAND,
            sandbox_permissions: 'require_escalated',
            justification: 'run the probe',
          },
        },
      };
const geminiScript = (req: FakeGeminiRequest): FakeGeminiTurn =>
  req.hasToolOutput
    ? { text: 'Done.' }
    : { toolCall: { name: 'run_shell_command', args: { command: COMMAND } } };
/** Qwen Code, OpenCode and Copilot CLI on one Chat Completions server: each its own shell tool. */
const chatScript = (req: FakeChatRequest): FakeChatTurn => {
  if (req.hasToolOutput) return { text: 'Done.' };
  const said = req.lastUserText;
  if (said.includes('qwen'))
    return {
      toolCall: { name: 'run_shell_command', arguments: { command: COMMAND, description: 'run the probe' } },
    };
  if (said.includes('opencode') || said.includes('copilot'))
    return { toolCall: { name: 'bash', arguments: { command: COMMAND, description: 'run the probe' } } };
  return { text: 'ok' };
};

/**
 * Every real agent CLI sandboxed (issue 33), one agent each, started together under one daemon on
 * tmux: its scripted model asks its shell tool for the escape probe (test/fixtures/sandbox/
 * escape-probe.mjs), the user approves it (`wtp approve`), and the probe's attempts are refused
 * as with a `cmd` agent (sandbox-escape.test.ts) while the CLI itself works: its hooks reach the
 * daemon (the states come from them), its model server is reached through the sandbox, its
 * commit lands on its branch, and its turn completes.
 */
describe('sandbox: each real agent CLI, sandboxed', REAL_CLI_TESTS, () => {
  let home: TestHome;
  let repo: string;
  let anthropic: FakeAnthropic;
  let openai: FakeOpenAI;
  let gemini: FakeGemini;
  let chat: FakeOpenAIChat;
  const secret = `ssh-key-${process.pid}-${Date.now()}`;
  const results = new Map<Vendor, Results>();
  const agents = new Map<Vendor, AgentView>();
  const failures = new Map<Vendor, string>();

  beforeAll(async () => {
    [anthropic, openai, gemini, chat] = await Promise.all([
      FakeAnthropic.start(claudeScript),
      FakeOpenAI.start(codexScript),
      FakeGemini.start(geminiScript),
      FakeOpenAIChat.start(chatScript),
    ]);
    home = new TestHome({
      WTP_BACKEND: 'tmux',
      WTP_CLAUDE_BIN: claudeBinary(),
      WTP_CODEX_BIN: codexBinary(),
      WTP_GEMINI_BIN: geminiBinary(),
      WTP_QWEN_BIN: qwenBinary(),
      WTP_OPENCODE_BIN: opencodeBinary(),
      WTP_COPILOT_BIN: copilotBinary(),
    });
    const h = home.path('home');
    const hostOf = (url: string): string => new URL(url).host;
    // Codex and OpenCode take their server from a config file, not a base-URL variable: the config allows them.
    home.writeConfig(
      [
        'notifications:',
        '  enabled: false',
        'sandbox:',
        `  allowHosts: ['${hostOf(openai.url)}', '${hostOf(chat.url)}']`,
        '',
      ].join('\n'),
    );
    repo = home.path('proj');
    mkdirSync(repo);
    const git = (...args: string[]): string => execFileSync('git', args, { cwd: repo, encoding: 'utf8' });
    git('init', '-q', '-b', 'main');
    git('config', 'user.email', 'probe@example.com');
    git('config', 'user.name', 'probe');
    mkdirSync(join(h, '.ssh'), { recursive: true, mode: 0o700 });
    writeFileSync(join(h, '.ssh', 'id_ed25519'), `${secret}\n`, { mode: 0o600 });
    prepareClaudeHome(h, { cwd: repo, apiKey: API_KEY, trusted: false });
    // Claude Code runs unattended, as the sandbox is meant for: bypassPermissions, its warning accepted.
    mkdirSync(join(h, '.claude'), { recursive: true });
    writeFileSync(join(h, '.claude', 'settings.json'), '{ "skipDangerousModePermissionPrompt": true }\n');
    const codexHome = join(h, '.codex');
    prepareCodexHome(codexHome, { baseUrl: openai.url });
    prepareGeminiHome(h);
    const qwenHome = join(h, '.qwen');
    prepareQwenHome(qwenHome);
    // In the home (read-only inside), not in WTP_HOME: the sandbox hides this tool's state folder.
    const ocConfig = prepareOpencodeConfig(join(h, 'oc'), { baseUrl: chat.url });
    const oc = opencodeEnv({ home: h, config: ocConfig });
    // Each CLI's variables go to its own agent (`-e`), as its own test gives them to its daemon: one
    // CLI's API key in another's environment makes that CLI pick that provider (OpenCode took Claude's).
    const envs: Record<Vendor, Record<string, string>> = {
      claude: claudeEnv({ home: h, baseUrl: anthropic.url, apiKey: API_KEY }),
      codex: codexEnv({ home: h, codexHome }),
      gemini: geminiEnv({ home: h, baseUrl: gemini.url }),
      qwen: qwenEnv({ home: h, qwenHome, baseUrl: chat.url }),
      opencode: oc,
      copilot: copilotEnv({ home: h, copilotHome: join(h, '.copilot'), baseUrl: chat.url }),
    };
    const envArgs = (p: Vendor): string[] =>
      Object.entries(envs[p]).flatMap(([k, v]) => (k === 'HOME' ? [] : ['-e', `${k}=${v}`]));
    prepareOpencodeHome(oc, repo);
    await home.up();
    // Another agent, unsandboxed, for the probes to look for; then the probe's settings in the repository.
    const v = await home.run(['new', 'cmd', '--name', 'victim', '--', 'sh', '-c', 'exec sleep 3131']);
    expect(v.code, v.stderr).toBe(0);
    const victim = await home.untilState('victim', 'running');
    const daemon = JSON.parse(readFileSync(home.path('run', 'daemon.json'), 'utf8')) as { tcp: string };
    const config = {
      homeFile: join(h, 'escape.txt'),
      repoFile: join(repo, 'escape.txt'),
      sshKey: join(h, '.ssh', 'id_ed25519'),
      token: home.path('token'),
      database: home.path('wtp.db'),
      victimPid: victim.pid,
      victimMarker: 'sleep\u00003131',
      forbiddenPort: Number(new URL(daemon.tcp).port) + 1,
      modelPort: Number(new URL(chat.url).port),
      daemonSocket: home.path('run', 'api.sock'),
      daemonPort: Number(new URL(daemon.tcp).port),
      otherAgentId: victim.id,
    };
    writeFileSync(join(repo, 'c.json'), `${JSON.stringify(config)}\n`);
    writeFileSync(join(repo, 'p.mjs'), readFileSync(PROBE));
    git('add', '-A');
    git('commit', '-qm', 'the probe’s settings');
    const args: Record<Vendor, string[]> = {
      claude: ['--permission-mode', 'bypassPermissions'],
      codex: ['--permission-mode', 'on-request'],
      gemini: ['--model', GEMINI_MODEL],
      qwen: [],
      opencode: [],
      copilot: [],
    };
    const started = await Promise.all(
      VENDORS.map((p) =>
        home.json([
          'new',
          p,
          '--name',
          p,
          '--sandbox',
          '--repo',
          repo,
          ...args[p],
          ...envArgs(p),
          '--prompt',
          `${p}: run the probe`,
        ]),
      ),
    );
    for (const r of started) expect(r.code, `${r.stderr}${JSON.stringify(r.doc)}`).toBe(0);
    // Each asks to run it; approved by the user, it runs; then the turn ends.
    await Promise.all(
      VENDORS.map(async (p) => {
        try {
          const file = async (): Promise<string> =>
            join((await home.agent(p)).worktree?.path ?? '', 'r.json');
          if (p === 'claude') {
            // Unattended: no dialog; the probe's results, then the end of its turn.
            const f = await file();
            await eventually(`${p}'s probe results`, () => existsSync(f), 240_000);
            agents.set(p, await untilState(home, p, 'idle', `${p} to finish its turn`, p, 120_000));
            results.set(p, JSON.parse(readFileSync(f, 'utf8')) as Results);
            return;
          }
          await untilState(home, p, 'needs_permission', `${p} to ask to run the probe`, p, 240_000);
          // The dialog is approved once the screen shows what the CLI announced (it may draw it a moment later).
          await eventually(
            `wtp approve ${p} to find its dialog`,
            async () => {
              const approve = await home.run(['approve', p]);
              if (approve.code !== 0) throw new Error(`${approve.stderr}${approve.stdout}`);
              return true;
            },
            60_000,
          );
          agents.set(p, await untilState(home, p, 'idle', `${p} to finish its turn`, p, 120_000));
          const f = await file();
          const got = await eventually(
            `${p}'s probe results`,
            () => existsSync(f) && readFileSync(f, 'utf8'),
          );
          results.set(p, JSON.parse(got) as Results);
        } catch (err) {
          failures.set(p, err instanceof Error ? err.message : String(err));
        }
      }),
    );
  }, 600_000);

  afterAll(async () => {
    await home?.cleanup();
    await Promise.all([anthropic?.close(), openai?.close(), gemini?.close(), chat?.close()]);
  });

  describe.each(VENDORS)('%s', (vendor) => {
    const r = (name: string) => {
      const failed = failures.get(vendor);
      if (failed) throw new Error(failed);
      const got = results.get(vendor)?.[name];
      if (!got) throw new Error(`no result ${name} for ${vendor}`);
      return got;
    };
    const refused = (name: string) => expect(r(name).done, `${name}: ${r(name).detail}`).toBe(false);

    it('ran sandboxed, asked through its hooks or screen, and finished its turn', () => {
      r('writeWorktree');
      const a = agents.get(vendor);
      expect(a?.sandbox?.write).toContain(a?.worktree?.path);
      expect(a?.state).toBe('idle');
    });

    it('refuses every escape', () => {
      for (const name of [
        'writeHome',
        'writeRepo',
        'readSshKey',
        'readToken',
        'readDatabase',
        'signalOtherAgent',
        'listOtherAgent',
        'tcpForbiddenPort',
        'proxyForbiddenHost',
        'resolveHost',
        'daemonApiSocket',
        'daemonApiTcp',
        'otherAgentHook',
      ])
        refused(name);
      expect(r('readSshKey').detail).not.toContain(secret);
      expect(existsSync(join(home.path('home'), 'escape.txt'))).toBe(false);
      expect(existsSync(join(repo, 'escape.txt'))).toBe(false);
    });

    it('works where it may: its commit on its branch, its /tmp, the model server', () => {
      for (const name of ['writeWorktree', 'writeTmp', 'modelServer'])
        expect(r(name).done, `${name}: ${r(name).detail}`).toBe(true);
      const subject = execFileSync('git', ['log', '-1', '--format=%s', `wtp/${vendor}`], {
        cwd: repo,
        encoding: 'utf8',
      });
      expect(subject).toMatch(/^from the sandbox of /);
    });
  });
});
