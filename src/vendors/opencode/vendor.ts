import type { VendorDefinition } from '../vendor.js';
import { opencodePermissions } from './modes.js';
import { OPENCODE_RULES } from './detectors.js';
import { readOpencodeHook } from './hooks.js';
import { opencodeUsage } from './usage.js';

/**
 * OpenCode (`opencode-ai`, the Bun binary of `opencode-linux-x64`) 1.18.33: a per-agent plugin
 * (setup.ts) forwards its bus events (`session.status`, `permission.asked`, `question.asked`,
 * `session.idle`) to the daemon as hook calls; recorded screens; resume by session id.
 */
export const vendor: VendorDefinition = {
  order: 70,
  usage: opencodeUsage,
  testedVersions: ['1.18.33'],
  detectors: OPENCODE_RULES,
  profile: {
    name: 'opencode',
    // Any AI-SDK provider: whose quota it spends depends on its config.
    vendor: 'opencode',
    binary: 'opencode',
    install: 'npm i -g opencode-ai',
    // Sandboxed (docs/sandbox.md): its model list and the providers it is configured with (add yours to
    // sandbox.hosts.opencode); its XDG folders and the npm cache it installs its plugin with.
    sandbox: {
      hosts: ['models.dev:443', 'opencode.ai:443', 'api.anthropic.com:443', 'api.openai.com:443'],
      state: [
        { path: '~/.local/share/opencode', env: 'XDG_DATA_HOME', sub: 'opencode' },
        { path: '~/.config/opencode', env: 'XDG_CONFIG_HOME', sub: 'opencode' },
        { path: '~/.local/state/opencode', env: 'XDG_STATE_HOME', sub: 'opencode' },
        { path: '~/.cache/opencode', env: 'XDG_CACHE_HOME', sub: 'opencode' },
      ],
    },
    signals: ['hook', 'screen', 'process'],
    hooks: 'a per-agent plugin (OPENCODE_CONFIG_CONTENT) that posts its events to the daemon',
    // No folder-trust dialog in 1.18.33.
    trust: null,
    // Of 1.18.33 TUIs started together on one data folder, one may stay blank for good: its worker
    // never starts (5 at once on a fresh HOME: one blank in 3 of 12 runs; in turn: none in 9).
    startsAlone: true,
    resume: "--session <id> from the plugin's events",
    detector: 'opencode',
    // "Allow once   Allow always   Reject" (⇆ select, enter confirm); Allow always opens a second
    // stage that says what it holds for: "This will allow <permission> until OpenCode is
    // restarted." (its pattern is `*`) or "This will allow the following patterns until OpenCode is
    // restarted" (no period) and the patterns ("- touch *"), with "Confirm   Cancel" (Confirm
    // first). Its Cancel goes back to the first stage drawn anew, Allow once selected; Esc there
    // rejects the request (its `escapeKey`), seen on 1.18.33.
    dialogs: {
      approve: ['enter'],
      // Right, then Enter: the Enter must come after the selection was drawn.
      keyGapMs: 400,
      always: {
        option: /\b(Allow always)\b/,
        keys: ['right', 'enter'],
        stage: {
          text: /This will allow (?:the following patterns|\S+) until OpenCode is restarted\.?(?:\n\s*- [^\n]+)*/,
          confirm: ['enter'],
          cancel: ['right', 'enter'],
        },
      },
      // Every edit (write, edit, patch: its `edit` permission) until OpenCode restarts: the
      // session's edits are no longer asked about, as an accept-edits mode.
      modeChange: [/^This will allow edit until\b/],
      deny: ['esc'],
      // A subagent's request: its Esc (Reject) opens "△ Reject permission" / "Tell OpenCode what to
      // do differently" (a message box; Enter confirms, Esc goes back), seen on 1.18.33.
      denyStage: {
        text: /△ Reject permission\n[\s┃]*Tell OpenCode what to do differently/u,
        confirm: ['enter'],
      },
      denyMessage: 'prompt',
    },
    toolClasses: {
      Bash: ['bash'],
      Write: ['write'],
      Edit: ['edit', 'patch'],
      Read: ['read', 'glob', 'grep', 'list'],
      WebFetch: ['webfetch'],
    },
    broadFlags: [['--dangerously-skip-permissions']],
    // Its own settings and the keys of the providers it talks to.
    env: [
      'OPENCODE_*',
      'ANTHROPIC_*',
      'OPENAI_*',
      'GEMINI_API_KEY',
      'GOOGLE_GENERATIVE_AI_API_KEY',
      'OPENROUTER_API_KEY',
      'GROQ_API_KEY',
      'DEEPSEEK_API_KEY',
      'XAI_API_KEY',
      'MISTRAL_API_KEY',
    ],
    defaultArgs: [],
    // `provider/model`, e.g. `anthropic/claude-sonnet-4-5`.
    modelArgs: (m) => ['--model', m],
    resumeArgs: (id) => ['--session', id],
    permissions: opencodePermissions,
    readHook: readOpencodeHook,
    // Our plugin sends the turn's last assistant text with session.idle.
    turnEnd: { waitMs: 1_000, from: "its plugin's session.idle (the last assistant message's text)" },
  },
};
