import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import type { AgentNotification, NotificationChannel } from '../../core/reports/notifier.js';
import type { Logger } from '../../core/ports/daemon.js';
import type { NotifyCommandEnvName } from '../../protocol/notify-env.js';

/** What a started command looks like to the channel (a ChildProcess, or a fake in tests). */
export interface SpawnedCommand {
  readonly pid?: number | undefined;
  readonly stdout: Readable | null;
  readonly stderr: Readable | null;
  once(event: 'exit', listener: () => void): this;
  /** The process ended and its output streams closed. */
  once(event: 'close', listener: (code: number | null, signal: NodeJS.Signals | null) => void): this;
  once(event: 'error', listener: (err: Error) => void): this;
}

/** Starts `file` with `args` (never a shell) in a process group of its own. */
export type CommandSpawner = (file: string, args: string[], env: Record<string, string>) => SpawnedCommand;

/** Sends `signal` to the process group `pgid`. */
export type GroupKiller = (pgid: number, signal: 'SIGTERM' | 'SIGKILL') => void;

export interface CommandNotifierOptions {
  /** The program and its arguments, as configured (`notifications.command.argv`). */
  argv: readonly string[];
  /** States that run it (`notifications.command.states`). */
  states: readonly string[];
  /** After this, the command's process group gets SIGTERM, and SIGKILL `killGraceMs` later. */
  timeoutMs: number;
  killGraceMs?: number;
  /** Environment the command starts from (the daemon's, as agents get it); WTP_* are laid over it. */
  env: Record<string, string>;
  /** Where the command's output goes (bounded). */
  log: Logger;
  spawn?: CommandSpawner;
  killGroup?: GroupKiller;
}

const DEFAULT_KILL_GRACE_MS = 2_000;
/** Bytes of stdout and of stderr kept for the daemon log. */
const MAX_OUTPUT = 4_096;

const nodeSpawn: CommandSpawner = (file, args, env) =>
  spawn(file, args, { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });

const nodeKillGroup: GroupKiller = (pgid, signal) => {
  try {
    process.kill(-pgid, signal);
  } catch {
    // ESRCH: the group is gone already
  }
};

/** The variables a notification command gets: every one of `NOTIFY_COMMAND_ENV_VARS` (docs/environment.md). */
export function commandEnv(n: AgentNotification): Record<string, string> {
  const vars: Record<NotifyCommandEnvName, string | number | null | undefined> = {
    WTP_AGENT_ID: n.agentId,
    WTP_AGENT_NAME: n.agent,
    WTP_WORKSPACE: n.workspace,
    WTP_STATE: n.state,
    WTP_OLD_STATE: n.from,
    WTP_REASON: n.reason,
    WTP_EVIDENCE: n.evidence,
    WTP_EVENT_SEQ: n.seq,
    WTP_EXIT_CODE: n.exitCode,
    WTP_SIGNAL: n.signal,
    WTP_TITLE: n.title,
    WTP_MESSAGE: n.message,
    WTP_URGENCY: n.urgency,
    WTP_AT: new Date(n.at).toISOString(),
  };
  const out: Record<string, string> = {};
  // No NUL can reach a program's environment; absent values are absent, not empty.
  for (const [k, v] of Object.entries(vars))
    if (v !== undefined && v !== null) out[k] = String(v).replaceAll('\0', '');
  return out;
}

/** Keeps the first MAX_OUTPUT bytes of a stream and counts the rest. */
function collect(stream: Readable | null): { text: () => string } {
  const chunks: Buffer[] = [];
  let kept = 0;
  let dropped = 0;
  stream?.on('data', (b: Buffer) => {
    const room = MAX_OUTPUT - kept;
    if (room > 0) chunks.push(b.subarray(0, room));
    kept += Math.min(room, b.length);
    dropped += Math.max(0, b.length - room);
  });
  stream?.on('error', () => undefined);
  return {
    text: () => Buffer.concat(chunks).toString('utf8') + (dropped > 0 ? `… (${dropped} more bytes)` : ''),
  };
}

/**
 * A notification channel of the user's own: runs `argv` (no shell) with the agent and the state
 * change in WTP_* variables. A command that outlives `timeoutMs` has its process group killed
 * (it is ours: SIGTERM, SIGKILL after the grace); a non-zero exit, a signal or a failed start
 * rejects (the Notifier logs and counts it). Output goes to the daemon log, bounded.
 */
export class CommandNotifier implements NotificationChannel {
  readonly name = 'command' as const;
  readonly states: readonly string[];
  private readonly running = new Set<number>();

  constructor(private readonly o: CommandNotifierOptions) {
    this.states = o.states;
  }

  send(n: AgentNotification): Promise<void> {
    const [file, ...args] = this.o.argv;
    if (file === undefined) return Promise.resolve();
    const kill = this.o.killGroup ?? nodeKillGroup;
    const child = (this.o.spawn ?? nodeSpawn)(file, args, { ...this.o.env, ...commandEnv(n) });
    const stdout = collect(child.stdout);
    const stderr = collect(child.stderr);
    return new Promise<void>((resolve, reject) => {
      const pid = child.pid;
      let exited = false;
      let timedOut = false;
      let killTimer: ReturnType<typeof setTimeout> | undefined;
      // Whatever still runs in its group then is killed, even after the command itself exited
      // (a child left holding its output open); the streams are let go with the SIGKILL.
      const timer =
        pid === undefined
          ? undefined
          : setTimeout(() => {
              timedOut = !exited;
              kill(pid, 'SIGTERM');
              killTimer = setTimeout(() => {
                kill(pid, 'SIGKILL');
                child.stdout?.destroy();
                child.stderr?.destroy();
              }, this.o.killGraceMs ?? DEFAULT_KILL_GRACE_MS);
            }, this.o.timeoutMs);
      if (pid !== undefined) this.running.add(pid);
      child.once('exit', () => {
        exited = true;
      });
      child.once('error', (err) => {
        clearTimeout(timer);
        clearTimeout(killTimer);
        if (pid !== undefined) this.running.delete(pid);
        reject(new Error(`command ${file} could not start: ${err.message}`));
      });
      child.once('close', (code, signal) => {
        clearTimeout(timer);
        if (!timedOut) clearTimeout(killTimer); // a timed-out group still gets its SIGKILL
        if (pid !== undefined) this.running.delete(pid);
        const out = { stdout: stdout.text(), stderr: stderr.text() };
        if (out.stdout !== '' || out.stderr !== '') {
          const at = { channel: 'command', agentId: n.agentId, state: n.state, exitCode: code, signal };
          this.o.log.info({ ...at, ...out }, 'notification command output');
        }
        if (timedOut) reject(new Error(`command ${file} timed out after ${this.o.timeoutMs} ms (killed)`));
        else if (signal !== null) reject(new Error(`command ${file} was killed by ${signal}`));
        else if (code !== 0) {
          const why = out.stderr.trim().split('\n')[0];
          reject(new Error(`command ${file} exited with ${code ?? 'no code'}${why ? `: ${why}` : ''}`));
        } else resolve();
      });
    });
  }

  /** Stops the commands still running (the daemon is stopping): SIGTERM to their groups. */
  close(): void {
    const kill = this.o.killGroup ?? nodeKillGroup;
    for (const pid of this.running) kill(pid, 'SIGTERM');
  }
}
