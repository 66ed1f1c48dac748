import { join } from 'node:path';
import { claudeBinary, claudeEnv, prepareClaudeHome } from '../test/support/claude-cli.js';
import { codexBinary, codexEnv, prepareCodexHome } from '../test/support/codex-cli.js';
import { copilotBinary, copilotEnv } from '../test/support/copilot-cli.js';
import { FakeAnthropic } from '../test/support/fake-anthropic.js';
import { FakeGemini } from '../test/support/fake-gemini.js';
import { FakeOpenAI } from '../test/support/fake-openai.js';
import { FakeOpenAIChat } from '../test/support/fake-openai-chat.js';
import type { LoggedKind } from '../test/support/fake-sse-server.js';
import { GEMINI_MODEL, geminiBinary, geminiEnv, prepareGeminiHome } from '../test/support/gemini-cli.js';
import { opencodeBinary, opencodeEnv, prepareOpencodeConfig } from '../test/support/opencode-cli.js';
import { prepareQwenHome, qwenBinary, qwenEnv } from '../test/support/qwen-cli.js';
import type { Env } from './proc.js';

/**
 * How the `vendors` part drives each pinned real CLI offline: its scripted server (the tests'
 * fakes), the environment (the tests' *-cli.ts helpers), the shell tool call that needs permission,
 * the text its permission dialog shows and the key that approves it. Only the wire format and the
 * CLI's own setup live here; which signals decide the states is the profile's business.
 */

/** A scripted turn, whatever the wire format. */
export interface BenchTurn {
  text?: string;
  tool?: { name: string; args: Record<string, unknown> };
  /** Wait before answering (the CLI shows it is working meanwhile). */
  delayMs?: number;
}

/** What the bench's script sees of a main-loop request (`body` is the logged entry's body). */
export interface BenchRequest {
  body: unknown;
  lastUserText: string;
  hasToolOutput: boolean;
}

export type BenchScript = (req: BenchRequest) => BenchTurn;

export type Logged = LoggedKind & { body: unknown };

/** A started scripted server, whatever its API. */
export interface ScriptedApi {
  url: string;
  onAnswered(listener: (logged: Logged) => void): void;
  close(): Promise<void>;
}

type ApiKind = 'anthropic' | 'responses' | 'chat' | 'gemini';

/** The fields every wire format shares, left out when unset (exactOptionalPropertyTypes). */
function common(t: BenchTurn): { text?: string; delayMs?: number } {
  return {
    ...(t.text === undefined ? {} : { text: t.text }),
    ...(t.delayMs === undefined ? {} : { delayMs: t.delayMs }),
  };
}

async function startApi(kind: ApiKind, script: BenchScript): Promise<ScriptedApi> {
  switch (kind) {
    case 'anthropic':
      return FakeAnthropic.start((r) => {
        const t = script({ body: r.body, lastUserText: r.lastUserText, hasToolOutput: r.hasToolResult });
        return { ...common(t), ...(t.tool ? { toolUse: { name: t.tool.name, input: t.tool.args } } : {}) };
      });
    case 'responses':
      return FakeOpenAI.start((r) => {
        const t = script(r);
        return {
          ...common(t),
          ...(t.tool ? { toolCall: { name: t.tool.name, arguments: t.tool.args } } : {}),
        };
      });
    case 'chat':
      return FakeOpenAIChat.start((r) => {
        const t = script(r);
        return {
          ...common(t),
          ...(t.tool ? { toolCall: { name: t.tool.name, arguments: t.tool.args } } : {}),
        };
      });
    case 'gemini':
      return FakeGemini.start((r) => {
        const t = script(r);
        return { ...common(t), ...(t.tool ? { toolCall: { name: t.tool.name, args: t.tool.args } } : {}) };
      });
  }
}

export interface VendorRig {
  profile: 'claude' | 'codex' | 'gemini' | 'qwen' | 'opencode' | 'copilot';
  /** The pinned binary (throws with the install hint when it is missing). */
  binary(): string;
  startApi(script: BenchScript): Promise<ScriptedApi>;
  /** The daemon's environment additions (its agents inherit them); `files` is a scratch folder. */
  env(o: { files: string; proj: string; url: string }): Env;
  /** createAgent fields beyond profile/cwd/name. */
  create: { permissionMode?: string; model?: string };
  /** The shell tool call (its command needs permission in the mode above). */
  tool(command: string): { name: string; args: Record<string, unknown> };
  /** Text of the permission dialog (drawn with the command: the CLI's own "it asks" moment). */
  dialog: string;
  /** Input that approves the dialog's preselected "yes, once". */
  approve: { text: string; raw: boolean };
}

