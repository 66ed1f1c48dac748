/** Packages Ink imports that the terminal UI replaces (used by scripts/build.mjs and test/bundle.test.ts). */
export const TUI_ALIASES = {
  'react-devtools-core': './src/interfaces/tui/stubs/react-devtools-core.ts',
  'is-in-ci': './src/interfaces/tui/stubs/is-in-ci.ts',
};
