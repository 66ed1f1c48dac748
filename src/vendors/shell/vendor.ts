import type { VendorDefinition } from '../vendor.js';

/** `wtp new shell`: the user's $SHELL (SHELL, default /bin/sh); nothing tells what it is doing. */
export const vendor: VendorDefinition = {
  order: 10,
  testedVersions: [],
  profile: {
    name: 'shell',
    vendor: null,
    binary: null,
    signals: ['process'],
    hooks: null,
    trust: null,
    resume: null,
    detector: null,
    // The user's shell: its startup files and prompt.
    env: ['ENV', 'BASH_ENV', 'ZDOTDIR', 'PS1', 'PS2', 'PROMPT_COMMAND', 'HISTFILE'],
    defaultArgs: [],
  },
};
