import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TempDirs } from '../../../test/support/adapters/temp-dirs.js';
import type { AgentNotification } from '../../core/reports/notifier.js';
import { DesktopNotifier } from './desktop-notifier.js';

const temp = new TempDirs();
let bin: string;
let record: string;

/** Writes a stand-in `name` (notify-send by default) into `bin` that runs `body` after recording its argv (NUL-separated). */
function standIn(body = 'exit 0', name = 'notify-send'): void {
  const script = join(bin, name);
  writeFileSync(script, `#!/bin/sh\nprintf '%s\\0' "$@" > '${record}'\n${body}\n`);
  chmodSync(script, 0o755);
}

const recorded = (): string[] => readFileSync(record, 'utf8').split('\0').slice(0, -1);

const n: AgentNotification = {
  agentId: 'ag-1',
  agent: 'api',
  workspace: 'app',
  from: 'working',
  state: 'needs_permission',
  reason: 'permission',
  title: '-api needs your permission',
  message: 'wants to use Bash: rm -rf "$HOME" `x` ; echo hi\nsecond line',
  urgency: 'critical',
  at: 0,
};

beforeEach(() => {
  bin = temp.make();
  record = join(temp.make(), 'argv');
});

afterEach(() => {
  temp.removeAll();
});

describe('DesktopNotifier', () => {
  it('runs notify-send from the given PATH with an argv array (no shell), urgency and app name', async () => {
    standIn();
    const d = new DesktopNotifier({ pathVar: `/nonexistent:${bin}` });
    expect(d.name).toBe('desktop');
    expect(d.available()).toBe(true);
    await d.send(n);
    expect(recorded()).toEqual([
      '--app-name=wezterm-parallel',
      '--urgency=critical',
      '--',
      n.title,
      n.message,
    ]);
    await d.send({ ...n, urgency: 'low' });
    expect(recorded()[1]).toBe('--urgency=low');
  });

  it('is unavailable without notify-send on the PATH, and then sends nothing, quietly', async () => {
    const d = new DesktopNotifier({ pathVar: bin });
    expect(d.available()).toBe(false);
    await expect(d.send(n)).resolves.toBeUndefined();
    expect(existsSync(record)).toBe(false);
  });

  it('looks for notify-send once', async () => {
    const d = new DesktopNotifier({ pathVar: bin });
    expect(d.available()).toBe(false);
    standIn(); // installed later: not seen by this instance
    expect(d.available()).toBe(false);
    await d.send(n);
    expect(existsSync(record)).toBe(false);
  });

  it('passes the environment it was given', async () => {
    standIn(`printf '%s' "$WTP_TEST_MARK" > '${record}.env'`);
    await new DesktopNotifier({ pathVar: bin, env: { WTP_TEST_MARK: 'dbus-here' } }).send(n);
    expect(readFileSync(`${record}.env`, 'utf8')).toBe('dbus-here');
  });

  it('rejects with the first stderr line when notify-send fails', async () => {
    standIn(`echo 'Cannot connect to the notification server' >&2; echo more >&2; exit 1`);
    await expect(new DesktopNotifier({ pathVar: bin }).send(n)).rejects.toThrow(
      'notify-send exited with 1: Cannot connect to the notification server',
    );
  });

  it('kills a notify-send that hangs past its timeout and rejects', async () => {
    standIn('exec sleep 30');
    await expect(new DesktopNotifier({ pathVar: bin, timeoutMs: 200 }).send(n)).rejects.toThrow(
      'notify-send timed out after 200 ms',
    );
  });

  describe('on macOS', () => {
    it('uses terminal-notifier when installed: each value its own argument, none read as an option', async () => {
      standIn('exit 0', 'terminal-notifier');
      standIn('exit 0', 'osascript');
      await new DesktopNotifier({ pathVar: bin, platform: 'darwin' }).send(n);
      expect(recorded()).toEqual([
        '-title',
        `\u200b${n.title}`, // "-api needs…" would read as the option -api
        '-message',
        n.message,
        '-group',
        'wezterm-parallel-ag-1',
        '-sound',
        'default',
      ]);
    });

    it('else osascript, with a fixed script: the text comes as arguments, never as AppleScript', async () => {
      standIn('exit 0', 'osascript');
      const d = new DesktopNotifier({ pathVar: bin, platform: 'darwin' });
      expect(d.available()).toBe(true);
      await d.send({ ...n, message: 'say "hi" \\ end tell\ndo shell script "touch /tmp/pwned"' });
      const argv = recorded();
      expect(argv.slice(0, 6)).toEqual([
        '-e',
        'on run argv',
        '-e',
        'display notification (item 2 of argv) with title (item 1 of argv)',
        '-e',
        'end run',
      ]);
      expect(argv.slice(6)).toEqual([
        '--',
        n.title,
        'say "hi" \\ end tell\ndo shell script "touch /tmp/pwned"',
      ]);
    });

    it('does not use notify-send there', () => {
      standIn();
      expect(new DesktopNotifier({ pathVar: bin, platform: 'darwin' }).available()).toBe(false);
    });
  });
});
