import type { VendorDefinition } from '../vendor.js';
import { QWEN_RULES } from './detectors.js';

/**
 * Qwen Code (/work/shared/research/vendor-clis.md §4): recorded screens of 0.24.4 so far; its
 * settings-file hooks (PermissionRequest, Notification permission_prompt/idle_prompt, Stop) are
 * the next signal to wire (setup.ts).
 */
export const vendor: VendorDefinition = {
  order: 60,
  testedVersions: ['0.24.4'],
  detectors: QWEN_RULES,
  profile: {
    name: 'qwen',
    vendor: 'qwen',
    binary: 'qwen',
    install: 'npm i -g @qwen-code/qwen-code',
    signals: ['screen', 'process'],
    hooks: null,
    trust: null,
    resume: null,
    detector: 'qwen',
    // Its default approval mode is `auto` (an LLM classifier that makes extra model calls): the
    // tests pass `--approval-mode default` through permissionArgs.
    defaultArgs: [],
    modelArgs: (m) => ['--model', m],
    permissionArgs: (m) => ['--approval-mode', m],
    permissionModes: ['default', 'plan', 'auto-edit', 'auto', 'yolo'],
  },
};
