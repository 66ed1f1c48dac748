import type { Approvals } from '../../protocol/approval-schema.js';
import { announcedAbout } from '../../protocol/agent-words.js';
import type { EventSource } from '../../protocol/events.js';
import type { AnswerOrder } from '../agents/dialog-answerer.js';
import type { ProfileCatalog } from '../agents/profiles.js';
import type { AgentRecord } from '../model/agent-record.js';
import type { AgentRegistry } from '../model/registry.js';
import type { Logger } from '../ports/daemon.js';
import { rulesFor } from './agent-rules.js';
import { decide, type AskedRequest } from './matcher.js';

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
  log: Logger;
}

/** What an agent waiting on a permission dialog asks for, as its state detail tells it. */
export function askedRequest(agent: AgentRecord): AskedRequest {
  const d = agent.stateDetail;
  return { tool: d.request?.tool ?? d.tool, about: announcedAbout(d) };
}

/**
 * Answers permission dialogs the approval rules decide, for vendors that do not enforce rules
 * themselves (Claude Code does: its rules are in its settings, its dialogs are left alone). Each
 * dialog (an agent's `needs_permission` since a given time) is answered at most once, through the
 * verified path, audited as via `policy` with the rule; a refusal is logged and not tried again.
 * A dialog no rule covers stays for the user.
 */
export class PolicyAnswerer {
  /** Agent id → the `stateSince` of the dialog already answered (or being answered). */
  private readonly answered = new Map<string, number>();
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
      return;
    }
    if (this.answered.get(id) === agent.stateSince) return;
    if (agent.stateDetail.reason !== 'permission' || agent.stateDetail.request?.kind === 'question') return;
    const spec = this.d.profileCatalog.get(agent.profile);
    if (spec.nativeApprovals || spec.dialogs === undefined) return;
    const rules = rulesFor(agent.profile, this.d.approvals, agent.approvals);
    if (rules.allow.length + rules.deny.length === 0) return;
    const asked = askedRequest(agent);
    const decision = decide(rules, asked, {
      profile: agent.profile,
      tools: spec.toolClasses ?? {},
      cwd: agent.cwd,
    });
    if (decision === null) return; // a dialog no rule covers stays for the user (and a later detail may decide it)
    this.answered.set(id, agent.stateSince);
    const order: AnswerOrder = {
      action: decision.action,
      via: 'policy',
      rule: decision.rule,
      expect: {
        state: 'needs_permission',
        since: new Date(agent.stateSince).toISOString(),
        ...(asked.about === undefined ? {} : { about: asked.about }),
      },
    };
    const where = {
      agentId: id,
      rule: decision.rule,
      action: decision.action,
      tool: asked.tool,
      about: asked.about,
    };
    this.d.answers.answer(id, order, 'policy').then(
      () => this.d.log.info(where, 'dialog answered by an approval rule'),
      (err: unknown) => {
        const code = (err as { code?: unknown }).code;
        this.d.log.warn(
          { ...where, err, code },
          'approval rule matched but the answer was refused; left for the user',
        );
      },
    );
  }
}
