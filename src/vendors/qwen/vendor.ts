import type { VendorDefinition } from '../vendor.js';
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
  testedVersions: ['0.24.4'],
  detectors: QWEN_RULES,
  profile: {
    name: 'qwen',
    vendor: 'qwen',
    binary: 'qwen',
    install: 'npm i -g @qwen-code/qwen-code',
    signals: ['hook', 'screen', 'process'],
    hooks:
      'a per-agent system-defaults settings file (QWEN_CODE_SYSTEM_DEFAULTS_PATH) whose command hooks run `wtp hook`',
    trust: null,
    resume: '--resume <session_id> from the hooks',
    detector: 'qwen',
    // "› 1. Yes, allow once" / "2. Always allow run '<cmd> *' commands in this project" / "3. … for
    // this user" / "4. No, suggest changes (esc)". Esc fires no hook (only idle_prompt).
    dialogs: {
      approve: ['enter'],
      always: { option: /^Always allow\b/, keys: 'number' },
      deny: ['esc'],
      denyMessage: 'prompt',
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
    defaultArgs: [],
    modelArgs: (m) => ['--model', m],
    permissionArgs: (m) => ['--approval-mode', m],
    resumeArgs: (id) => ['--resume', id],
    permissionModes: ['default', 'plan', 'auto-edit', 'auto', 'yolo'],
    permissions: qwenPermissions,
    readHook: qwenHookReader(),
    // Rules decide its PermissionRequest hook before a dialog shows (deny rules also its PreToolUse,
    // for calls that never ask); a dialog that shows anyway (the hook failed) is answered on the screen.
    decisionHook: QWEN_DECISION_HOOK,
  },
};