const ENTER = { text: '\r', raw: true };
const CLAUDE_KEY = 'sk-ant-test-0000000000000000000000000000wtp-bench-key';

export const VENDOR_RIGS: readonly VendorRig[] = [
  {
    profile: 'claude',
    binary: claudeBinary,
    startApi: (s) => startApi('anthropic', s),
    env: ({ files, proj, url }) => {
      const home = join(files, 'home');
      prepareClaudeHome(home, { cwd: proj, apiKey: CLAUDE_KEY, trusted: false });
      return { ...claudeEnv({ home, baseUrl: url, apiKey: CLAUDE_KEY }), WTP_CLAUDE_BIN: claudeBinary() };
    },
    create: { permissionMode: 'default' },
    tool: (command) => ({ name: 'Bash', args: { command, description: 'touch a file' } }),
    dialog: 'Do you want to proceed?',
    approve: ENTER,
  },
  {
    profile: 'codex',
    binary: codexBinary,
    startApi: (s) => startApi('responses', s),
    env: ({ files, url }) => {
      const codexHome = join(files, 'home', '.codex');
      prepareCodexHome(codexHome, { baseUrl: url });
      return { ...codexEnv({ home: join(files, 'home'), codexHome }), WTP_CODEX_BIN: codexBinary() };
    },
    create: { permissionMode: 'on-request' },
    tool: (cmd) => ({
      name: 'exec_command',
      args: { cmd, sandbox_permissions: 'require_escalated', justification: 'touch a file' },
    }),
    dialog: 'Would you like to run the following command?',
    approve: ENTER,
  },
  {
    profile: 'gemini',
    binary: geminiBinary,
    startApi: (s) => startApi('gemini', s),
    env: ({ files, url }) => {
      const home = join(files, 'home');
      prepareGeminiHome(home);
      return { ...geminiEnv({ home, baseUrl: url }), WTP_GEMINI_BIN: geminiBinary() };
    },
    create: { model: GEMINI_MODEL },
    tool: (command) => ({ name: 'run_shell_command', args: { command } }),
    dialog: 'Allow execution of',
    approve: ENTER,
  },
  {
    profile: 'qwen',
    binary: qwenBinary,
    startApi: (s) => startApi('chat', s),
    env: ({ files, url }) => {
      const home = join(files, 'home');
      const qwenHome = join(home, '.qwen');
      prepareQwenHome(qwenHome);
      return { ...qwenEnv({ home, qwenHome, baseUrl: url }), WTP_QWEN_BIN: qwenBinary() };
    },
    create: { permissionMode: 'default' },
    tool: (command) => ({ name: 'run_shell_command', args: { command, description: 'touch a file' } }),
    dialog: 'Allow execution of',
    approve: { text: '1', raw: true },
  },
  {
    profile: 'opencode',
    binary: opencodeBinary,
    startApi: (s) => startApi('chat', s),
    env: ({ files, url }) => {
      const config = prepareOpencodeConfig(join(files, 'oc'), { baseUrl: url });
      return { ...opencodeEnv({ home: join(files, 'home'), config }), WTP_OPENCODE_BIN: opencodeBinary() };
    },
    create: {},
    tool: (command) => ({ name: 'bash', args: { command, description: 'Touch a file' } }),
    dialog: 'Permission required',
    approve: ENTER,
  },
  {
    profile: 'copilot',
    binary: copilotBinary,
    startApi: (s) => startApi('chat', s),
    env: ({ files, url }) => {
      const home = join(files, 'home');
      // Copilot's default wire (Chat Completions), as its e2e test drives it.
      return {
        ...copilotEnv({ home, copilotHome: join(home, '.copilot'), baseUrl: url }),
        WTP_COPILOT_BIN: copilotBinary(),
      };
    },
    create: {},
    tool: (command) => ({ name: 'bash', args: { command, description: 'Touch a file' } }),
    dialog: 'Do you want to run this command?',
    approve: ENTER,
  },
];
