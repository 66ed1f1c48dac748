import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BENCH_PINS } from '../scripts/cli-pins.mjs';
import { sampleMemory } from './memory.js';
import { SETTLE_MS } from './memory-figures.js';
import { childrenOf, sleep } from './proc.js';
import { PtyTerminal } from './pty-terminal.js';
import { mib } from './stats.js';

/** What ccmanager's own process holds with 1 and with `count` idle sessions, in MiB. */
export type CcmanagerPss =
  { ok: true; at1: number; atN: number; count: number } | { ok: false; why: string; failed: boolean };

const STEP_MS = 30_000;

async function until(what: string, ok: () => boolean): Promise<void> {
  const deadline = Date.now() + STEP_MS;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`ccmanager: timed out waiting for ${what}`);
    await sleep(100);
  }
}

/**
 * ccmanager (the pinned Bun executable, BENCH_PINS) with `count` idle sessions running `command`,
 * one per worktree of a fresh repository, started as a user does: its menu's quick-select digit,
 * then Ctrl+E back to the menu. Its sessions' programs are not counted, as wtp's agents are not.
 * Digits select at most ten worktrees, so `count` is at most 10.
 */
export async function ccmanagerPss(command: readonly string[], count: number): Promise<CcmanagerPss> {
  const pin = BENCH_PINS.ccmanager;
  if (!existsSync(pin.bin))
    return {
      ok: false,
      why: 'ccmanager is not installed: run `node scripts/ensure-cli.mjs ccmanager`',
      failed: false,
    };
  if (count < 1 || count > 10) throw new Error('ccmanager: 1 to 10 sessions');
  const root = mkdtempSync(join(tmpdir(), 'wtp-bench-ccmanager-'));
  let tui: PtyTerminal | null = null;
  try {
    const home = join(root, 'home');
    const repo = join(root, 'repo');
    mkdirSync(join(home, '.config', 'ccmanager'), { recursive: true });
    mkdirSync(repo);
    const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, stdio: 'ignore' });
    git('init', '-q', '-b', 'main');
    writeFileSync(join(repo, 'README.md'), '# bench\n');
    git('add', '.');
    git('-c', 'user.name=bench', '-c', 'user.email=bench@example.invalid', 'commit', '-qm', 'start');
    for (let i = 1; i < count; i++) git('worktree', 'add', '-q', '-b', `w${i}`, join(root, `wt${i}`));
    const [file = 'sh', ...args] = command;
    writeFileSync(
      join(home, '.config', 'ccmanager', 'config.json'),
      JSON.stringify({
        commandPresets: { presets: [{ id: '1', name: 'bench', command: file, args }], defaultPresetId: '1' },
      }),
    );
    const t = new PtyTerminal(pin.bin, [], {
      cwd: repo,
      env: { PATH: process.env.PATH ?? '', HOME: home, TERM: 'xterm-256color' },
    });
    tui = t;
    // The worktrees are listed after the menu's header: a digit pressed before selects nothing.
    const last = count === 1 ? 'main (main)' : `w${count - 1} @ wt${count - 1}`;
    const menu = (): Promise<number> => t.waitFor((s) => s.includes(last), STEP_MS, 'ccmanager menu', 65_536);
    await menu();
    const sessions = () =>
      childrenOf(t.pid).filter((c) => c.cmd.startsWith(`${file}\0`) || c.cmd.startsWith('sleep\0'));
    let at1 = 0;
    for (let i = 0; i < count; i++) {
      t.write(String(i));
      await until(`session ${i + 1}`, () => sessions().length === i + 1);
      // Its program draws, then the menu comes back (Ctrl+E) with the session running behind it.
      await sleep(500);
      const back = menu();
      t.write('\x05');
      await back;
      if (i === 0) {
        await sleep(SETTLE_MS);
        at1 = mib(sampleMemory(t.pid).pssBytes);
      }
    }
    await sleep(SETTLE_MS);
    return { ok: true, at1, atN: mib(sampleMemory(t.pid).pssBytes), count };
  } finally {
    await tui?.close();
    rmSync(root, { recursive: true, force: true });
  }
}
