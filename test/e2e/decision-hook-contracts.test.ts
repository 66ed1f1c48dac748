import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REAL_CLI_TESTS } from '../support/agent-steps.js';
import {
  dispatchingHook,
  FAILURES,
  PROBE_TIMEOUT_S,
  runStreamJson,
  runToEnd,
  type HookCase,
} from '../support/decision-probe.js';
import { FakeGemini, type FakeGeminiRequest, type FakeGeminiTurn } from '../support/fake-gemini.js';
import { FakeOpenAIChat, type FakeChatRequest, type FakeChatTurn } from '../support/fake-openai-chat.js';
import { GEMINI_MODEL, geminiBinary, geminiEnv, prepareGeminiHome } from '../support/gemini-cli.js';
import { TestHome } from '../support/harness.js';
import { prepareQwenHome, qwenBinary, qwenEnv } from '../support/qwen-cli.js';
import { copilotBinary, copilotEnv } from '../support/copilot-cli.js';
import {
  opencodeBinary,
  opencodeEnv,
  prepareOpencodeConfig,
  prepareOpencodeHome,
} from '../support/opencode-cli.js';

/**
 * The decision hooks' contracts on the pinned CLIs, headless and offline, no daemon (issue 29):
 * what each CLI makes of what its hook prints and how it ends, for one tool call per case (all
 * the cases in one run of the CLI, one after the other). A channel is used only where a deny is
 * carried with its reason, and where nothing, junk, a failure, a timeout or a daemon that is down
 * go on as without the hook — never approved, never hung.
 */

/**
 * Each describe's CLI run (mostly waits: on the scripted model, and on the hooks that outlive their
 * timeout), started together for the file in its first hook; each describe waits for its own.
 */
const probes: (() => Promise<void>)[] = [];
function probeSetup(run: () => Promise<void>): void {
  let running: Promise<void> | undefined;
  const start = (): Promise<void> => (running ??= run());
  probes.push(() => start());
  beforeAll(start, 320_000);
}
beforeAll(() => {
  // A failed run fails its own describe's tests (its beforeAll awaits it), not this hook.
  for (const probe of probes) probe().catch(() => undefined);
});

/** The contract's cases beyond the failures every channel must survive. */
const GEMINI_CASES: readonly HookCase[] = [
  ...FAILURES,
  {
    what: '`{"decision":"deny","reason":…}`',
    command: `cat >/dev/null; echo '{"decision":"deny","reason":"R-deny"}'`,
    expect: 'denied',
  },
  {
    what: '`{"decision":"allow"}` (no approving decision: it goes on to its own policy check)',
    command: `cat >/dev/null; echo '{"decision":"allow"}'`,
    expect: 'on',
  },
  {
    what: 'exit 2 with text on stderr (a deny: why our hooks end in `|| true`)',
    command: 'cat >/dev/null; echo oops >&2; exit 2',
    expect: 'denied',
  },
];

describe(
  'Gemini CLI 0.61.0 BeforeTool (`gemini -p --approval-mode yolo`: without a decision it runs)',
  REAL_CLI_TESTS,
  () => {
    let home: TestHome;
    let api: FakeGemini;
    let cwd: string;
    /** Case number → what the model got back for its tool call. */
    const outputs = new Map<number, string>();
    let run = { code: 0 as number | null, stderr: '' };

    probeSetup(async () => {
      let next = 0;
      api = await FakeGemini.start((req: FakeGeminiRequest): FakeGeminiTurn => {
        if (req.hasToolOutput) outputs.set(next - 1, req.toolOutputText);
        if (next >= GEMINI_CASES.length) return { text: 'Done.' };
        const command = `touch ran-${next++}.txt`;
        return { toolCall: { name: 'run_shell_command', args: { command } } };
      });
      home = new TestHome();
      const dir = home.path('gemini');
      cwd = join(dir, 'proj');
      mkdirSync(cwd, { recursive: true });
      const settings = prepareGeminiHome(dir);
      const doc = JSON.parse(readFileSync(settings, 'utf8')) as Record<string, unknown>;
      const command = dispatchingHook(home.path('cases'), GEMINI_CASES);
      doc.hooks = {
        BeforeTool: [{ hooks: [{ type: 'command', command, timeout: PROBE_TIMEOUT_S * 1000 }] }],
      };
      writeFileSync(settings, JSON.stringify(doc));
      const env = { ...home.env, ...geminiEnv({ home: dir, baseUrl: api.url }) };
      // yolo: without a decision the command runs (headless Gemini offers no shell tool otherwise).
      const argv = [geminiBinary(), '-p', 'run the cases', '-m', GEMINI_MODEL, '--approval-mode', 'yolo'];
      run = await runToEnd([...argv, '--output-format', 'json'], { env, cwd, timeoutMs: 300_000 });
    });

    afterAll(async () => {
      await home?.cleanup();
      await api?.close();
    });

    it.each(GEMINI_CASES.map((c, i) => [c.what, c, i] as const))('hook: %s', (_what, c, i) => {
      const output = outputs.get(i);
      const got = existsSync(join(cwd, `ran-${i}.txt`))
        ? 'on'
        : output !== undefined && /Tool execution blocked/.test(output)
          ? 'denied'
          : `unknown (exit ${String(run.code)}): ${output ?? 'no tool output'} ${run.stderr.slice(-2000)}`;
      expect(got).toBe(c.expect);
      if (c.command.includes('R-deny')) expect(output).toContain('Tool execution blocked: R-deny');
    });
  },
);

