import { AppError } from '../../src/protocol/app-error.js';
import { eventually, TestHome, type RunResult } from '../support/harness.js';

/**
 * The daemon's home, where an agent's sends wait out its MCP start until its first prompt is
 * entered (firstSends), and the first prompt to a Plan-mode agent is preceded by shift+tab (its Plan
 * collaboration mode: no argument or setting starts Codex in it).
 */
export class CodexCensusHome extends TestHome {
  private readonly planned = new Set<string>();
  private readonly started = new Set<string>();
  /** agents.preTrust, written into each config walk() writes. */
  preTrust = true;

  override writeConfig(yaml: string): void {
    super.writeConfig(this.preTrust ? yaml : yaml.replace(/^agents:\n/m, 'agents:\n  preTrust: false\n'));
  }

  override async run(args: string[], opts: Parameters<TestHome['run']>[1] = {}): Promise<RunResult> {
    const [verb, name = ''] = args;
    if (verb === 'send' && !args.includes('--key')) {
      const r = await this.planFirst(name, opts);
      if (r !== null) return r;
    }
    return verb === 'send' ? this.firstSends(name, args, opts) : super.run(args, opts);
  }

  /** The harness's own send (typeThenEnter's), with the same Plan mode and MCP start steps. */
  override async send(name: string, input: { text: string } | { key: string }): Promise<void> {
    if ('text' in input) {
      const r = await this.planFirst(name, {});
      if (r !== null) throw new Error(`${name}: shift+tab refused: ${r.stderr}${r.stdout}`);
    }
    for (let tries = 0; ; tries++) {
      try {
        await super.send(name, input);
        if ('key' in input && input.key === 'enter') this.started.add(name);
        return;
      } catch (err) {
        const busy = err instanceof AppError && err.code === 'AGENT_BUSY';
        if (!busy || this.started.has(name) || tries >= 2) throw err;
        await this.idleAgain(name);
      }
    }
  }

  /**
   * Before a Plan-mode agent's first prompt (census agents `c-`, conformance agents `k-`): its Plan
   * mode, chosen with shift+tab. null, or the refused press.
   */
  private async planFirst(name: string, opts: Parameters<TestHome['run']>[1]): Promise<RunResult | null> {
    if (!/^[ck]-plan-/.test(name) || this.planned.has(name)) return null;
    this.planned.add(name);
    // A shift+tab that comes while Codex starts its MCP servers is dropped (seen): pressed again
    // once the screen, looked at for 3 s, still shows no Plan mode.
    const inPlan = async () =>
      /Plan mode \(shift\+tab to cycle\)/.test((await super.run(['peek', name])).stdout);
    for (let presses = 0; !(await inPlan()); presses++) {
      if (presses === 3) throw new Error(`${name}: not in Plan mode after 3 shift+tab`);
      const r = await this.firstSends(name, ['send', name, '--key', 'shift-tab'], opts);
      if (r.code !== 0) return r;
      await eventually(`${name} in Plan mode`, inPlan, 3_000).catch(() => undefined);
    }
    return null;
  }

  private idleAgain(name: string): Promise<boolean> {
    return eventually(
      `${name} idle after its MCP start`,
      async () => (await this.agent(name)).state === 'idle',
    );
  }

  /**
   * Codex draws its prompt (status idle), then starts its MCP servers (status working, under
   * 200 ms; sooner than its first idle on a loaded machine), then idle again: a send in between is
   * refused with AGENT_BUSY, which types nothing. Until an agent's first send is taken, that
   * refusal is waited out (idle again) and the send made again, as a user would.
   */
  private async firstSends(
    name: string,
    args: string[],
    opts: Parameters<TestHome['run']>[1],
  ): Promise<RunResult> {
    for (let tries = 0; ; tries++) {
      const r = await super.run(args, opts);
      const busy = r.code !== 0 && /AGENT_BUSY/.test(`${r.stderr}${r.stdout}`);
      if (!busy || this.started.has(name) || tries >= 2) {
        // Its first prompt entered: its MCP servers started before it took it.
        if (r.code === 0 && (args.includes('--enter') || args.at(-1) === 'enter')) this.started.add(name);
        return r;
      }
      await this.idleAgain(name);
    }
  }
}
