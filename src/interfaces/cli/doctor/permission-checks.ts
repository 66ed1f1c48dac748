import type { WtpConfig } from '../../../config/schema.js';
import type { AgentView } from '../../../protocol/agent.js';
import { broadFlagsIn, isBlanket, parseApprovalRule } from '../../../protocol/approval-rule.js';
import type { AgentClis, DoctorCheck, DoctorReport } from '../../../protocol/doctor.js';
import { actsUnasked, PERMISSION_MODE_WORDS, modeName } from '../../../protocol/permission-words.js';
import { check } from './probe.js';

/** States in which an agent's process runs. */
export const RUNNING = new Set(['running', 'working', 'needs_permission', 'needs_input', 'idle']);

/** What the check needs beyond the report. */
export interface PermissionFindings {
  report: DoctorReport['broadPermissions'];
  /** Running agents of an agent CLI whose permission mode is not read or not known. */
  unknown: string[];
  /** Running sandboxed agents that act without asking: the recommended setup, not a warning (docs/sandbox.md). */
  sandboxed: string[];
}

/**
 * The running agents that act without asking — by their effective permission mode (whatever made
 * it so) or by the broad-permission flags they were started with — and the config's allow-everything rules.
 */
export function findBroadPermissions(
  agents: readonly AgentView[],
  config: WtpConfig,
  clis: AgentClis,
): PermissionFindings {
  const cliOf = new Map(clis.agentClis.map((c) => [c.profile as string, c]));
  const flagsOf = (a: AgentView) => broadFlagsIn(a.args, cliOf.get(a.profile)?.broadFlags ?? []);
  const byMode = (a: AgentView) => a.permission !== null && actsUnasked(a.permission.mode);
  const all = agents.filter((a) => RUNNING.has(a.state));
  // In its sandbox, an agent acting without asking reaches only its worktree and its API: not warned about.
  const running = all.filter((a) => a.sandbox === null || a.sandbox === undefined);
  const entry = (a: AgentView) => ({ agent: a.name, id: a.id, workspace: a.workspace, profile: a.profile });
  return {
    report: {
      agents: running.flatMap((a) => {
        const flags = flagsOf(a);
        return flags.length === 0 ? [] : [{ ...entry(a), flags }];
      }),
      modes: running.flatMap((a) =>
        a.permission !== null && byMode(a)
          ? [{ ...entry(a), permission: a.permission, askWith: cliOf.get(a.profile)?.askWith ?? null }]
          : [],
      ),
      rules: config.approvals.allow.flatMap((rule, i) => {
        const r = parseApprovalRule(rule);
        return typeof r !== 'string' && isBlanket(r) ? [{ path: `approvals.allow[${i}]`, rule }] : [];
      }),
    },
    unknown: running
      .filter((a) => cliOf.has(a.profile) && (a.permission === null || a.permission.mode === 'unknown'))
      .map((a) => a.name),
    sandboxed: all
      .filter((a) => !running.includes(a) && (byMode(a) || flagsOf(a).length > 0))
      .map((a) => a.name),
  };
}

/**
 * `permissions`: a warning naming each agent that acts without asking (its mode, what made it so,
 * how to make it ask) or runs with a broad flag, and each rule that allows everything. It never
 * says that no agent acts without asking while one's mode is not known.
 */
export function permissionsCheck(found: PermissionFindings, configFile: string): DoctorCheck {
  const { modes, agents: flagged, rules } = found.report;
  const byMode = new Set(modes.map((m) => m.id));
  const askHints = [...new Set(modes.flatMap((m) => (m.askWith === null ? [] : [m.askWith])))];
  const inSandbox =
    found.sandboxed.length > 0
      ? `; ${found.sandboxed.join(', ')} act${found.sandboxed.length === 1 ? 's' : ''} without asking inside a sandbox (the recommended setup for unattended agents)`
      : '';
  // Each kind of finding: what it is, the findings, and its fix.
  const kinds = [
    {
      what: 'agents that act without asking',
      found: modes.map(
        (m) =>
          `${m.agent} (${m.profile} ${modeName(m.permission)}: ${PERMISSION_MODE_WORDS[m.permission.mode]}; ${m.permission.originDetail})`,
      ),
      fix: `if they should ask, start them so${askHints.length > 0 ? ` (${askHints.join('; ')})` : ''} or switch their mode back in their terminal (e.g. shift+tab); to let them run unattended, start them sandboxed (\`wtp new --sandbox\`, docs/sandbox.md)`,
    },
    {
      what: 'agents running with broad permissions',
      // Flags of agents whose mode is not known (an older daemon): the flags alone tell.
      found: flagged
        .filter((a) => !byMode.has(a.id))
        .map((a) => `${a.agent} (${a.profile} ${a.flags.join(', ')})`),
      fix: 'restart those agents without the flag if they should ask',
    },
    {
      what: 'approval rules that allow everything',
      found: rules.map((r) => `${r.path} "${r.rule}"`),
      fix: `narrow the rules in ${configFile} to what may run, e.g. Bash(npm test*)`,
    },
  ].filter((k) => k.found.length > 0);
  if (kinds.length === 0) {
    const unknown = found.unknown.length > 0;
    return check('permissions', {
      status: 'ok',
      summary: `no running agent ${unknown ? 'is known to act' : 'acts'} without asking${inSandbox ? ' outside a sandbox' : ''}${unknown ? ` (the permission mode of ${found.unknown.join(', ')} is not known)` : ''}; no approval rule allows everything${inSandbox}`,
    });
  }
  return check('permissions', {
    status: 'warn',
    summary: `${kinds.map((k) => `${k.what}: ${k.found.join('; ')}`).join('; ')}${inSandbox}`,
    fix: `${kinds.map((k) => k.fix).join('; ')} (approval rules: approvals: in the config, \`wtp new --auto-approve\`)`,
    path: rules.length > 0 ? configFile : null,
  });
}
