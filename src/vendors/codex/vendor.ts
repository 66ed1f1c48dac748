import type { VendorDefinition } from '../vendor.js';
import { CODEX_RULES } from './detectors.js';

/** Codex CLI (docs/research/codex-0.169.0.md): OSC 7501 status records and recorded screens. */
export const vendor: VendorDefinition = {
  order: 40,
  testedVersions: ['0.169.0'],
  detectors: CODEX_RULES,
  profile: {
    name: 'codex',
    vendor: 'openai',
    binary: 'codex',
    install: 'npm i -g @openai/codex',
    // Codex 0.169 writes OSC 7501 records unasked (docs/research/codex-0.169.0.md). Its `notify`
    // hook is not used: it also fires for the side request that names the task, mid-turn.
    signals: ['status', 'screen', 'process'],
    hooks: null,
    trust: 'projects."<cwd>".trust_level = "trusted" in ~/.codex/config.toml',
    resume: null,
    detector: 'codex',
    // Main screen (easier to read); no background app-server daemon that outlives the agent.
    defaultArgs: ['--no-alt-screen', '--no-daemon'],
    modelArgs: (m) => ['--model', m],
    permissionArgs: (m) => ['--ask-for-approval', m],
    permissionModes: ['on-request', 'never'],
    // It reports a short working → idle pair at startup and (research notes) around its task-title
    // request: idle must hold before a working agent is called idle.
    idleSettleMs: 1_500,
  },
};
