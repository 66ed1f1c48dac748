import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN } from './harness.js';
import { recordDirectCliStart } from './cli-starts.js';

/**
 * Decision-hook probes: how a real agent CLI reads what a hook prints and how it exits, the
 * contract a decision channel stands on (issue 29). Each case is one hook command; the CLI runs it
 * for one tool call, and what came of the call tells what the CLI made of the hook.
 */
export interface HookCase {
  /** What the case shows, for the test's name. */
  what: string;
  /** The hook's shell command (bash). */
  command: string;
  /**
   * What must come of the tool call: `denied` or `allowed` by the hook, or `on` — the CLI goes on
   * as without a decision (its own rules and mode decide; its dialog shows if it asks).
   */
  expect: 'denied' | 'allowed' | 'on';
}

/** The hook timeout the probes set (seconds): a case that sleeps longer outlives it. */
export const PROBE_TIMEOUT_S = 5;

/** `wtp hook --agent ag-probe --decide` as the vendors' setups write it (with no daemon to answer). */
export const DECIDE_COMMAND = `'${process.execPath}' '${BIN}' hook --agent ag-probe --decide 2>/dev/null || true`;

/** The hook outputs and failures every decision channel must survive, and the deny it must carry. */
export const FAILURES: readonly HookCase[] = [
  { what: 'no output, exit 0', command: 'cat >/dev/null', expect: 'on' },
  { what: '`{}`', command: `cat >/dev/null; echo '{}'`, expect: 'on' },
  { what: 'junk on stdout, exit 0', command: 'cat >/dev/null; echo junk', expect: 'on' },
  { what: 'junk on stdout, exit 1', command: 'cat >/dev/null; echo junk; exit 1', expect: 'on' },
  { what: 'no output, exit 1', command: 'cat >/dev/null; exit 1', expect: 'on' },
  {
    what: 'JSON cut short, exit 0',
    command: `cat >/dev/null; printf '{"decision":"deny","reason":"x"'`,
    expect: 'on',
  },
  {
    what: 'a hook that outlives its timeout',
    command: 'cat >/dev/null; sleep 30',
    expect: 'on',
  },
  {
    what: '`wtp hook --decide` with the daemon down (connection refused)',
    command: DECIDE_COMMAND,
    expect: 'on',
  },
];

/**
 * Runs one program to its end, with `env`, in `cwd`, in a process group of its own: killed (the
 * whole group: a CLI that relaunches itself leaves a child) after `timeoutMs`, and whatever of the
 * group is left once it ended.
 */
export function runToEnd(
  argv: string[],
  opts: { env: NodeJS.ProcessEnv; cwd: string; timeoutMs: number },
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  recordDirectCliStart(argv[0] as string);
  return new Promise((resolve) => {
    const child = spawn(argv[0] as string, argv.slice(1), {
      env: opts.env,
      cwd: opts.cwd,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const killGroup = (): void => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    const timer = setTimeout(killGroup, opts.timeoutMs);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('close', (code) => {
      clearTimeout(timer);
      killGroup();
      resolve({ code, stdout, stderr });
    });
  });
}

/**
 * One hook command for all the cases, so that one CLI process runs them one after the other: the
 * tool call of case N is `touch ran-N.txt`, and the command runs case N's script (written to `dir`)
 * with the hook's stdin.
 */
export function dispatchingHook(dir: string, cases: readonly HookCase[]): string {
  mkdirSync(dir, { recursive: true });
  cases.forEach((c, i) => writeFileSync(join(dir, `case-${i}.sh`), `${c.command}\n`));
  return `input=$(cat); n=$(printf '%s' "$input" | grep -o 'ran-[0-9]*' | head -n 1 | cut -d- -f2); printf '%s' "$input" | bash '${dir}'/case-$n.sh`;
}

/**
 * Runs a CLI that speaks stream-json on stdin and stdout (Qwen Code's `--input-format stream-json`)
 * to the end of one turn: `first` are the lines written first; every `control_request` it sends
 * (a permission it asks for: its dialog, headless) is answered by `answer` and kept. Ends its stdin
 * at the turn's `result`; its process group is killed after `timeoutMs` and once it ended.
 */
export function runStreamJson(
  argv: string[],
  opts: { env: NodeJS.ProcessEnv; cwd: string; timeoutMs: number },
  first: readonly unknown[],
  answer: (request: Record<string, unknown>) => unknown,
): Promise<{ code: number | null; asked: Record<string, unknown>[]; stderr: string }> {
  recordDirectCliStart(argv[0] as string);
  return new Promise((resolve) => {
    const child = spawn(argv[0] as string, argv.slice(1), {
      env: opts.env,
      cwd: opts.cwd,
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const killGroup = (): void => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    const timer = setTimeout(killGroup, opts.timeoutMs);
    const asked: Record<string, unknown>[] = [];
    let stderr = '';
    let pending = '';
    const send = (msg: unknown): void => {
      if (!child.stdin.destroyed) child.stdin.write(`${JSON.stringify(msg)}\n`);
    };
    child.stdin.on('error', () => {});
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.stdout.on('data', (c: Buffer) => {
      pending += c.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        let msg: Record<string, unknown>;
        try {
          msg = JSON.parse(line) as Record<string, unknown>;
        } catch {
          continue;
        }
        if (msg.type === 'control_request') {
          asked.push(msg);
          send(answer(msg));
        } else if (msg.type === 'result') {
          child.stdin.end();
        }
      }
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      killGroup();
      resolve({ code, asked, stderr });
    });
    for (const msg of first) send(msg);
  });
}
