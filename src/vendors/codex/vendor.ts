import type { VendorDefinition } from '../vendor.js';
import { codexUsage } from './usage.js';
import { codexPermissions } from './modes.js';
import { CODEX_RULES } from './detectors.js';
import { readCodexHook } from './hooks.js';

/**
 * Codex CLI (docs/research/codex-0.169.0.md): OSC 7501 status records and recorded screens; its
 * `notify` program (setup.ts) only names the session, resumed with `codex resume <id>`.
 */
export const vendor: VendorDefinition = {
  order: 40,
  usage: codexUsage,
  testedVersions: ['0.169.0'],
  detectors: CODEX_RULES,
  profile: {
    name: 'codex',
    vendor: 'openai',
    binary: 'codex',
    install: 'npm i -g @openai/codex',
    // Sandboxed (docs/sandbox.md): the Responses API (an API key) and ChatGPT's backend (a ChatGPT login); $CODEX_HOME.
    sandbox: {
      hosts: ['api.openai.com:443', 'chatgpt.com:443', 'auth.openai.com:443'],
      baseUrlEnv: ['OPENAI_BASE_URL'],
      state: [{ path: '~/.codex', env: 'CODEX_HOME' }],
    },
    // Codex 0.169 writes OSC 7501 records unasked (docs/research/codex-0.169.0.md). Its `notify`
    // call gives no state (it also fires for the side request that names the task, mid-turn),
    // only the session id.
    signals: ['status', 'hook', 'screen', 'process'],
    hooks:
      'a per-agent `-c notify=[…]` running `wtp hook` (the session id only; unless config.toml sets notify)',
    trust: 'projects."<cwd>".trust_level = "trusted" in ~/.codex/config.toml',
    resume: '`codex resume <thread-id>` from its notify call (after the first completed turn)',
    detector: 'codex',
    // A command: "› 1. Yes, proceed (y)" / "2. Yes, and don't ask again for commands that start
    // with <cmd> (p)" / "3. No, and tell Codex what to do differently (esc)"; a patch: "2. Yes, and
    // don't ask again for these files (a)"; an MCP tool's form: "› 1. Allow" / "2. Allow for this
    // session" / "3. Always allow" / "4. Cancel". Each option is chosen by its number too.
    dialogs: {
      approve: ['enter'],
      always: { option: /^(?:Yes, and don't ask again\b|Allow for this session\b)/, keys: 'number' },
      deny: ['esc'],
      denyMessage: 'prompt',
      // "Trust this folder?": `1. Trust and continue` / `2. Back to Agent Command Center`.
      trust: { approve: /^Trust and continue\b/, deny: /^Back\b/ },
    },
    toolClasses: {
      Bash: ['exec_command', 'shell', 'local_shell', 'exec'],
      Write: ['apply_patch'],
      Edit: ['apply_patch'],
    },
    broadFlags: [
      ['--dangerously-bypass-approvals-and-sandbox'],
      ['--yolo'],
      ['--full-auto'],
      ['-a', 'never'],
      ['--ask-for-approval', 'never'],
      ['--ask-for-approval=never'],
      ['-s', 'danger-full-access'],
      ['--sandbox', 'danger-full-access'],
    ],
    // Main screen (easier to read); no background app-server daemon that outlives the agent.
    // Its API key and base URL, its home; a provider's own `env_key` only when the config passes it.
    env: ['OPENAI_*', 'CODEX_*'],
    defaultArgs: ['--no-alt-screen', '--no-daemon'],
    modelArgs: (m) => ['--model', m],
    permissionArgs: (m) => ['--ask-for-approval', m],
    permissionModes: ['on-request', 'never'],
    resumeArgs: (id) => ['resume', id],
    permissions: codexPermissions,
    readHook: readCodexHook,
    // Its notify carries the turn's last message, 50-100 ms after its `done` record: held.
    turnEnd: { waitMs: 3_000, from: "its notify's last-assistant-message (agent-turn-complete)" },
    // It reports a short working → idle pair at startup and (research notes) around its task-title
    // request: idle must hold before a working agent is called idle.
    idleSettleMs: 1_500,
  },
};
