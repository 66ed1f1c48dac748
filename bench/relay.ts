import { nowMs, type Env } from './proc.js';
import { PtyTerminal } from './pty-terminal.js';

const READY_TIMEOUT_MS = 20_000;

/**
 * The least a Node process between a pane and an agent can do: raw mode on the pane, the
 * agent in a node-pty PTY of the pane's size, bytes copied both ways (pausing the agent on a
 * full pane, as the host does). No output log, no terminal emulator, no daemon link. It says
 * "ready" once in raw mode and spawns the agent on the first byte it reads (not forwarded; the
 * rest of that read is).
 */
function relayScript(nodePty: string): string {
  return [
    `const pty = require(${JSON.stringify(nodePty)});`,
    `const [file, ...args] = process.argv.slice(1);`,
    `let p = null;`,
    `process.stdin.setRawMode(true);`,
    `process.stdin.on('data', (d) => {`,
    `  if (p) return p.write(d);`,
    `  p = pty.spawn(file, args, { name: 'xterm-256color', cols: process.stdout.columns, ` +
      `rows: process.stdout.rows, cwd: process.cwd(), env: process.env, encoding: null });`,
    `  p.onData((data) => { if (!process.stdout.write(data)) p.pause(); });`,
    `  p.onExit(() => process.exit(0));`,
    // Keystrokes that came in the same read as the go byte.
    `  if (d.length > 1) p.write(d.subarray(1));`,
    `});`,
    `process.stdout.on('drain', () => p?.resume());`,
    `process.on('SIGTERM', () => { p?.kill('SIGKILL'); process.exit(0); });`,
    `process.stdout.write('ready\\r\\n')`,
  ].join('\n');
}

/** A relay running `argv`, in a PTY the benchmark owns (the relay's pane). */
export interface Relay {
  term: PtyTerminal;
  /** Starts the agent; returns the time just before the go byte was written. */
  go(): number;
}

export async function startRelay(
  nodePty: string,
  argv: readonly string[],
  o: { cwd: string; env: Env },
): Promise<Relay> {
  const term = new PtyTerminal(process.execPath, ['-e', relayScript(nodePty), '--', ...argv], o);
  try {
    await term.waitFor((t) => t.includes('ready'), READY_TIMEOUT_MS, 'relay start');
  } catch (err) {
    await term.close();
    throw err;
  }
  return {
    term,
    go: () => {
      const at = nowMs();
      term.write('g');
      return at;
    },
  };
}
