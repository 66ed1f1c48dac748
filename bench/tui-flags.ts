/** The V8 flags bin/wtp starts the terminal UI with (test/launcher.test.ts checks bin/wtp passes exactly these). */
export const TUI_NODE_FLAGS = ['--max-semi-space-size=2', '--max-old-space-size=64'];
