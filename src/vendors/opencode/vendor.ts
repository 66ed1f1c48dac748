import type { VendorDefinition } from '../vendor.js';
import { OPENCODE_RULES } from './detectors.js';

/**
 * OpenCode (`opencode-ai`, the Bun binary of `opencode-linux-x64`): recorded screens of 1.18.33.
 * Its strongest signal, the SSE event stream of `opencode --port` (`session.status`,
 * `permission.asked`, `question.asked`, `session.idle`), is not wired yet (issue 16).
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
    signals: ['screen', 'process'],
    hooks: null,
    // No folder-trust dialog in 1.18.33.
    trust: null,
    resume: null,
    detector: 'opencode',
    defaultArgs: [],
    // `provider/model`, e.g. `anthropic/claude-sonnet-4-5`.
    modelArgs: (m) => ['--model', m],
  },
};