/** Qwen Code's PermissionRequest decision document. */
const qwenDecision = (decision: Record<string, unknown>): string =>
  JSON.stringify({ hookSpecificOutput: { hookEventName: 'PermissionRequest', decision } });

const QWEN_CASES: readonly HookCase[] = [
  ...FAILURES,
  {
    what: '`decision: {behavior: "deny", message}`',
    command: `cat >/dev/null; echo '${qwenDecision({ behavior: 'deny', message: 'R-deny' })}'`,
    expect: 'denied',
  },
  {
    what: '`decision: {behavior: "allow"}`',
    command: `cat >/dev/null; echo '${qwenDecision({ behavior: 'allow' })}'`,
    expect: 'allowed',
  },
  {
    what: 'exit 2 with text on stderr (no decision for PermissionRequest)',
    command: 'cat >/dev/null; echo oops >&2; exit 2',
    expect: 'on',
  },
];

/** The answer a probe gives every permission Qwen Code asks for headless (its dialog). */
const USER_DENIED = 'probe-user-denied';

describe(
  'Qwen Code 0.24.4 PermissionRequest (stream-json: without a decision it asks, as control_request)',
  REAL_CLI_TESTS,
  () => {
    let home: TestHome;
    let api: FakeOpenAIChat;
    let cwd: string;
    const outputs = new Map<number, string>();
    let run: Awaited<ReturnType<typeof runStreamJson>> = { code: 0, asked: [], stderr: '' };

    probeSetup(async () => {
      let next = 0;
      api = await FakeOpenAIChat.start((req: FakeChatRequest): FakeChatTurn => {
        if (req.hasToolOutput) outputs.set(next - 1, req.toolOutputText);
        if (next >= QWEN_CASES.length) return { text: 'Done.' };
        const command = `touch ran-${next++}.txt`;
        return { toolCall: { name: 'run_shell_command', arguments: { command, description: 'probe' } } };
      });
      home = new TestHome();
      cwd = home.path('proj');
      mkdirSync(cwd, { recursive: true });
      const qwenHome = home.path('home', '.qwen');
      const command = dispatchingHook(home.path('cases'), QWEN_CASES);
      prepareQwenHome(qwenHome, {
        extra: {
          model: { name: 'fake-model', generationConfig: { maxRetries: 0 } },
          hooks: {
            PermissionRequest: [
              { matcher: '', hooks: [{ type: 'command', command, timeout: PROBE_TIMEOUT_S }] },
            ],
          },
        },
      });
      const env = { ...home.env, ...qwenEnv({ home: home.path('home'), qwenHome, baseUrl: api.url }) };
      const argv = [qwenBinary(), '--input-format', 'stream-json', '--output-format', 'stream-json'];
      run = await runStreamJson(
        [...argv, '--approval-mode', 'default'],
        { env, cwd, timeoutMs: 300_000 },
        [
          { type: 'control_request', request_id: 'init-1', request: { subtype: 'initialize' } },
          {
            type: 'user',
            session_id: 'probe',
            parent_tool_use_id: null,
            message: { role: 'user', content: 'run the cases' },
          },
        ],
        (req) => {
          const request_id = req.request_id;
          const r = req.request as { subtype?: string } | undefined;
          const response = r?.subtype === 'can_use_tool' ? { behavior: 'deny', message: USER_DENIED } : {};
          return { type: 'control_response', response: { subtype: 'success', request_id, response } };
        },
      );
    });

    afterAll(async () => {
      await home?.cleanup();
      await api?.close();
    });

    it.each(QWEN_CASES.map((c, i) => [c.what, c, i] as const))('hook: %s', (_what, c, i) => {
      const output = outputs.get(i);
      const askedHere = run.asked.some((a) => JSON.stringify(a).includes(`ran-${i}.txt`));
      const got = existsSync(join(cwd, `ran-${i}.txt`))
        ? 'allowed'
        : askedHere
          ? 'on'
          : output !== undefined && !output.includes(USER_DENIED)
            ? 'denied'
            : `unknown (exit ${String(run.code)}): ${output ?? 'no tool output'} ${run.stderr.slice(-2000)}`;
      expect(got).toBe(c.expect);
      if (c.command.includes('R-deny')) expect(output).toContain('R-deny');
    });
  },
);

