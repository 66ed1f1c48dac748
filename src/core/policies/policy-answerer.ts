import type { Approvals } from '../../protocol/approval-schema.js';
import { announcedAbout } from '../../protocol/agent-words.js';
import type { EventSource } from '../../protocol/events.js';
import type { AnswerOrder } from '../agents/dialog-answerer.js';
import type { ProfileCatalog } from '../agents/profiles.js';
import type { AgentRecord } from '../model/agent-record.js';
import type { AgentRegistry } from '../model/registry.js';
import type { Logger } from '../ports/daemon.js';
import type { RealPaths, ShellSyntax } from '../ports/shell-syntax.js';
import { rulesFor } from './agent-rules.js';
import { decide } from './decide.js';
import type { AskedRequest } from './matcher.js';

/** What the policy answers through: the verified path every other answer takes (DialogAnswerer). */
export interface PolicyAnswers {
  answer(ref: string, order: AnswerOrder, source: EventSource): Promise<unknown>;
}

export interface PolicyAnswererDeps {
  registry: Pick<AgentRegistry, 'get' | 'onChange'>;
  profileCatalog: ProfileCatalog;
  answers: PolicyAnswers;
  /** The config's rules (config `approvals`); each agent's own are on its record. */
  approvals: Approvals;
  /** The shell parser and the file system's links (decide's ports). */
  shell: ShellSyntax;
  paths: RealPaths;
  log: Logger;
}

/** What an agent waiting on a permission dialog asks for, as its state detail tells it. */
export function askedRequest(agent: AgentRecord): AskedRequest {
  const d = agent.stateDetail;
  return {
    tool: d.request?.tool ?? d.tool,
    about: announcedAbout(d),
    complete: d.request?.complete === true,
  };
}

/** One dialog as decided: its since, and what it asked (a later detail may ask more precisely). */
const dialogKey = (agent: AgentRecord, asked: AskedRequest): string =>
  JSON.stringify([agent.stateSince, asked.tool, asked.about, asked.complete]);

/**
 * Answers permission dialogs the approval rules decide (`decide`: on the whole request, a command
 * parsed into its simple commands), for vendors that do not enforce rules themselves (Claude Code
 * does: its rules are in its settings, its dialogs are left alone). Each dialog (an agent's
 * `needs_permission` since a given time) is answered at most once, through the verified path,
 * audited as via `policy` with the rule; an approval also needs the screen to show the request
 * whole. A refusal is logged and not tried again. A dialog no rule decides stays for the user,
 * and the log says why.
 */
export class PolicyAnswerer {
  /** Agent id → the `stateSince` of the dialog already answered (or being answered). */
  private readonly answered = new Map<string, number>();
  /** Agent id → the last request decided (by dialogKey): the same one is not decided twice. */
  private readonly decided = new Map<string, string>();
  private off: (() => void) | null = null;

  constructor(private readonly d: PolicyAnswererDeps) {}

  start(): void {
    this.off ??= this.d.registry.onChange((id) => this.check(id));
  }

  stop(): void {
    this.off?.();
    this.off = null;
  }

  private check(id: string): void {
    const agent = this.d.registry.get(id);
    if (agent?.state !== 'needs_permission') {
      this.answered.delete(id);
      this.decided.delete(id);
      return;
    }
    if (this.answered.get(id) === agent.stateSince) return;
    if (agent.stateDetail.reason !== 'permission' || agent.stateDetail.request?.kind === 'question') return;
    const spec = this.d.profileCatalog.get(agent.profile);
    if (spec.nativeApprovals || spec.dialogs === undefined) return;
    const rules = rulesFor(agent.profile, this.d.approvals, agent.approvals);
    if (rules.allow.length + rules.deny.length === 0) return;
    const asked = askedRequest(agent);
    const key = dialogKey(agent, asked);
    if (this.decided.get(id) === key) return;
    this.decided.set(id, key);
    const ctx = {
      profile: agent.profile,
      tools: spec.toolClasses ?? {},
      cwd: agent.cwd,
      shell: this.d.shell,
      paths: this.d.paths,
    };
    const where = { agentId: id, tool: asked.tool, about: asked.about?.slice(0, 200) };
    decide(rules, asked, ctx).then(
      (decision) => {
        const now = this.d.registry.get(id);
        // Decided on another dialog than the one now shown: its own change decides it again.
        if (now === undefined || this.decided.get(id) !== key || dialogKey(now, askedRequest(now)) !== key)
          return;
        if (decision.action === null) {
          this.d.log.info(
            { ...where, reason: decision.reason },
            'no approval rule decides this dialog; left for the user',
          );
          return;
        }
        if (this.answered.get(id) === now.stateSince) return;
        this.answered.set(id, now.stateSince);
        this.send(now, asked, decision.action, decision.rule, decision.reason, where);
      },
      (err: unknown) =>
        this.d.log.warn({ ...where, err }, 'approval rules could not decide; left for the user'),
    );
  }

  private send(
    agent: AgentRecord,
    asked: AskedRequest,
    action: 'approve' | 'deny',
    rule: string,
    reason: string,
    where: Record<string, unknown>,
  ): void {
    const order: AnswerOrder = {
      action,
      via: 'policy',
      rule,
      expect: {
        state: 'needs_permission',
        since: new Date(agent.stateSince).toISOString(),
        ...(asked.about === undefined ? {} : { about: asked.about }),
      },
    };
    const what = { ...where, rule, action, reason };
    this.d.answers.answer(agent.id, order, 'policy').then(
      () => this.d.log.info(what, 'dialog answered by an approval rule'),
      (err: unknown) => {
        const code = (err as { code?: unknown }).code;
        this.d.log.warn(
          { ...what, err, code },
          'approval rule matched but the answer was refused; left for the user',
        );
      },
    );
  }
}
