import type { VendorDefinition } from '../vendor.js';
import { COPILOT_RULES } from './detectors.js';

/**
 * GitHub Copilot CLI (shared/research vendor-clis.md §6): recorded screens so far; its settings
 * hooks (`$COPILOT_HOME/settings.json`) are the next signal to add.
 */
export const vendor: VendorDefinition = {
  order: 70,
  testedVersions: ['1.0.102'],
  detectors: COPILOT_RULES,
  profile: {
    name: 'copilot',
    vendor: 'github',
    binary: 'copilot',
    install: 'npm i -g @github/copilot',
    signals: ['screen', 'process'],
    hooks: null,
    trust: 'trustedFolders += "<cwd>" in ~/.copilot/config.json ($COPILOT_HOME)',
    resume: null,
    detector: 'copilot',
    defaultArgs: [],
    modelArgs: (m) => ['--model', m],
    permissionArgs: (m) => ['--mode', m],
    permissionModes: ['interactive', 'plan', 'autopilot'],
  },
};
