import type { WtpConfig } from '../../../config/schema.js';
import { broadFlagsIn, isBlanket, parseApprovalRule } from '../../../protocol/approval-rule.js';
import type { AgentClis, DoctorCheck, DoctorReport } from '../../../protocol/doctor.js';
import type { CliContext } from '../context.js';
import { check } from './probe.js';

type BroadPermissions = DoctorReport['broadPermissions'];

/** States in which an agent's process runs. */
const RUNNING = new Set(['running', 'working', 'needs_permission', 'needs_input', 'idle']);

/** The running agents started with a broad-permission flag, and the config's allow-everything rules. */
export async function findBroadPermissions(
  ctx: CliContext,
  config: WtpConfig,
  clis: AgentClis,
  daemonRuns: boolean,
): Promise<BroadPermissions> {
  const flagsOf = new Map(clis.agentClis.map((c) => [c.profile as string, c.broadFlags]));
  const { agents } = daemonRuns ? await ctx.client().call('listAgents', { query: {} }) : { agents: [] };
  return {
    agents: agents.flatMap((a) => {
      const flags = RUNNING.has(a.state) ? broadFlagsIn(a.args, flagsOf.get(a.profile) ?? []) : [];
      return flags.length === 0
        ? []
        : [{ agent: a.name, id: a.id, workspace: a.workspace, profile: a.profile, flags }];
    }),
    rules: config.approvals.allow.flatMap((rule, i) => {
      const r = parseApprovalRule(rule);
      return typeof r !== 'string' && isBlanket(r) ? [{ path: `approvals.allow[${i}]`, rule }] : [];
    }),
  };
}

/** `permissions`: a warning naming each agent that acts without asking, and each rule that allows everything. */
export function permissionsCheck(found: BroadPermissions, configFile: string): DoctorCheck {
  const agents = found.agents.map((a) => `${a.agent} (${a.profile} ${a.flags.join(', ')})`);
  const rules = found.rules.map((r) => `${r.path} "${r.rule}"`);
  if (agents.length + rules.length === 0) {
    return check('permissions', {
      status: 'ok',
      summary: 'no running agent acts without asking; no approval rule allows everything',
      fix: null,
    });
  }
  const parts = [
    ...(agents.length > 0 ? [`agents running with broad permissions: ${agents.join('; ')}`] : []),
    ...(rules.length > 0 ? [`approval rules that allow everything: ${rules.join('; ')}`] : []),
  ];
  const fixes = [
    ...(agents.length > 0 ? ['restart those agents without the flag if they should ask'] : []),
    ...(rules.length > 0 ? [`narrow the rules in ${configFile} to what may run, e.g. Bash(npm test*)`] : []),
  ];
  return check('permissions', {
    status: 'warn',
    summary: parts.join('; '),
    fix: `${fixes.join('; ')} (approval rules: approvals: in the config, \`wtp new --auto-approve\`)`,
    ...(rules.length > 0 ? { path: configFile } : {}),
  });
}
