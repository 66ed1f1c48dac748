import { startPaneHost } from './pane-host.js';
import { nowMs } from './proc.js';
import { PtyTerminal } from './pty-terminal.js';
import { startRelay, type Relay } from './relay.js';
import type { RepoPaths } from './repo-paths.js';
import { latencyBaseline, latencyResult, progress, ratio, type BenchResult } from './report.js';
import { summarize } from './stats.js';

const ECHO_TIMEOUT_MS = 5_000;
const SPAWN_TIMEOUT_MS = 10_000;
/** Keystrokes per line: then Enter, so that cat's cooked-mode line never fills up. */
const BATCH = 50;
const TARGET_RATIO = 1.5;
/** Sub-millisecond figures: statistics in thousandths of a ms. */
const DIGITS = 3;

/** One batch: BATCH times `x` → its echo, then Enter and the line cat prints back (not timed). */
async function batch(term: PtyTerminal, out: number[] | null): Promise<void> {
  for (let i = 0; i < BATCH; i++) {
    const echoed = term.waitFor((t) => t.includes('x'), ECHO_TIMEOUT_MS, 'keystroke echo');
    const t0 = nowMs();
    term.write('x');
    const at = await echoed;
    out?.push(at - t0);
  }
  // Echo of Enter, then cat's copy of the line; a pane in raw mode may add a \r before each \n.
  const line = new RegExp(`\\r+\\n(?:\\r*\\n)*x{${BATCH}}\\r+\\n$`);
  const flushed = term.waitFor((t) => line.test(t), ECHO_TIMEOUT_MS, 'line from cat');
  term.write('\r');
  await flushed;
}

/**
 * Figure host.echoLatency: one byte written to the pane's PTY → the same byte back on it,
 * through the real host (pane mode, stand-in daemon) running `cat`, against `cat` in a
 * bare PTY; batches alternate between the two.
 */
export async function measureEchoLatency(paths: RepoPaths, samples: number): Promise<BenchResult> {
  const host = await startPaneHost(paths, 'echo-host');
  const o = { cwd: host.home, env: host.env };
  let bare: PtyTerminal | null = null;
  let relay: Relay | null = null;
  try {
    host.daemon.spawn(host.spec(['/bin/cat']));
    await host.daemon.next('spawned', SPAWN_TIMEOUT_MS);
    bare = new PtyTerminal('/bin/cat', [], o);
    relay = await startRelay(paths.nodePty, ['/bin/cat'], o);
    relay.go();
    const terms = [host.term, relay.term, bare];
    // Warm-up (not recorded): the host loads its terminal emulator after the spawn; JIT everywhere.
    for (let i = 0; i < 2; i++) for (const t of terms) await batch(t, null);
    const runs: [number[], number[], number[]] = [[], [], []];
    while (runs[0].length < samples) for (const [i, t] of terms.entries()) await batch(t, runs[i] ?? null);
    const [viaHost, viaRelay, viaBare] = runs;
    const h = summarize(viaHost, DIGITS);
    const b = summarize(viaBare, DIGITS);
    const rl = latencyBaseline(
      '(b) the same through a minimal Node relay in the pane (raw mode, node-pty, bytes copied both ways; ' +
        'no log, emulator or daemon link)',
      viaRelay,
      DIGITS,
    );
    progress(`echo: host p50 ${h.p50} ms (p90 ${h.p90}), relay p50 ${rl.p50} ms, bare PTY p50 ${b.p50} ms`);
    const r = latencyResult({
      samples: viaHost,
      digits: DIGITS,
      baseline: latencyBaseline(
        '(a) `/bin/cat` in a bare node-pty PTY owned by the benchmark, same write → echo',
        viaBare,
        DIGITS,
      ),
      note:
        'Keystroke round trip through the host in a pane: the benchmark owns a node-pty PTY whose ' +
        'program is the real `node dist/wtp.js host --agent … --socket … --log-dir … --pane` (so the ' +
        "benchmark is the pane's terminal); a stand-in daemon in the benchmark process speaks the host " +
        'protocol (frames.ts) on its own socket: welcome, then spawn of `/bin/cat` with the complete ' +
        'environment; it reads every OUTPUT frame and acks once a second. Sample = time from writing ' +
        '"x" to the pane PTY until a chunk holding "x" is read back from it (host stdin → agent PTY, ' +
        'whose cooked-mode echo the host copies to its stdout after appending it to its output log, its ' +
        'terminal emulator and the daemon stream). Enter after every ' +
        `${BATCH} keystrokes (not timed) so cat's line never fills; batches rotate host, (b) and (a); ` +
        `two unrecorded batches of each first. Clock: performance.now() in the benchmark.`,
      extra: { batch: BATCH },
    });
    return {
      ...r,
      otherBaselines: [{ ...rl, ratio: ratio(h.p50, rl.value) }],
      target: `< ${TARGET_RATIO}x baseline (a) p50; the ratio to (b) is in otherBaselines`,
      meetsTarget: (r.ratio ?? Number.NaN) < TARGET_RATIO,
    };
  } finally {
    await relay?.term.close();
    await bare?.close();
    await host.close();
  }
}
