import type { VendorDefinition } from '../vendor.js';
import { GEMINI_RULES } from './detectors.js';

/** Gemini CLI 0.61.0: screen rules checked on screens recorded from the real CLI; hooks not wired yet. */
export const vendor: VendorDefinition = {
  order: 50,
  testedVersions: ['0.61.0'],
  detectors: GEMINI_RULES,
  profile: {
    name: 'gemini',
    vendor: 'google',
    binary: 'gemini',
    install: 'npm i -g @google/gemini-cli',
    signals: ['screen', 'process'],
    hooks: null,
    trust: null,
    resume: null,
    detector: 'gemini',
    defaultArgs: [],
    modelArgs: (m) => ['--model', m],
    permissionArgs: (m) => ['--approval-mode', m],
    permissionModes: ['default', 'auto_edit', 'plan', 'yolo'],
  },
};
