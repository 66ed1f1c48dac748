import type { PtyProcess } from '../../core/ports/host.js';
import type { ExitInfo } from '../../protocol/agent.js';
import { DROPPED_TERMINAL_VARS, type AgentEnv } from '../../protocol/agent-env.js';
import { HOST_PROTOCOL_VERSION } from '../../protocol/host-frames.js';
import type { DaemonMessage, ExitReport, HostMessage, SpawnedInfo, SpawnSpec } from '../../protocol/host.js';
import type { SandboxDenial } from '../../protocol/sandbox.js';
import { DaemonConnection } from './daemon-connection.js';
import { LazyScreen } from './lazy-screen.js';
import { OutputLogReporter } from './output-log-reporter.js';
import { ResendBuffer } from './resend-buffer.js';
import { SignalWatch } from './signal-watch.js';
import type { HostDeps, HostOptions } from './host-deps.js';

/** After the agent exits, wait this long without output so its last bytes precede the exit report. */
/**
 * The terminal emulator loads this long after the spawn, or once this much output waits: the
 * agents of a workspace that starts at once get the CPU first (bench `layout.quadTmux`).
 */
const EMULATOR_LOAD_DELAY_MS = 500;
const EMULATOR_QUEUE_MAX_BYTES = 1024 * 1024;
const EXIT_QUIET_MS = 30;
const EXIT_QUIET_MAX_MS = 500;
/** Processes the agent left behind in its session get SIGKILL this long after SIGHUP/SIGTERM. */
const LEFTOVER_GRACE_MS = 2_000;
/** Grace used when the host itself is told to terminate. */
const SELF_TERMINATE_GRACE_MS = 2_000;
/** RIS (full reset): the screen a new terminal has. */
const TERMINAL_RESET = new TextEncoder().encode('\u001bc');

/**
 * `wtp host`: owns one agent's PTY. Streams output (sequence-numbered by byte offset)
 * to the daemon, keeps the output log and a terminal emulator, buffers while the
 * daemon is away, and carries out spawn / signal / shutdown.
 */
export class AgentHost {
  private child: PtyProcess | null = null;
  private childStartedAt = 0;
  private pendingExit: ExitReport | null = null;
  private readonly screen: LazyScreen;
  private cols: number;
  private rows: number;
  private readonly unacked: ResendBuffer;
  private killTimer: NodeJS.Timeout | null = null;
  private exitAfterChild = false;
  /** Stopped (SIGSTOP) by the usage-limit governor until a continue. */
  private paused = false;
  private agentName = '';
  /** What was last spawned and for whom (from the spawn's `origin`), for the hello. */
  private spawned: SpawnedInfo | null = null;
  private watch: SignalWatch | null = null;
  private readonly conn: DaemonConnection;
  private readonly logReports: OutputLogReporter;
  /** Whether the daemon takes `permissionMode` messages (its welcome lists the feature). */
  private modeReports = false;
  /** Whether the daemon takes `sandboxDenied` messages. */
  private sandboxReports = false;

  constructor(
    private readonly o: HostOptions,
    private readonly d: HostDeps,
  ) {
    this.unacked = new ResendBuffer(o.bufferMaxBytes);
    this.cols = o.pane ? o.pane.cols : o.cols;
    this.rows = o.pane ? o.pane.rows : o.rows;
    this.screen = new LazyScreen(d.loadScreen, this.cols, this.rows, d.log.end);
    // In a pane the real terminal answers the agent's queries; headless, our emulator does.
    if (!o.pane) this.screen.onReply((reply) => this.child?.write(reply));
    this.conn = new DaemonConnection(o.socketPath, o.bufferMaxBytes, {
      hello: () => this.hello(),
      welcome: (resumeFrom, features) => {
        this.unacked.resend(resumeFrom, (seq, data) => this.conn.sendOutput(seq, data));
        this.logReports.welcomed(features);
        this.modeReports = features.includes('permissionMode');
        this.sandboxReports = features.includes('sandboxDenied');
        if (this.modeReports) this.watch?.resendMode();
      },
      message: (msg) => this.onMessage(msg),
      input: (data) => this.child?.write(data),
      log: (level, msg) => d.diag(level, msg),
    });
    this.logReports = new OutputLogReporter(
      d.log,
      (msg) => this.conn.sendJson(msg),
      d.diag,
      () => d.emulator?.parseErrors ?? 0,
    );
  }

  /** What the agent's sandbox refused: to the daemon (an event), and to the host's log. */
  sandboxDenied(denial: SandboxDenial): void {
    this.d.diag('info', `sandbox denied ${denial.kind} ${denial.target} (${denial.count}×)`);
    if (this.sandboxReports) this.conn.sendJson({ type: 'sandboxDenied', ...denial, at: Date.now() });
  }

  start(): void {
    this.o.pane?.start({
      input: (data) => this.child?.write(data),
      resized: (cols, rows) => {
        this.resize(cols, rows);
        this.conn.sendJson({ type: 'resized', cols, rows });
      },
      drained: () => this.child?.resume(),
    });
    this.conn.start();
  }

