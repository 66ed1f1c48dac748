import type { Approvals } from '../../protocol/approval-schema.js';
import type { DecisionHook, ProfileSpec } from '../agents/profiles.js';
import { agentEvent } from '../model/agent-event.js';
import type { AgentRecord } from '../model/agent-record.js';
import type { AgentRegistry } from '../model/registry.js';
import type { Clock, Logger } from '../ports/daemon.js';
import type { RealPaths, ShellSyntax } from '../ports/shell-syntax.js';
import { rulesFor } from './agent-rules.js';
import { decide } from './decide.js';
import type { StateEngine } from '../state/state-engine.js';

export interface HookDeciderDeps {
  registry: Pick<AgentRegistry, 'record'>;
  /** The state engine: while a rule decides, the CLI's "blocked" is the rule's wait, not the user's. */
  engine?: Pick<StateEngine, 'ruling' | 'ruled'>;
  /** The config's rules (config `approvals`); each agent's own are on its record. */
  approvals: Approvals;
  shell: ShellSyntax;
  paths: RealPaths;
  clock: Clock;
  log: Logger;
}

/**
 * Approval rules decided through a vendor's decision hook: a hook call its CLI waits on before a
 * permission dialog (Claude Code's and Qwen Code's PermissionRequest, Copilot CLI's permissionRequest)
 * or before a tool runs (Gemini CLI's BeforeTool, deny only) carries the whole request, so rules
 * decide it exactly, with no screen to read. The answer is the hook's response, audited (`policy`,
 * channel `hook`). A request no rule decides gets no decision: the CLI shows its dialog, as when the
 * hook call fails.
 */
export class HookDecider {
  constructor(private readonly d: HookDeciderDeps) {}

  /** The hook's response when the rules decide this call; null: no decision (the dialog shows). */
  async decide(
    agent: AgentRecord,
    spec: ProfileSpec,
    event: string,
    body: Record<string, unknown>,
  ): Promise<Record<string, unknown> | null> {
    const hook = spec.decisionHook;
    if (hook === undefined || !hook.events.includes(event)) return null;
    const rules = rulesFor(agent.profile, this.d.approvals, agent.approvals);
    if (rules.allow.length + rules.deny.length === 0) return null;
    const asked = hook.request(body);
    if (asked === null) return null;
    this.d.engine?.ruling(agent.id);
    let decided = false;
    try {
      const response = await this.decideRequest(agent, spec, event, asked, rules, hook);
      decided = response !== null;
      return response;
    } finally {
      await this.d.engine?.ruled(agent.id, decided);
    }
  }

  private async decideRequest(
    agent: AgentRecord,
    spec: ProfileSpec,
    event: string,
    asked: { tool?: string; about?: string; complete?: boolean },
    rules: ReturnType<typeof rulesFor>,
    hook: DecisionHook,
  ): Promise<Record<string, unknown> | null> {
    const where = { agentId: agent.id, event, tool: asked.tool, about: asked.about?.slice(0, 200) };
    const decision = await decide(rules, asked, {
      profile: agent.profile,
      tools: spec.toolClasses ?? {},
      cwd: agent.cwd,
      shell: this.d.shell,
      paths: this.d.paths,
    }).catch((err: unknown) => {
      this.d.log.warn({ ...where, err }, 'approval rules could not decide a hook call; the dialog shows');
      return null;
    });
    if (decision === null || decision.action === null) {
      if (decision)
        this.d.log.info(
          { ...where, reason: decision.reason },
          'no approval rule decides; the CLI goes on (its dialog shows if it asks)',
        );
      return null;
    }
    const message = `${decision.action === 'approve' ? 'Allowed' : 'Denied'} by the approval rule ${decision.rule} (wezterm-parallel): ${decision.reason}`;
    // An event that cannot carry this action (Gemini CLI's BeforeTool cannot approve): no decision
    // here; its dialog, if it asks, is answered on the screen.
    const response = hook.respond(decision.action, message.slice(0, 1_000), event);
    if (response === null) {
      this.d.log.info(
        { ...where, rule: decision.rule, action: decision.action },
        'the hook cannot carry this decision; the CLI goes on (its dialog is answered on the screen)',
      );
      return null;
    }
    const base = {
      via: 'policy' as const,
      rule: decision.rule,
      channel: 'hook' as const,
      tool: asked.tool ?? null,
      about: asked.about ?? null,
      keys: [],
      waitedMs: 0,
    };
    await this.d.registry.record([
      decision.action === 'approve'
        ? agentEvent(agent, 'policy', 'agent.approved', { ...base, always: false, scope: null })
        : agentEvent(agent, 'policy', 'agent.denied', { ...base, message: null }),
    ]);
    this.d.log.info(
      { ...where, rule: decision.rule, action: decision.action },
      'decided by an approval rule through the hook',
    );
    return response;
  }
}
