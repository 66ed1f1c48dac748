import type { VendorDefinition } from '../vendor.js';
import { AIDER_RULES } from './detectors.js';

/** Aider: screens only (its rules come from peers' patterns); it talks to many vendors' models. */
export const vendor: VendorDefinition = {
  order: 90,
  testedVersions: [],
  detectors: AIDER_RULES,
  profile: {
    name: 'aider',
    vendor: 'aider',
    binary: 'aider',
    install: 'python3 -m pip install aider-install && aider-install',
    // Sandboxed (docs/sandbox.md): the APIs it is most often run on (add yours to sandbox.hosts.aider).
    sandbox: {
      hosts: ['api.openai.com:443', 'api.anthropic.com:443'],
      baseUrlEnv: ['OPENAI_API_BASE', 'ANTHROPIC_BASE_URL'],
      state: [{ path: '~/.aider' }, { path: '~/.cache/aider' }],
    },
    signals: ['screen', 'process'],
    hooks: null,
    trust: null,
    resume: null,
    detector: 'aider',
    broadFlags: [['--yes-always'], ['--yes']],
    // Its own settings and the keys of the providers it talks to.
    env: [
      'AIDER_*',
      'OPENAI_*',
      'ANTHROPIC_*',
      'GEMINI_API_KEY',
      'OPENROUTER_API_KEY',
      'DEEPSEEK_API_KEY',
      'GROQ_API_KEY',
      'MISTRAL_API_KEY',
      'XAI_API_KEY',
      'OLLAMA_API_BASE',
    ],
    defaultArgs: [],
    modelArgs: (m) => ['--model', m],
  },
};