  /**
   * The pane is gone (SIGHUP): closed by hand (a stop), or with its whole multiplexer
   * (`mux_gone`: the daemon's restart policy decides). Either way the agent is stopped.
   */
  paneClosed(reason: 'pane_closed' | 'mux_gone' = 'pane_closed'): void {
    this.conn.sendJson({ type: 'closing', reason });
    this.terminate();
  }

  /** Terminate on a signal to the host itself: stop the agent, then leave. */
  terminate(): void {
    this.exitAfterChild = true;
    if (this.child) this.signal('SIGTERM', SELF_TERMINATE_GRACE_MS);
    else void this.leave(0);
  }

  private hello(): HostMessage {
    return {
      type: 'hello',
      protocol: HOST_PROTOCOL_VERSION,
      agentId: this.o.agentId,
      hostPid: process.pid,
      hostVersion: this.o.hostVersion,
      child: this.child ? { pid: this.child.pid, startedAt: this.childStartedAt } : null,
      pendingExit: this.pendingExit,
      outputSeq: this.d.log.end,
      bufferedFrom: this.unacked.oldest(this.d.log.end),
      cols: this.cols,
      rows: this.rows,
      pane: this.o.paneId,
      spawned: this.spawned,
    };
  }

  private onMessage(msg: DaemonMessage): void {
    switch (msg.type) {
      case 'spawn':
        this.pendingExit = null;
        this.spawn(msg);
        return;
      case 'paste':
        this.paste(msg.text);
        return;
      case 'keys':
        this.child?.write(msg.text);
        return;
      case 'resize':
        if (!this.o.pane) this.resize(msg.cols, msg.rows); // in a pane, the pane decides the size
        return;
      case 'state':
        this.agentName = msg.agent;
        this.o.pane?.setUserVars({
          wtp_agent: msg.agent,
          wtp_state: msg.state,
          wtp_workspace: msg.workspace,
        });
        return;
      case 'signal':
        this.signal(msg.signal, msg.graceMs);
        return;
      case 'notify':
        this.o.pane?.notify(msg);
        return;
      case 'pause':
        this.paused = msg.paused;
        if (this.child) this.d.killer.signalSession(this.child.pid, msg.paused ? 'SIGSTOP' : 'SIGCONT');
        return;
      case 'shutdown':
        this.exitAfterChild = true;
        if (this.child) this.signal('SIGTERM', SELF_TERMINATE_GRACE_MS);
        else if (this.o.pane) void this.lingerThenLeave();
        else void this.leave(0);
        this.pendingExit = null;
        return;
      case 'ack':
        this.unacked.ack(msg.seq);
        return;
      case 'request':
        void this.answer(msg.id, msg.method);
        return;
      case 'welcome':
        return; // handled by the connection
    }
  }

  private spawn(spec: SpawnSpec): void {
    if (this.child) {
      this.conn.sendJson({ type: 'spawned', pid: this.child.pid, startedAt: this.childStartedAt });
      return;
    }
    const env: Record<string, string> = { ...spec.env, ...({ TERM: this.o.term } satisfies AgentEnv) };
    for (const k of DROPPED_TERMINAL_VARS) delete env[k];
    // In a pane the pane decides the size: the agent starts at it, not at the configured one.
    const { cols, rows } = this.o.pane ?? spec;
    this.resize(cols, rows);
    let child: PtyProcess;
    try {
      child = this.d.pty.spawn({ ...spec, cols, rows, env });
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.d.diag('error', `spawn failed: ${message}`);
      this.conn.sendJson({ type: 'spawnFailed', message });
      return;
    }
    // A new process starts on a clean screen: the emulator forgets the rows the last one left (a
    // restarted TUI may write before it draws, and its detector would read them as its state).
    if (this.childStartedAt !== 0) this.screen.write(TERMINAL_RESET, this.d.log.end);
    this.child = child;
    this.childStartedAt = Date.now();
    this.spawned = spec.origin
      ? { ...spec.origin, command: spec.command, args: [...spec.args], cwd: spec.cwd }
      : null;
    let lastData = Date.now();
    child.onData((data) => {
      lastData = Date.now();
      this.output(data);
    });
    child.onExit((exit) => {
      const exitedAt = Date.now();
      const report = (): void => {
        const quietFor = Date.now() - lastData;
        if (quietFor < EXIT_QUIET_MS && Date.now() - exitedAt < EXIT_QUIET_MAX_MS) {
          setTimeout(report, EXIT_QUIET_MS - quietFor);
          return;
        }
        this.childExited(child, exit, exitedAt);
      };
      report();
    });
    this.conn.sendJson({ type: 'spawned', pid: child.pid, startedAt: this.childStartedAt });
    if (cols !== spec.cols || rows !== spec.rows) this.conn.sendJson({ type: 'resized', cols, rows });
    this.screen.loadSoon(EMULATOR_LOAD_DELAY_MS, EMULATOR_QUEUE_MAX_BYTES);
    this.watch?.dispose();
    this.watch = spec.watch
      ? new SignalWatch({
          watch: spec.watch,
          readers: this.d.readers,
          reply: (data) => this.child?.write(data),
          send: (signal) => this.conn.sendJson({ type: 'signal', signal }),
          // Only to a daemon that understands it (an older one drops a host that sends it).
          mode: (reading, at) => {
            if (this.modeReports) this.conn.sendJson({ type: 'permissionMode', ...reading, at });
          },
          readScreen: async () => {
            await this.screen.settled();
            return this.screen.screen();
          },
          now: Date.now,
        })
      : null;
  }

