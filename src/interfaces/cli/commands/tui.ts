import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { latestSeq } from '../../../client/live-sources.js';
import { runAction } from '../run-action.js';

/**
 * Runs the terminal UI; its code (Ink, React) is loaded only here, so other commands start fast.
 * The fleet is asked for while that code loads (on a terminal only: elsewhere the TUI refuses).
 */
export async function startTui(ctx: CliContext): Promise<void> {
  const tty = ctx.in.isTTY && ctx.out.isTTY;
  const client = ctx.client();
  // The list after the sequence number: every event after it reaches the list (none is missed).
  const since = tty ? latestSeq(client) : undefined;
  const preload = since
    ? { since, agents: since.then(() => client.call('listAgents')).then((r) => r.agents) }
    : {};
  // Failures surface where the TUI awaits them (before it takes the screen), not as unhandled here.
  preload.since?.catch(() => undefined);
  preload.agents?.catch(() => undefined);
  const { runTui } = await withoutFetch(() => import('../../tui/run-tui.js'));
  await runTui(ctx, preload);
}

/**
 * Runs `load` with the global `fetch` out of sight. Ink's layout engine (yoga-layout) fetches its
 * WebAssembly from a data: URL when `fetch` exists, which loads Node's undici first: about 30 ms of
 * the TUI's ~165 ms import (`node --cpu-prof`); without `fetch` it decodes the same bytes itself.
 * Nothing else calls `fetch` meanwhile: the preload above goes over the unix socket with node:http.
 */
export async function withoutFetch<T>(load: () => Promise<T>): Promise<T> {
  const original = Object.getOwnPropertyDescriptor(globalThis, 'fetch');
  if (!original?.configurable) return load();
  Object.defineProperty(globalThis, 'fetch', { value: undefined, configurable: true, writable: true });
  try {
    return await load();
  } finally {
    Object.defineProperty(globalThis, 'fetch', original);
  }
}

export function registerTuiCommand(program: Command, ctx: CliContext): void {
  program
    .command('tui')
    .description(
      'the fleet in this terminal: live list, preview, approve, attach (`wtp` alone on a terminal)',
    )
    .action(() => runAction(ctx, false, () => startTui(ctx)));
}
