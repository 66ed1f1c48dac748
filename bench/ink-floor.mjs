// The floor under the terminal UI's memory: a bare Ink app (the TUI's Ink and React) redrawing a
// full 120×40 screen of text every 50 ms — what Ink costs before any of the TUI's own code.
// Run by bench/tui-figures.ts in a PTY, with the flag `wtp tui` gets; argv[2]: the checkout.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { setInterval } from 'node:timers';
import { pathToFileURL } from 'node:url';

const require = createRequire(join(process.argv[2], 'package.json'));
const React = require('react');
const { render, Box, Text } = await import(pathToFileURL(require.resolve('ink')).href);
const h = React.createElement;

function Screen({ n }) {
  return h(
    Box,
    { flexDirection: 'column', width: 120, height: 39 },
    Array.from({ length: 38 }, (_, i) =>
      h(
        Text,
        { key: i, wrap: 'truncate' },
        `${i === n % 38 ? '▸' : ' '} ● agent-${i}  working  ${n}s  │ ${'why '.repeat(20)}`,
      ),
    ),
  );
}

const app = render(h(Screen, { n: 0 }), { patchConsole: false, exitOnCtrlC: false, maxFps: 60 });
let n = 0;
setInterval(() => app.rerender(h(Screen, { n: ++n })), 50);
