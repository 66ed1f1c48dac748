import type { VendorDefinition } from '../vendor.js';
import { opencodePermissions } from './modes.js';
import { OPENCODE_RULES } from './detectors.js';
import { readOpencodeHook } from './hooks.js';

/**
 * OpenCode (`opencode-ai`, the Bun binary of `opencode-linux-x64`) 1.18.33: a per-agent plugin
 * (setup.ts) forwards its bus events (`session.status`, `permission.asked`, `question.asked`,
 * `session.idle`) to the daemon as hook calls; recorded screens; resume by session id.
 */
export const vendor: VendorDefinition = {
  order: 70,
  testedVersions: ['1.18.33'],
  detectors: OPENCODE_RULES,
  profile: {
    name: 'opencode',
    // Any AI-SDK provider: whose quota it spends depends on its config.
    vendor: 'opencode',
    binary: 'opencode',
    install: 'npm i -g opencode-ai',
    signals: ['hook', 'screen', 'process'],
    hooks: 'a per-agent plugin (OPENCODE_CONFIG_CONTENT) that posts its events to the daemon',
    // No folder-trust dialog in 1.18.33.
    trust: null,
    resume: "--session <id> from the plugin's events",
    detector: 'opencode',
    // "Allow once   Allow always   Reject" (⇆ select, enter confirm); Allow always opens a second
    // stage, "Always allow … until OpenCode is restarted" with "Confirm   Cancel" (Confirm first).
    dialogs: {
      approve: ['enter'],
      always: { option: /\b(Allow always)\b/, keys: ['right', 'enter', 'enter'] },
      deny: ['esc'],
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
  },
};