/** Qwen Code's PreToolUse deny (the decision hook's other event: calls that never ask). */
const QWEN_PRE_CASES: readonly HookCase[] = [
  ...FAILURES,
  {
    what: '`permissionDecision: "deny"` with its reason',
    command: `cat >/dev/null; echo '${JSON.stringify({
      hookSpecificOutput: {
        hookEventName: 'PreToolUse',
        permissionDecision: 'deny',
        permissionDecisionReason: 'R-deny',
      },
    })}'`,
    expect: 'denied',
  },
  {
    what: 'exit 2 with text on stderr (a deny: why our hooks end in `|| true`)',
    command: 'cat >/dev/null; echo oops >&2; exit 2',
    expect: 'denied',
  },
];

describe(
  'Qwen Code 0.24.4 PreToolUse (`--approval-mode yolo`: without a decision it runs)',
  REAL_CLI_TESTS,
  () => {
    let home: TestHome;
    let api: FakeOpenAIChat;
    let cwd: string;
    const outputs = new Map<number, string>();
    let run: Awaited<ReturnType<typeof runStreamJson>> = { code: 0, asked: [], stderr: '' };

    probeSetup(async () => {
      let next = 0;
      api = await FakeOpenAIChat.start((req: FakeChatRequest): FakeChatTurn => {
        if (req.hasToolOutput) outputs.set(next - 1, req.toolOutputText);
        if (next >= QWEN_PRE_CASES.length) return { text: 'Done.' };
        const command = `touch ran-${next++}.txt`;
        return { toolCall: { name: 'run_shell_command', arguments: { command, description: 'probe' } } };
      });
      home = new TestHome();
      cwd = home.path('proj');
      mkdirSync(cwd, { recursive: true });
      const qwenHome = home.path('home', '.qwen');
      const command = dispatchingHook(home.path('cases'), QWEN_PRE_CASES);
      prepareQwenHome(qwenHome, {
        extra: {
          model: { name: 'fake-model', generationConfig: { maxRetries: 0 } },
          hooks: {
            PreToolUse: [{ matcher: '', hooks: [{ type: 'command', command, timeout: PROBE_TIMEOUT_S }] }],
          },
        },
      });
      const env = { ...home.env, ...qwenEnv({ home: home.path('home'), qwenHome, baseUrl: api.url }) };
      const argv = [qwenBinary(), '--input-format', 'stream-json', '--output-format', 'stream-json'];
      run = await runStreamJson(
        [...argv, '--approval-mode', 'yolo'],
        { env, cwd, timeoutMs: 300_000 },
        [
          { type: 'control_request', request_id: 'init-1', request: { subtype: 'initialize' } },
          {
            type: 'user',
            session_id: 'probe',
            parent_tool_use_id: null,
            message: { role: 'user', content: 'run the cases' },
          },
        ],
        (req) => ({
          type: 'control_response',
          response: { subtype: 'success', request_id: req.request_id, response: {} },
        }),
      );
    });

    afterAll(async () => {
      await home?.cleanup();
      await api?.close();
    });

    it.each(QWEN_PRE_CASES.map((c, i) => [c.what, c, i] as const))('hook: %s', (_what, c, i) => {
      const output = outputs.get(i);
      const got = existsSync(join(cwd, `ran-${i}.txt`))
        ? 'on'
        : output !== undefined
          ? 'denied'
          : `unknown (exit ${String(run.code)}): no tool output ${run.stderr.slice(-2000)}`;
      expect(got).toBe(c.expect);
      if (c.command.includes('R-deny')) expect(output).toContain('R-deny');
    });
  },
);

