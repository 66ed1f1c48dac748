import type { VendorDefinition } from '../vendor.js';
import { geminiPermissions } from './modes.js';
import { GEMINI_RULES } from './detectors.js';
import { GEMINI_DECISION_HOOK, readGeminiHook } from './hooks.js';

/**
 * Gemini CLI 0.61.0 (/work/shared/research/vendor-clis.md §3): settings-file command hooks from
 * a per-agent GEMINI_CLI_HOME (setup.ts), screen rules checked on screens recorded from the real
 * CLI, resume by the session id every hook payload carries.
 */
export const vendor: VendorDefinition = {
  order: 50,
  testedVersions: ['0.61.0'],
  detectors: GEMINI_RULES,
  profile: {
    name: 'gemini',
    vendor: 'google',
    binary: 'gemini',
    install: 'npm i -g @google/gemini-cli',
    signals: ['hook', 'screen', 'process'],
    hooks:
      "command hooks (wtp hook) in a per-agent GEMINI_CLI_HOME: the user's settings plus ours, the rest linked",
    trust: '--skip-trust (that process only)',
    resume: '--resume <session_id> from its hooks',
    detector: 'gemini',
    // "● 1. Allow once" / "2. Allow for this session" / "3. No, suggest changes (esc)".
    dialogs: {
      approve: ['enter'],
      always: { option: /^Allow for this session\b/, keys: 'number' },
      deny: ['esc'],
      denyMessage: 'prompt',
    },
    toolClasses: {
      Bash: ['run_shell_command'],
      Write: ['write_file'],
      Edit: ['replace'],
      Read: ['read_file', 'read_many_files', 'glob', 'search_file_content', 'list_directory'],
      WebFetch: ['web_fetch'],
    },
    broadFlags: [['--yolo'], ['-y'], ['--approval-mode', 'yolo'], ['--approval-mode=yolo']],
    defaultArgs: [],
    modelArgs: (m) => ['--model', m],
    permissionArgs: (m) => ['--approval-mode', m],
    resumeArgs: (id) => ['--resume', id],
    permissionModes: ['default', 'auto_edit', 'plan', 'yolo'],
    permissions: geminiPermissions,
    readHook: readGeminiHook,
    // Deny rules decide its BeforeTool hook (no dialog shows); allow rules answer its dialog on the
    // screen (the hook cannot approve).
    decisionHook: GEMINI_DECISION_HOOK,
  },
};
