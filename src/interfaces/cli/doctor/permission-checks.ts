import type { WtpConfig } from '../../../config/schema.js';
import type { AgentView } from '../../../protocol/agent.js';
import { broadFlagsIn, isBlanket, parseApprovalRule } from '../../../protocol/approval-rule.js';
import type { AgentClis, DoctorCheck, DoctorReport } from '../../../protocol/doctor.js';
import { actsUnasked, PERMISSION_MODE_WORDS, modeName } from '../../../protocol/permission-words.js';
import type { CliContext } from '../context.js';
import { check } from './probe.js';

type BroadPermissions = DoctorReport['broadPermissions'];

/** States in which an agent's process runs. */
export const RUNNING = new Set(['running', 'working', 'needs_permission', 'needs_input', 'idle']);

/** What the check needs beyond the report: the running agent CLIs whose mode is not known. */
export interface PermissionFindings {
  report: BroadPermissions;
  /** Running agents of an agent CLI whose permission mode is not read or not known. */
  unknown: string[];
  /** Running sandboxed agents that act without asking: the recommended setup, not a warning (docs/sandbox.md). */
  sandboxed: string[];
}

/**
 * The running agents that act without asking — by their effective permission mode (whatever
 * made it so: a flag, settings, the vendor's default, a change during the session) and
 * by the broad-permission flags they were started with — and the config's allow-everything rules.
 */
export async function findBroadPermissions(
  ctx: CliContext,
  config: WtpConfig,
  clis: AgentClis,
  daemonRuns: boolean,
): Promise<PermissionFindings> {
  const flagsOf = new Map(clis.agentClis.map((c) => [c.profile as string, c.broadFlags]));
  const askWith = new Map(clis.agentClis.map((c) => [c.profile as string, c.askWith]));
  const { agents } = daemonRuns ? await ctx.client().call('listAgents', { query: {} }) : { agents: [] };
  const all = agents.filter((a) => RUNNING.has(a.state));
  // In its sandbox, an agent acting without asking reaches only its worktree and its API: not warned about.
  const running = all.filter((a) => a.sandbox === null || a.sandbox === undefined);
  const unaskedIn = (a: AgentView): boolean =>
    (a.permission !== null && actsUnasked(a.permission.mode)) ||
    broadFlagsIn(a.args, flagsOf.get(a.profile) ?? []).length > 0;
  const entry = (a: AgentView) => ({ agent: a.name, id: a.id, workspace: a.workspace, profile: a.profile });
  return {
    report: {
      agents: running.flatMap((a) => {
        const flags = broadFlagsIn(a.args, flagsOf.get(a.profile) ?? []);
        return flags.length === 0 ? [] : [{ ...entry(a), flags }];
      }),
      modes: running.flatMap((a) =>
        a.permission !== null && actsUnasked(a.permission.mode)
          ? [{ ...entry(a), permission: a.permission, askWith: askWith.get(a.profile) ?? null }]
          : [],
      ),
      rules: config.approvals.allow.flatMap((rule, i) => {
        const r = parseApprovalRule(rule);
        return typeof r !== 'string' && isBlanket(r) ? [{ path: `approvals.allow[${i}]`, rule }] : [];
      }),
    },
    unknown: running
      .filter((a) => flagsOf.has(a.profile) && (a.permission === null || a.permission.mode === 'unknown'))
      .map((a) => a.name),
    sandboxed: all.filter((a) => !running.includes(a) && unaskedIn(a)).map((a) => a.name),
  };
}

/**
 * `permissions`: a warning naming each agent that acts without asking (its mode, what made it so,
 * how to start it so that it asks) or runs with a broad flag, and each rule that allows
 * everything. It never says that no agent acts without asking while one's mode is not known.
 */
export function permissionsCheck(found: PermissionFindings, configFile: string): DoctorCheck {
  const { modes, agents: flagged, rules } = found.report;
  const byMode = new Set(modes.map((m) => m.id));
  const unasked = modes.map(
    (m) =>
      `${m.agent} (${m.profile} ${modeName(m.permission)}: ${PERMISSION_MODE_WORDS[m.permission.mode]}; ${m.permission.originDetail})`,
  );
  // Flags of agents whose mode is not known (an older daemon): the flags alone tell.
  const flags = flagged
    .filter((a) => !byMode.has(a.id))
    .map((a) => `${a.agent} (${a.profile} ${a.flags.join(', ')})`);
  const wide = rules.map((r) => `${r.path} "${r.rule}"`);
  const inSandbox =
    found.sandboxed.length > 0
      ? `; ${found.sandboxed.join(', ')} act${found.sandboxed.length === 1 ? 's' : ''} without asking inside a sandbox (the recommended setup for unattended agents)`
      : '';
  if (unasked.length + flags.length + wide.length === 0) {
    const unknown = found.unknown;
    return check('permissions', {
      status: 'ok',
      summary:
        unknown.length === 0
          ? `no running agent acts without asking${inSandbox ? ' outside a sandbox' : ''}; no approval rule allows everything${inSandbox}`
          : `no running agent is known to act without asking${inSandbox ? ' outside a sandbox' : ''} (the permission mode of ${unknown.join(', ')} is not known); no approval rule allows everything${inSandbox}`,
      fix: null,
    });
  }
  const parts = [
    ...(unasked.length > 0 ? [`agents that act without asking: ${unasked.join('; ')}`] : []),
    ...(flags.length > 0 ? [`agents running with broad permissions: ${flags.join('; ')}`] : []),
    ...(wide.length > 0 ? [`approval rules that allow everything: ${wide.join('; ')}`] : []),
  ];
  const askHints = [...new Set(modes.flatMap((m) => (m.askWith === null ? [] : [m.askWith])))];
  const fixes = [
    ...(unasked.length > 0
      ? [
          `if they should ask, start them so${askHints.length > 0 ? ` (${askHints.join('; ')})` : ''} or switch their mode back in their terminal (e.g. shift+tab); to let them run unattended, start them sandboxed (\`wtp new --sandbox\`, docs/sandbox.md)`,
        ]
      : []),
    ...(flags.length > 0 ? ['restart those agents without the flag if they should ask'] : []),
    ...(wide.length > 0 ? [`narrow the rules in ${configFile} to what may run, e.g. Bash(npm test*)`] : []),
  ];
  return check('permissions', {
    status: 'warn',
    summary: `${parts.join('; ')}${inSandbox}`,
    fix: `${fixes.join('; ')} (approval rules: approvals: in the config, \`wtp new --auto-approve\`)`,
    ...(wide.length > 0 ? { path: configFile } : {}),
  });
}
