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
    signals: ['screen', 'process'],
    hooks: null,
    trust: null,
    resume: null,
    detector: 'aider',
    broadFlags: [['--yes-always'], ['--yes']],
    defaultArgs: [],
    modelArgs: (m) => ['--model', m],
  },
};
