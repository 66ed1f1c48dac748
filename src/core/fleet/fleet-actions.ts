import { isErrorCode } from '../../protocol/errors.js';
import { appError } from '../../protocol/error-messages.js';
import type { NewEvent } from '../../protocol/events.js';
import { isFleetRoute, type FleetOrigin } from '../../protocol/fleet.js';
import { AppError } from '../errors.js';
import type { Clock, Logger, TimerHandle } from '../ports/daemon.js';
import type { CallResult, FleetCall, FleetCommands } from '../ports/fleet.js';
import type { FleetMirror } from './fleet-mirror.js';

/** This machine's own API, called in-process with a command from the fleet (the daemon wires it). */
export type LocalApi = (call: FleetCall, origin: FleetOrigin) => Promise<CallResult>;

export interface ActionSettings {
  /** How long an action may take before REMOTE_ACTION_TIMEOUT. */
  timeoutMs: number;
  /** A merge runs the test command first: it may take this long. */
  mergeTimeoutMs: number;
  /** Between two looks for commands and results a notification missed. */
  pollMs: number;
}

/** Between two looks at a command's result while waiting for it. */
const RESULT_POLL_MS = 1_000;

/**
 * Actions on other machines' agents. Sending: the call is written to the fleet database
 * for the machine that owns the agent (refused at once when that machine is unreachable), and its
 * result is awaited — woken by a notification, looked for every second besides — until a bound.
 * Carrying out: the commands for this machine are taken (each once), checked against the routes
 * the fleet may call, run through this daemon's own API (every check a local call gets: the
 * safe-input path, the dialog checks, merge's refusals) and answered.
 */
export class FleetActions {
  private api: LocalApi | null = null;
  private readonly waiting = new Map<number, () => void>();
  private running: Promise<void> = Promise.resolve();
  private again = false;
  private timer: TimerHandle | null = null;
  private stopped = false;

  constructor(
    private readonly d: {
      commands: FleetCommands;
      mirror: Pick<FleetMirror, 'machines'>;
      me: string;
      clock: Clock;
      logger: Logger;
      settings: ActionSettings;
      /** Writes an audit event (fleet.actionTaken) for each command carried out here. */
      record?: (events: NewEvent[]) => Promise<unknown>;
    },
  ) {}

