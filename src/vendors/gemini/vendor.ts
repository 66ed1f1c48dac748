import type { VendorDefinition } from '../vendor.js';
import { geminiUsage } from './usage.js';
import { geminiPermissions } from './modes.js';
import { GEMINI_RULES } from './detectors.js';
import { GEMINI_DECISION_HOOK, geminiHookReader } from './hooks.js';

/**
 * Gemini CLI 0.61.0 (/work/shared/research/vendor-clis.md §3): settings-file command hooks from
 * a per-agent GEMINI_CLI_HOME (setup.ts), screen rules checked on screens recorded from the real
 * CLI, resume by the session id every hook payload carries.
 */
export const vendor: VendorDefinition = {
  order: 50,
  usage: geminiUsage,
  testedVersions: ['0.61.0'],
  detectors: GEMINI_RULES,
  profile: {
    name: 'gemini',
    vendor: 'google',
    binary: 'gemini',
    install: 'npm i -g @google/gemini-cli',
    // Sandboxed (docs/sandbox.md): the Gemini API and Code Assist's; ~/.gemini (its per-agent home links to it).
    sandbox: {
      hosts: [
        'generativelanguage.googleapis.com:443',
        'cloudcode-pa.googleapis.com:443',
        'oauth2.googleapis.com:443',
      ],
      baseUrlEnv: ['GOOGLE_GEMINI_BASE_URL'],
      state: [{ path: '~/.gemini', env: 'GEMINI_CLI_HOME', sub: '.gemini' }],
      agentDirs: ['gemini-home'],
    },
    signals: ['hook', 'screen', 'process'],
    hooks:
      "command hooks (wtp hook) in a per-agent GEMINI_CLI_HOME: the user's settings plus ours, the rest linked",
    trust: '--skip-trust (that process only)',
    resume: '--resume <session_id> from its hooks (once the session has had a prompt)',
    detector: 'gemini',
    // "● 1. Allow once" / "2. Allow for this session" / "3. No, suggest changes (esc)"; an MCP
    // tool's "2. Allow tool for this session" / "3. Allow all server tools for this session".
    dialogs: {
      approve: ['enter'],
      always: { option: /^Allow (?:tool )?for this session\b/, keys: 'number' },
      // On a write or an edit ("Apply this change?") it also switches the session to auto-edit
      // (0.61.0 `isAutoEditTransition`: ProceedAlways on write_file or replace): every later edit
      // runs unasked. On a shell command it only allows that command's root for the session.
      modeChange: [{ option: /^Allow for this session$/, dialog: /^Apply this change\?/ }],
      deny: ['esc'],
      denyMessage: 'prompt',
      // "Do you trust the files in this folder?" (security.folderTrust.enabled, agents.preTrust
      // off): "● 1. Trust folder (<dir>)" / "2. Trust parent folder (<parent>)" / "3. Don't trust";
      // trusting is remembered (trustedFolders.json), Esc exits.
      // Chosen by number: arrows sent as the dialog mounts were dropped (seen under load).
      trust: { approve: /^Trust folder\b/, deny: /^Don't trust$/, keys: 'number' },
    },
    toolClasses: {
      Bash: ['run_shell_command'],
      Write: ['write_file'],
      Edit: ['replace'],
      Read: ['read_file', 'read_many_files', 'glob', 'search_file_content', 'list_directory'],
      WebFetch: ['web_fetch'],
    },
    broadFlags: [['--yolo'], ['-y'], ['--approval-mode', 'yolo'], ['--approval-mode=yolo']],
    // Its API key, base URL, home and settings; Vertex AI's project and credentials.
    env: [
      'GEMINI_*',
      'GOOGLE_API_KEY',
      'GOOGLE_GEMINI_BASE_URL',
      'GOOGLE_GENAI_*',
      'GOOGLE_CLOUD_PROJECT',
      'GOOGLE_CLOUD_LOCATION',
      'GOOGLE_APPLICATION_CREDENTIALS',
    ],
    defaultArgs: [],
    modelArgs: (m) => ['--model', m],
    permissionArgs: (m) => ['--approval-mode', m],
    resumeArgs: (id) => ['--resume', id],
    permissionModes: ['default', 'auto_edit', 'plan', 'yolo'],
    permissions: geminiPermissions,
    readHook: geminiHookReader(),
    // The AfterAgent hook that ends the turn carries its last message.
    turnEnd: { waitMs: 1_000, from: "its AfterAgent hook's prompt_response" },
    // Deny rules decide its BeforeTool hook (no dialog shows); allow rules answer its dialog on the
    // screen (the hook cannot approve).
    decisionHook: GEMINI_DECISION_HOOK,
  },
};
