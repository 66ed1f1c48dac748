import type { VendorDefinition } from '../vendor.js';

/** `wtp new cmd -- <command> [args…]`: any command; nothing tells what it is doing. */
export const vendor: VendorDefinition = {
  order: 20,
  testedVersions: [],
  profile: {
    name: 'cmd',
    vendor: null,
    binary: null,
    signals: ['process'],
    hooks: null,
    trust: null,
    resume: null,
    detector: null,
    defaultArgs: [],
  },
};
