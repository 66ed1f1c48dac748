import pty from 'node-pty';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliOutputSchemas } from '../../src/protocol/cli-output.js';
import { BIN, eventually, TestHome } from '../support/harness.js';

describe('wtp attach', () => {
  let home: TestHome;
  beforeAll(async () => {
    home = new TestHome({ SHELL: '/bin/sh' });
    await home.up();
    await home.run(['new', 'shell', '--name', 'sh']);
    await home.run(['send', 'sh', 'echo ready-before-attach', '--enter']);
  });
  afterAll(() => home.cleanup());

  it('shows the screen, passes keystrokes and resizes, and detaches with Ctrl-] leaving the agent running', async () => {
    // A real terminal: `wtp attach` runs in a PTY, as it would in a user's terminal.
    const term = pty.spawn(process.execPath, [BIN, 'attach', 'sh'], {
      cols: 100,
      rows: 30,
      env: home.env as Record<string, string>,
      name: 'xterm-256color',
    });
    let screen = '';
    term.onData((d) => (screen += d));
    const exited = new Promise<number>((r) => term.onExit(({ exitCode }) => r(exitCode)));

    await eventually('the snapshot of the current screen', () => screen.includes('ready-before-attach'));
    term.write('echo typed-through-attach $((2 + 3))\r');
    await eventually('the echo of typed input', () => screen.includes('typed-through-attach 5'));
    const resized = await eventually('the agent to take the attach terminal size', async () => {
      const p = cliOutputSchemas.peek.parse((await home.json(['peek', 'sh'])).doc);
      return p.screen.cols === 100 && p.screen.rows === 30 ? p : undefined;
    });
    expect(resized.screen.lines.join('\n')).toContain('typed-through-attach 5');

    term.write('\x1d'); // Ctrl-]
    expect(await exited).toBe(0);
    expect(screen).toContain('detached from sh');
    const ls = cliOutputSchemas.ls.parse((await home.json(['ls'])).doc);
    expect(ls.agents[0]?.state).toBe('running');
    const ev = (await home.run(['events', '--type', 'agent.attached,agent.detached', '--json'])).stdout
      .trim()
      .split('\n');
    expect(ev.map((l) => cliOutputSchemas.event.parse(JSON.parse(l)).event.type)).toEqual([
      'agent.attached',
      'agent.detached',
    ]);
    // What was typed is audited a line at a time, like the dashboard's terminal (the detach key is not typed).
    const typed = (await home.run(['events', '--type', 'agent.inputSent', '--json'])).stdout
      .trim()
      .split('\n')
      .map((l) => cliOutputSchemas.event.parse(JSON.parse(l)).event)
      .flatMap((e) => (e.type === 'agent.inputSent' && e.data.via === 'cli-attach' ? [e.data.text] : []));
    expect(typed).toEqual(['echo typed-through-attach $((2 + 3))']);
  });

  it('refuses to attach without a terminal', async () => {
    const r = await home.run(['attach', 'sh']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('[ATTACH_NOT_TTY]');
  });

  it('rejects an unknown detach key', async () => {
    const r = await home.run(['attach', 'sh', '--detach-key', 'alt-x']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--detach-key');
  });
});
