import type { VendorDefinition } from '../vendor.js';
import { qwenUsage } from './usage.js';
import { qwenPermissions } from './modes.js';
import { QWEN_RULES } from './detectors.js';
import { QWEN_DECISION_HOOK, qwenHookReader } from './hooks.js';

/**
 * Qwen Code (run offline here against a Chat Completions fake): command hooks from a per-agent
 * system-defaults settings file (setup.ts: QWEN_CODE_SYSTEM_DEFAULTS_PATH, ~/.qwen untouched),
 * recorded 0.24.4 screens as the fallback, resume by the session id the hooks carry.
 */
export const vendor: VendorDefinition = {
  order: 60,
  usage: qwenUsage,
  testedVersions: ['0.24.4'],
  detectors: QWEN_RULES,
  profile: {
    name: 'qwen',
    vendor: 'qwen',
    binary: 'qwen',
    install: 'npm i -g @qwen-code/qwen-code',
    // Sandboxed (docs/sandbox.md): Qwen OAuth's and DashScope's APIs; ~/.qwen.
    sandbox: {
      hosts: [
        'portal.qwen.ai:443',
        'chat.qwen.ai:443',
        'dashscope.aliyuncs.com:443',
        'dashscope-intl.aliyuncs.com:443',
      ],
      baseUrlEnv: ['OPENAI_BASE_URL'],
      state: [{ path: '~/.qwen', env: 'QWEN_HOME' }],
    },
    signals: ['hook', 'screen', 'process'],
    hooks:
      'a per-agent system-defaults settings file (QWEN_CODE_SYSTEM_DEFAULTS_PATH) whose command hooks run `wtp hook`',
    trust: null,
    resume: '--resume <session_id> from its hooks (once the session has had a prompt)',
    detector: 'qwen',
    // "› 1. Yes, allow once" / "2. Always allow run '<cmd> *' commands in this project" / "3. … for
    // this user" / "4. No, suggest changes (esc)" (a command, a fetch, an MCP tool, a subagent); a
    // write or an edit: "2. Yes, allow always"; leaving plan mode: "1. Yes, restore previous mode
    // (default)" / "2. Yes, and auto-accept edits" / "3. Yes, and manually approve edits" / "4. No,
    // keep planning (esc)". Esc fires no hook (only idle_prompt).
    dialogs: {
      approve: ['enter'],
      always: { option: /^(?:Always allow|Yes, allow always|Yes, and auto-accept edits)\b/, keys: 'number' },
      // 0.24.4: "Yes, allow always" on an edit, a write or a notebook edit calls
      // setApprovalMode(AUTO_EDIT) (their onConfirm), and the plan's "auto-accept edits" leaves plan
      // mode for auto-edit: every later edit runs unasked.
      modeChange: [/^Yes, allow always$/, /^Yes, and auto-accept edits$/],
      deny: ['esc'],
      denyMessage: 'prompt',
      // "Do you trust this folder?" (with security.folderTrust.enabled): "Trust folder (<dir>)" /
      // "Trust parent folder (<parent>)" / "Don't trust (esc)"; trusting is remembered.
      trust: { approve: /^Trust folder\b/, deny: /^Don't trust\b/, keys: 'number' },
    },
    toolClasses: {
      Bash: ['run_shell_command'],
      Write: ['write_file'],
      Edit: ['edit', 'replace'],
      Read: ['read_file', 'read_many_files', 'glob', 'grep_search', 'list_directory'],
      WebFetch: ['web_fetch'],
    },
    broadFlags: [['--yolo'], ['-y'], ['--approval-mode', 'yolo'], ['--approval-mode=yolo']],
    // Its default approval mode is `auto` (an LLM classifier that makes extra model calls): the
    // tests pass `--approval-mode default` through permissionArgs.
    // Its own settings and the OpenAI-compatible API it talks to (key, base URL, model).
    env: ['QWEN_*', 'OPENAI_*', 'DASHSCOPE_*'],
    defaultArgs: [],
    modelArgs: (m) => ['--model', m],
    permissionArgs: (m) => ['--approval-mode', m],
    resumeArgs: (id) => ['--resume', id],
    permissionModes: ['default', 'plan', 'auto-edit', 'auto', 'yolo'],
    permissions: qwenPermissions,
    readHook: qwenHookReader(),
    // The Stop hook that ends the turn carries its last message.
    turnEnd: { waitMs: 1_000, from: "its Stop hook's last_assistant_message" },
    // Rules decide its PermissionRequest hook before a dialog shows (deny rules also its PreToolUse,
    // for calls that never ask); a dialog that shows anyway (the hook failed) is answered on the screen.
    decisionHook: QWEN_DECISION_HOOK,
  },
};