/**
 * The failures again, with what Copilot CLI 1.0.102 makes of them: the cases `denies` names are a
 * "hook failed" to it, and it denies the tool (its permissionRequest: output it cannot read, or an
 * exit status other than 0; its preToolUse: an exit status other than 0).
 */
const copilotFailures = (denies: RegExp): HookCase[] =>
  FAILURES.map((c) => (denies.test(c.what) ? { ...c, expect: 'denied' } : c));

/**
 * Copilot CLI's two hooks that decide, by what comes of a command with no decision in `copilot -p`
 * (it cannot ask there: "Permission denied because no interactive user response was available").
 */
function copilotProbe(
  event: 'permissionRequest' | 'preToolUse',
  cases: readonly HookCase[],
  classify: (output: string | undefined, ran: boolean) => string,
) {
  return () => {
    let home: TestHome;
    let api: FakeOpenAIChat;
    let cwd: string;
    const outputs = new Map<number, string>();
    let run = { code: 0 as number | null, stdout: '', stderr: '' };

    probeSetup(async () => {
      let next = 0;
      api = await FakeOpenAIChat.start((req: FakeChatRequest): FakeChatTurn => {
        if (req.hasToolOutput) outputs.set(next - 1, req.toolOutputText);
        if (next >= cases.length) return { text: 'Done.' };
        const command = `touch ran-${next++}.txt`;
        return { toolCall: { name: 'bash', arguments: { command, description: 'probe' } } };
      });
      home = new TestHome();
      cwd = home.path('proj');
      mkdirSync(cwd, { recursive: true });
      const copilotHome = home.path('home', '.copilot');
      const env = { ...home.env, ...copilotEnv({ home: home.path('home'), copilotHome, baseUrl: api.url }) };
      writeFileSync(join(copilotHome, 'config.json'), JSON.stringify({ trustedFolders: [cwd] }));
      const plugin = home.path('plugin');
      mkdirSync(plugin);
      writeFileSync(
        join(plugin, 'plugin.json'),
        JSON.stringify({ name: 'probe', version: '1.0.0', hooks: 'hooks.json' }),
      );
      const bash = dispatchingHook(home.path('cases'), cases);
      writeFileSync(
        join(plugin, 'hooks.json'),
        JSON.stringify({
          version: 1,
          hooks: { [event]: [{ type: 'command', bash, timeoutSec: PROBE_TIMEOUT_S }] },
        }),
      );
      run = await runToEnd([copilotBinary(), '-p', 'run the cases', '--plugin-dir', plugin], {
        env,
        cwd,
        timeoutMs: 300_000,
      });
    });

    afterAll(async () => {
      await home?.cleanup();
      await api?.close();
    });

    it.each(cases.map((c, i) => [c.what, c, i] as const))('hook: %s', (_what, c, i) => {
      const output = outputs.get(i);
      const got = classify(output, existsSync(join(cwd, `ran-${i}.txt`)));
      expect(got, `${output ?? 'no tool output'} (exit ${String(run.code)}) ${run.stderr.slice(-1000)}`).toBe(
        c.expect,
      );
      if (c.command.includes('R-deny')) expect(output).toContain('R-deny');
    });
  };
}

/** What Copilot CLI says in `-p` for a permission no hook decided (where it would ask). */
const NO_USER = /no interactive user response was available/;

describe(
  'Copilot CLI 1.0.102 permissionRequest (`copilot -p`: without a decision it would ask)',
  REAL_CLI_TESTS,
  copilotProbe(
    'permissionRequest',
    [
      ...copilotFailures(/junk|cut short|exit 1/),
      {
        what: '`{"behavior":"deny","message":…}`',
        command: `cat >/dev/null; echo '{"behavior":"deny","message":"R-deny"}'`,
        expect: 'denied',
      },
      {
        what: '`{"behavior":"allow"}`',
        command: `cat >/dev/null; echo '{"behavior":"allow"}'`,
        expect: 'allowed',
      },
      { what: 'exit 2 (a deny, as its docs say)', command: 'cat >/dev/null; exit 2', expect: 'denied' },
    ],
    (output, ran) =>
      ran ? 'allowed' : output === undefined ? 'no tool output' : NO_USER.test(output) ? 'on' : 'denied',
  ),
);

