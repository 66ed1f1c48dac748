import { existsSync, readFileSync } from 'node:fs';
import { expect } from 'vitest';
import type { WtpEvent } from '../../src/protocol/events.js';
import { agentSteps, newAgent, START_MS, type Step, untilState } from './agent-steps.js';
import { eventually, type TestHome } from './harness.js';

/**
 * One real agent CLI that takes a file's tasks in turn, where its tests need no fresh CLI: a CLI
 * start costs seconds of both cores, a prompt only its turn. Each task is a prompt typed once the
 * agent is at its prompt; what a test then reads of the agent (its events, steps, the daemon's log
 * lines about it) starts at that prompt, so each test sees only its own task.
 */
export class SharedAgent {
  private started = false;
  /** The agent's last event before the current task's prompt. */
  private sinceSeq = 0;
  /** The daemon log's length before the current task's prompt. */
  private sinceLogLine = 0;

  constructor(
    private readonly home: TestHome,
    readonly name: string,
    private readonly opts: {
      profile: string;
      cwd: string;
      /** `wtp new` arguments before `--prompt`. */
      args?: string[];
      /** Types a prompt at the agent (default: `wtp send NAME TEXT --enter`). */
      send?: (name: string, text: string) => Promise<void>;
      /** How long the agent may take to reach its prompt between tasks (default 120 s). */
      idleMs?: number;
    },
  ) {}

  /** Gives the agent `prompt` (the first starts it with it); what follows belongs to this task. */
  async task(prompt: string): Promise<void> {
    const { home, name, opts } = this;
    if (this.started) {
      const why = `${name} at its prompt before "${prompt}"`;
      await untilState(home, name, 'idle', why, undefined, opts.idleMs ?? 120_000);
    }
    await this.mark();
    if (!this.started) {
      this.started = true;
      await newAgent(home, opts.profile, name, opts.cwd, [...(opts.args ?? []), '--prompt', prompt]);
      // Its start is a wait of its own (a CLI start on a loaded machine, its hooks included):
      // the task's waits begin once the daemon typed the prompt.
      await eventually(
        `${name} to start and get its prompt`,
        async () => (await home.events(name)).some((e) => e.type === 'agent.inputSent') || undefined,
        START_MS,
      );
      return;
    }
    if (opts.send) return opts.send(name, prompt);
    const sent = await home.run(['send', name, prompt, '--enter']);
    expect(sent.code, sent.stderr).toBe(0);
  }

  /**
   * Ends a task that left a dialog for the user: Esc, as a user cancels a dialog in every one of
   * these CLIs (a test of `wtp deny` does so itself), so that the next task finds it at its prompt.
   */
  async dismiss(): Promise<void> {
    const { home, name } = this;
    if ((await home.agent(name)).state !== 'needs_permission') return;
    const sent = await home.run(['send', name, '--key', 'esc', '--force']);
    expect(sent.code, sent.stderr).toBe(0);
    await eventually(
      `${name} to leave the dialog it was left`,
      async () => (await home.agent(name)).state !== 'needs_permission' || undefined,
      60_000,
    );
  }

  /** The agent's events since the current task's prompt. */
  async events(): Promise<WtpEvent[]> {
    return (await this.home.events(this.name)).filter((e) => e.seq > this.sinceSeq);
  }

  /** The current task's state changes. */
  steps(): Promise<Step[]> {
    return agentSteps(this.home, this.name, { afterSeq: this.sinceSeq });
  }

  /** The daemon's log lines about the agent since the current task's prompt. */
  async logLines(): Promise<string[]> {
    const id = (await this.home.agent(this.name)).id;
    return this.log()
      .slice(this.sinceLogLine)
      .filter((l) => l.includes(`"agentId":"${id}"`));
  }

  /** Waits until one of the task's log lines matches `pattern`, and returns it. */
  logLine(pattern: RegExp, what: string, ms = 60_000): Promise<string> {
    return eventually(what, async () => (await this.logLines()).find((l) => pattern.test(l)), ms);
  }

  private log(): string[] {
    const file = this.home.path('logs', 'daemon.log');
    return existsSync(file) ? readFileSync(file, 'utf8').split('\n') : [];
  }

  private async mark(): Promise<void> {
    this.sinceLogLine = Math.max(0, this.log().length - 1);
    this.sinceSeq = this.started ? ((await this.home.events(this.name)).at(-1)?.seq ?? 0) : 0;
  }
}