  private childExited(child: PtyProcess, exit: ExitInfo, at: number): void {
    if (this.child !== child) return;
    this.child = null;
    this.watch?.dispose();
    this.watch = null;
    if (this.killTimer) clearTimeout(this.killTimer);
    this.killTimer = null;
    this.cleanUpSession(child.pid);
    this.pendingExit = { pid: child.pid, exit, at };
    this.conn.sendJson({ type: 'exited', report: this.pendingExit });
    if (this.exitAfterChild) void this.leave(0);
  }

  /** Processes the agent started and left in its terminal session get the hang-up a closed terminal gives. */
  private cleanUpSession(sid: number): void {
    // Its leader is gone: once its pid is reused (a daemon or an agent started since), the session
    // is someone else's and is left alone.
    const o = { leaderExited: true };
    if (this.d.killer.signalSession(sid, 'SIGHUP', o) + this.d.killer.signalSession(sid, 'SIGTERM', o) === 0)
      return;
    setTimeout(() => this.d.killer.signalSession(sid, 'SIGKILL', o), LEFTOVER_GRACE_MS).unref();
  }

  private output(data: Uint8Array): void {
    const seq = this.d.log.append(data);
    this.logReports.appended();
    this.screen.write(data, seq + data.length);
    this.watch?.output(data);
    this.unacked.push(seq, data);
    this.conn.sendOutput(seq, data);
    // A slow pane slows the agent, as a real terminal does (the daemon never does).
    if (this.o.pane && !this.o.pane.write(data)) this.child?.pause();
  }

  /** Paste semantics as a terminal has them: bracketed if the app asked, else newlines become CR. */
  private paste(text: string): void {
    if (!this.child) return;
    if (this.screen.bracketedPaste()) {
      this.child.write(`\x1b[200~${text.replace(/\x1b\[20[01]~/g, '')}\x1b[201~`);
    } else {
      this.child.write(text.replace(/\r?\n/g, '\r'));
    }
  }

  private resize(cols: number, rows: number): void {
    if (cols === this.cols && rows === this.rows) return;
    this.cols = cols;
    this.rows = rows;
    this.screen.resize(cols, rows);
    this.child?.resize(cols, rows);
  }

  /**
   * Stops the agent like a closing terminal: SIGTERM to every process of its session and
   * SIGHUP to its leader, then SIGKILL to whatever is left after `graceMs`.
   */
  private signal(signal: 'SIGTERM' | 'SIGKILL' | 'SIGINT' | 'SIGHUP', graceMs: number): void {
    const child = this.child;
    if (!child) return;
    if (signal === 'SIGKILL') {
      this.d.killer.signalSession(child.pid, 'SIGKILL');
      return;
    }
    if (signal === 'SIGTERM') {
      this.d.killer.signalSession(child.pid, 'SIGTERM');
      // A paused (SIGSTOPped) agent acts on SIGTERM only once continued: it may then clean up.
      if (this.paused) this.d.killer.signalSession(child.pid, 'SIGCONT');
      try {
        process.kill(child.pid, 'SIGHUP');
      } catch {
        // already gone
      }
    } else {
      try {
        process.kill(child.pid, signal);
      } catch {
        // already gone
      }
    }
    if (this.killTimer) clearTimeout(this.killTimer);
    this.killTimer = setTimeout(() => {
      this.killTimer = null;
      if (this.child === child) this.d.killer.signalSession(child.pid, 'SIGKILL');
    }, graceMs);
  }

  private async answer(id: number, method: 'screen' | 'snapshot'): Promise<void> {
    try {
      await this.screen.settled();
      const result = method === 'screen' ? this.screen.screen() : this.screen.snapshot();
      this.conn.sendJson({ type: 'reply', id, ok: true, result });
    } catch (err) {
      this.conn.sendJson({
        type: 'reply',
        id,
        ok: false,
        error: err instanceof Error ? err.message : String(err),
      });
    }
  }

  /** In a pane, the agent's last screen stays visible until a key is pressed. */
  private async lingerThenLeave(): Promise<void> {
    const pane = this.o.pane;
    if (!pane) return this.leave(0);
    const exit = this.pendingExit?.exit;
    const how = exit ? (exit.signal ?? `code ${exit.exitCode ?? '?'}`) : 'ended';
    pane.write(
      `\r\n\x1b[2m[wtp] ${this.agentName || 'the agent'} exited (${how}); press any key to close this pane\x1b[0m`,
    );
    await this.conn.close();
    await pane.waitForKey();
    pane.restore();
    this.d.log.close();
    this.screen.dispose();
    this.d.exit(0);
  }

  private async leave(code: number): Promise<void> {
    await this.conn.close();
    this.o.pane?.restore();
    this.d.log.close();
    this.screen.dispose();
    this.d.exit(code);
  }
}
