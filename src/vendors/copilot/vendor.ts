import { copilotTranscript, lastCopilotMessage } from './transcript.js';
import type { VendorDefinition } from '../vendor.js';
import { copilotPermissions } from './modes.js';
import { COPILOT_RULES } from './detectors.js';
import { COPILOT_DECISION_HOOK, readCopilotHook } from './hooks.js';

/**
 * GitHub Copilot CLI (run offline here with a bring-your-own provider: COPILOT_OFFLINE=true,
 * COPILOT_PROVIDER_BASE_URL): hooks from a per-agent `--plugin-dir` plugin (setup.ts), recorded
 * screens (Esc fires no hook: the screen tells that turn's end), resume by session id.
 */
export const vendor: VendorDefinition = {
  order: 80,
  testedVersions: ['1.0.102'],
  detectors: COPILOT_RULES,
  profile: {
    name: 'copilot',
    vendor: 'github',
    binary: 'copilot',
    install: 'npm i -g @github/copilot',
    // Sandboxed (docs/sandbox.md): GitHub's Copilot API and sign-in; $COPILOT_HOME and its unpacked package cache.
    sandbox: {
      hosts: ['api.githubcopilot.com:443', '*.githubcopilot.com:443', 'api.github.com:443', 'github.com:443'],
      baseUrlEnv: ['COPILOT_PROVIDER_BASE_URL'],
      state: [
        { path: '~/.copilot', env: 'COPILOT_HOME' },
        { path: '~/.cache/copilot', env: 'XDG_CACHE_HOME', sub: 'copilot' },
      ],
    },
    signals: ['hook', 'screen', 'process'],
    hooks: 'a per-agent --plugin-dir plugin whose hooks.json runs `wtp hook` (command hooks)',
    trust: 'trustedFolders += "<cwd>" in ~/.copilot/config.json ($COPILOT_HOME)',
    resume: '--resume <session_id> from the SessionStart hook (sent with the first prompt)',
    detector: 'copilot',
    // "❯ 1. Yes" / "2. Yes, and don't ask again for <cmd> in this repo" (a file operation: "… for
    // file operations when in this directory (<dir>)", an MCP tool: "… for tool "<t>" from "<server>"
    // in this directory (<dir>)", a URL: "… approve all URLs from "<origin>" for the rest of the
    // running session", a path: "… remember this path for this session") / "3. No, and tell Copilot
    // what to do differently (Esc to stop)". Option 1 is "Yes" in each, chosen by its number: on a
    // path's dialog the cursor starts on "remember this path" (seen), where Enter would grant more.
    // A key sent before the dialog is drawn lands in the prompt.
    dialogs: {
      approve: [{ raw: '1' }],
      always: { option: /^Yes, and (?:don't ask again|approve|always allow|remember)\b/, keys: 'number' },
      deny: ['esc'],
      denyMessage: 'prompt',
      // "Do you trust the files in this folder?": `1. Yes` / `2. Yes, and remember this folder …` / `3. No (Esc)`.
      trust: { approve: /^Yes$/, always: /^Yes, and remember this folder\b/, deny: /^No\b/ },
    },
    toolClasses: {
      Bash: ['shell', 'bash'],
      Write: ['write', 'create'],
      Edit: ['edit', 'str_replace_editor'],
      Read: ['view', 'read'],
      WebFetch: ['web_fetch'],
    },
    broadFlags: [['--allow-all-tools'], ['--allow-all'], ['--yolo'], ['--mode', 'autopilot']],
    // Its own settings and its GitHub sign-in (COPILOT_GITHUB_TOKEN, GH_TOKEN, GITHUB_TOKEN).
    env: ['COPILOT_*', 'GH_TOKEN', 'GITHUB_TOKEN', 'GH_HOST'],
    defaultArgs: [],
    modelArgs: (m) => ['--model', m],
    permissionArgs: (m) => ['--mode', m],
    resumeArgs: (id) => ['--resume', id],
    permissionModes: ['interactive', 'plan', 'autopilot'],
    permissions: copilotPermissions,
    readHook: readCopilotHook,
    // Its Stop hook brings no last_assistant_message (1.0.102, seen): the turn's last message is
    // read from its session's events.jsonl, which it flushes on a 100 ms timer of its own
    // (COPILOT_SESSIONFS_FLUSH_DEBOUNCE_MS): it can lag the hook.
    turnEnd: {
      waitMs: 1_000,
      from: 'its session file session-state/<session>/events.jsonl (assistant.message), at its Stop hook',
      transcript: {
        file: copilotTranscript,
        lastMessage: lastCopilotMessage,
        from: 'session file events.jsonl assistant.message',
      },
    },
    // Rules decide its permissionRequest hook before any dialog (the hook's `wtp hook --decide`);
    // a dialog that shows anyway (the hook failed) is left to the screen path and the user.
    decisionHook: COPILOT_DECISION_HOOK,
  },
};