  /** Starts carrying out commands for this machine, once its API can take them. */
  serve(api: LocalApi): void {
    this.api = api;
    void this.d.commands.abandonRunning().then(
      (n) => {
        if (n > 0)
          this.d.logger.warn({ commands: n }, 'fleet commands left running by the last daemon: given up');
      },
      () => undefined,
    );
    this.tick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) this.d.clock.clearTimer(this.timer);
    for (const wake of this.waiting.values()) wake();
    await this.running;
  }

  /** A notification: commands for `target`. */
  commandFor(target: string): void {
    if (target === this.d.me) this.takeSoon();
  }

  /** A notification: a result for `sender`. */
  resultFor(sender: string, id: number): void {
    if (sender === this.d.me) this.waiting.get(id)?.();
  }

  /** Sends `call` to `machine` (which owns its agent) and waits for what its API answers. */
  async send(machine: string, call: FleetCall): Promise<CallResult> {
    const m = this.d.mirror.machines().find((x) => x.name === machine);
    if (!m) {
      throw appError('MACHINE_NOT_FOUND', { machine, known: this.d.mirror.machines().map((x) => x.name) });
    }
    if (!m.reachable) {
      throw appError('MACHINE_UNREACHABLE', { machine, since: m.unreachableSince ?? m.heartbeatAt });
    }
    const bound = call.route === 'agentMerge' ? this.d.settings.mergeTimeoutMs : this.d.settings.timeoutMs;
    const id = await this.d.commands.send(machine, call, bound);
    const deadline = this.d.clock.now() + bound;
    for (;;) {
      const r = await this.d.commands.result(id);
      if (r.status === 'done' && r.result) return r.result;
      if (r.status === 'expired' || this.d.clock.now() >= deadline || this.stopped) {
        throw appError('REMOTE_ACTION_TIMEOUT', { machine, command: id, seconds: Math.round(bound / 1000) });
      }
      await new Promise<void>((resolve) => {
        const wake = (): void => {
          this.d.clock.clearTimer(timer);
          this.waiting.delete(id);
          resolve();
        };
        const timer = this.d.clock.setTimer(
          Math.min(RESULT_POLL_MS, Math.max(0, deadline - this.d.clock.now())),
          wake,
        );
        this.waiting.set(id, wake);
      });
    }
  }

  private tick(): void {
    if (this.stopped) return;
    this.takeSoon();
    this.timer = this.d.clock.setTimer(this.d.settings.pollMs, () => this.tick());
  }

  private takeSoon(): void {
    if (!this.api || this.stopped) return;
    this.again = true;
    this.running = this.running.then(async () => {
      while (this.again && !this.stopped) {
        this.again = false;
        try {
          await this.takeAll();
        } catch (err) {
          this.d.logger.debug(
            { err: err instanceof Error ? err.message : String(err) },
            'fleet commands: not read',
          );
        }
      }
    });
  }

  private async takeAll(): Promise<void> {
    for (;;) {
      const rows = await this.d.commands.take(20);
      for (const row of rows) {
        if (row.expired) {
          await this.d.commands.finish(row.id, row.sender, null);
          continue;
        }
        const origin = { machine: row.sender, role: row.senderRole };
        const result = await this.carryOut(row.call, origin);
        this.d.logger.info(
          {
            command: row.id,
            from: row.sender,
            role: row.senderRole,
            route: row.call.route,
            status: result.status,
          },
          'fleet command carried out',
        );
        await this.audit(row.id, row.call, origin, result);
        await this.d.commands.finish(row.id, row.sender, result);
      }
      if (rows.length < 20) return;
    }
  }

  /** The audit of a command from another machine: who sent it (machine and role), what, and the outcome. */
  private async audit(id: number, call: FleetCall, origin: FleetOrigin, result: CallResult): Promise<void> {
    if (!this.d.record) return;
    const body = (result.body ?? {}) as { code?: unknown };
    const code = result.status >= 400 && typeof body.code === 'string' ? body.code : null;
    await this.d
      .record([
        {
          type: 'fleet.actionTaken',
          source: 'fleet',
          agentId: null,
          workspaceId: null,
          data: {
            command: id,
            ...origin,
            route: String(call.route),
            agent: call.params?.['agent'] ?? null,
            status: result.status,
            code,
          },
        },
      ])
      .catch((err: unknown) => this.d.logger.warn({ err, command: id }, 'fleet action not audited'));
  }

  /** A command, checked: one of the fleet's routes, naming one agent; run by this daemon's API. */
  private async carryOut(call: FleetCall, origin: FleetOrigin): Promise<CallResult> {
    const keys = Object.keys(call.params ?? {});
    if (!isFleetRoute(call.route) || keys.length !== 1 || keys[0] !== 'agent') {
      return refused(`The fleet may not call ${JSON.stringify(call.route)} here.`);
    }
    if (!this.api) return refused('This daemon does not take actions from the fleet yet.');
    try {
      return await this.api(call, origin);
    } catch (err) {
      return refused(err instanceof Error ? err.message : String(err));
    }
  }
}

function refused(message: string): CallResult {
  return {
    status: 400,
    body: { code: 'INVALID_INPUT', message, details: { issues: [{ path: 'route', message }] } },
  };
}

/** What the owner answered, as this machine's API answers it: its body, or its error thrown as an AppError. */
export function resultOf(machine: string, r: CallResult): unknown {
  if (r.status < 400) return r.body;
  const body = (r.body ?? {}) as { code?: unknown; message?: unknown; details?: unknown };
  const code = isErrorCode(body.code) ? body.code : 'INTERNAL';
  const message =
    typeof body.message === 'string' ? body.message : `Machine "${machine}" refused the action.`;
  const details =
    typeof body.details === 'object' && body.details !== null
      ? (body.details as Record<string, unknown>)
      : {};
  throw new AppError(code, message, { ...details, machine });
}
