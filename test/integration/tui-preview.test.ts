import xtermHeadless from '@xterm/headless';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WtpClient } from '../../src/client/wtp-client.js';
import { lineToSgr } from '../../src/interfaces/tui/preview/cells-to-sgr.js';
import { PreviewTerminal } from '../../src/interfaces/tui/preview/preview-terminal.js';
import { eventually, TestHome } from '../support/harness.js';

const { Terminal } = xtermHeadless;

/** A headless terminal fed `data`, once it is parsed. */
async function fed(data: string, cols = 20): Promise<InstanceType<typeof Terminal>> {
  const t = new Terminal({ cols, rows: 4, allowProposedApi: true });
  await new Promise<void>((r) => t.write(data, r));
  return t;
}

describe('the preview line renderer', () => {
  it('keeps colours of every kind, cuts at the width, never halves a wide character', async () => {
    const t = await fed(
      '\x1b[31mred\x1b[0m \x1b[1;38;5;208mo\x1b[0m \x1b[48;2;1;2;3mbg\x1b[0m \x1b[7minv\x1b[0m 漢字ab',
    );
    const line = t.buffer.active.getLine(0);
    const cell = t.buffer.active.getNullCell();
    const colored = lineToSgr(line, 20, true, cell);
    expect(colored).toContain('\x1b[0;31mred');
    expect(colored).toContain('\x1b[0;1;38;5;208mo');
    expect(colored).toContain('\x1b[0;48;2;1;2;3mbg');
    expect(colored).toContain('\x1b[0;7minv');
    expect(lineToSgr(line, 20, false, cell)).toBe('red o bg inv 漢字ab');
    // 17 columns hold "red o bg inv " (13) and one wide character (2), not half of the next one.
    expect(lineToSgr(line, 16, false, cell)).toBe('red o bg inv 漢');
    expect(lineToSgr(line, 3, true, cell)).toBe('\x1b[0;31mred\x1b[0m');
  });
});

describe('the preview of an agent', () => {
  let home: TestHome;
  let client: WtpClient;
  beforeAll(async () => {
    home = new TestHome({ SHELL: '/bin/sh' });
    await home.up();
    client = new WtpClient({ socketPath: join(home.dir, 'run', 'api.sock') });
  });
  afterAll(() => home.cleanup());

  it('shows the bottom of the screen in colour at its own size, scrolls back, and sees the exit', async () => {
    await home.run([
      'new',
      'cmd',
      '--name',
      'printer',
      '--',
      'sh',
      '-c',
      'for i in $(seq 1 60); do printf "\\033[31mline %s\\033[0m %s\\n" $i $(printf "%090d" 0); done; read x',
    ]);
    let changes = 0;
    const preview = new PreviewTerminal(client, 'printer', {
      scrollbackBytes: 256 * 1024,
      onChange: () => changes++,
    });
    preview.start();
    try {
      // Output comes in chunks: "line 60" can be drawn before its newline is. Wait for the end state
      // (the last line printed above the cursor's row), not the first sight of its words.
      const lines = await eventually('the last line in the preview, then the cursor', () => {
        const l = preview.lines(40, 10, { color: true, scroll: 0 });
        return l.at(-2)?.includes('line 60') === true ? l : undefined;
      });
      expect(preview.status).toBe('live');
      await eventually('a repaint asked for', () => changes > 0);
      expect(lines).toHaveLength(10);
      // The bottom: the last line printed, then the cursor's (empty) row.
      expect(lines.at(-2)).toContain('\x1b[0;31mline 60');
      expect(lines.at(-1)).toBe('');
      for (const l of preview.lines(40, 10, { color: false, scroll: 0 }))
        expect([...l].length).toBeLessThanOrEqual(40);
      // The agent keeps its own size: the preview reads it, never resizes it.
      expect(preview.size).toEqual({ cols: 120, rows: 40 });
      const back = preview.lines(40, 10, { color: false, scroll: 30 });
      expect(back.at(-2)).toMatch(/^line 30 0+$/);
      expect(preview.maxScroll(10)).toBeGreaterThanOrEqual(50);
      expect(preview.lines(40, 10, { color: false, scroll: 10_000 })[0]).toMatch(/^line 1 /);
      await home.run(['send', 'printer', 'bye', '--enter']);
      await eventually('the exit in the preview', () => preview.status === 'exited');
    } finally {
      preview.close();
    }
    expect(preview.lines(40, 10, { color: false, scroll: 0 })).toEqual([]);
  });
});