describe(
  'Copilot CLI 1.0.102 preToolUse (`copilot -p`: without a decision it would ask)',
  REAL_CLI_TESTS,
  copilotProbe(
    'preToolUse',
    [
      ...copilotFailures(/exit 1/),
      {
        what: '`{"permissionDecision":"deny",…}`',
        command: `cat >/dev/null; echo '{"permissionDecision":"deny","permissionDecisionReason":"R-deny"}'`,
        expect: 'denied',
      },
      {
        what: '`{"permissionDecision":"allow"}`',
        command: `cat >/dev/null; echo '{"permissionDecision":"allow"}'`,
        expect: 'allowed',
      },
    ],
    (output, ran) =>
      ran ? 'allowed' : output === undefined ? 'no tool output' : NO_USER.test(output) ? 'on' : 'denied',
  ),
);

describe(
  'OpenCode 1.18.33 plugin hooks (`opencode run`: an asked permission is rejected)',
  REAL_CLI_TESTS,
  () => {
    let home: TestHome;
    let api: FakeOpenAIChat;
    let cwd: string;
    let marker: string;
    const outputs = new Map<number, string>();
    let run = { code: 0 as number | null, stdout: '', stderr: '' };
    /** Case 0's plugin `tool.execute.before` throws; case 1 is asked (bash: ask), which ends the run. */
    const COMMANDS = ['touch deny-me-0.txt', 'touch ran-1.txt'];

    probeSetup(async () => {
      let next = 0;
      api = await FakeOpenAIChat.start((req: FakeChatRequest): FakeChatTurn => {
        if (!req.toolsOffered) return { text: 'title' };
        if (req.hasToolOutput) outputs.set(next - 1, req.toolOutputText);
        const command = COMMANDS[next++];
        if (command === undefined) return { text: 'Done.' };
        return { toolCall: { name: 'bash', arguments: { command, description: 'probe' } } };
      });
      home = new TestHome();
      cwd = home.path('proj');
      mkdirSync(cwd, { recursive: true });
      marker = home.path('permission-ask-fired');
      const config = prepareOpencodeConfig(home.path('oc'), { baseUrl: api.url });
      const plugin = home.path('probe-plugin.js');
      writeFileSync(
        plugin,
        `import { appendFileSync } from 'node:fs';
export const Probe = async () => ({
  'permission.ask': async (input, output) => {
    appendFileSync(${JSON.stringify(marker)}, JSON.stringify(input) + '\\n');
    output.status = 'allow';
  },
  'tool.execute.before': async (input, output) => {
    if (String(output.args?.command ?? '').includes('deny-me')) throw new Error('R-deny from tool.execute.before');
  },
});
`,
      );
      const env = {
        ...home.env,
        ...opencodeEnv({ home: home.path('home'), config }),
        OPENCODE_CONFIG_CONTENT: JSON.stringify({ plugin: [pathToFileURL(plugin).href] }),
      };
      prepareOpencodeHome(env, cwd);
      run = await runToEnd([opencodeBinary(), 'run', '--format', 'json', 'run the cases'], {
        env,
        cwd,
        timeoutMs: 300_000,
      });
    });

    afterAll(async () => {
      await home?.cleanup();
      await api?.close();
    });

    it('`permission.ask` is never called: the asked command is rejected as without a plugin (no decision channel there)', () => {
      expect(existsSync(marker)).toBe(false);
      expect(existsSync(join(cwd, 'ran-1.txt'))).toBe(false);
      expect(`${run.stdout}${run.stderr}`).toMatch(
        /permission requested: bash \(touch ran-1\.txt\); auto-rejecting/,
      );
    });

    it('a `tool.execute.before` that throws stops the call before its permission is asked; the model gets the error', () => {
      expect(existsSync(join(cwd, 'deny-me-0.txt'))).toBe(false);
      expect(outputs.get(0) ?? `no tool output; ${run.stdout.slice(-1500)}`).toContain(
        'R-deny from tool.execute.before',
      );
    });
  },
);
