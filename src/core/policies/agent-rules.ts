import { isBlanket, parseApprovalRule, type ApprovalRule } from '../../protocol/approval-rule.js';
import type { Approvals } from '../../protocol/approval-schema.js';
import { appError } from '../../protocol/error-messages.js';
import { AppError } from '../errors.js';
import type { ProfileSpec } from '../agents/profiles.js';
import type { RuleSet } from './matcher.js';

/** Parses rules already checked by a schema (a rule that does not parse is dropped). */
export function parseRules(texts: readonly string[]): ApprovalRule[] {
  return texts.map(parseApprovalRule).filter((r): r is ApprovalRule => typeof r !== 'string');
}

/** The rules that apply to an agent of `profile`: the config's, then its own; other vendors' left out. */
export function rulesFor(profile: string, config: Approvals, own: Approvals | undefined): RuleSet {
  const mine = (r: ApprovalRule): boolean => r.vendor === null || r.vendor === profile;
  return {
    allow: parseRules([...config.allow, ...(own?.allow ?? [])]).filter(mine),
    deny: parseRules([...config.deny, ...(own?.deny ?? [])]).filter(mine),
  };
}

/** Whether approval rules do anything for agents of this profile: enforced by the CLI, or its dialogs answered. */
export const takesApprovals = (spec: ProfileSpec): boolean =>
  spec.nativeApprovals === true || spec.dialogs !== undefined;

/**
 * Checks an agent's own rules before it is created: each parses, names this agent's vendor if
 * any, and no allow rule says yes to everything (the vendor's own flag is the way to that).
 */
export function checkAgentRules(spec: ProfileSpec, approvals: Approvals): void {
  if (!takesApprovals(spec)) {
    throw appError('PROFILE_OPTION_UNSUPPORTED', {
      profile: spec.name,
      option: 'auto-approve',
      reason: 'wezterm-parallel cannot answer its dialogs',
    });
  }
  const issues: { path: string; message: string }[] = [];
  const flag = spec.broadFlags?.[0]?.join(' ');
  for (const list of ['allow', 'deny'] as const) {
    approvals[list].forEach((text, i) => {
      const path = `approvals.${list}[${i}]`;
      const r = parseApprovalRule(text);
      if (typeof r === 'string') issues.push({ path, message: r });
      else if (r.vendor !== null && r.vendor !== spec.name) {
        issues.push({ path, message: `"${text}" is for ${r.vendor} agents; this agent is ${spec.name}` });
      } else if (list === 'allow' && isBlanket(r)) {
        const instead = flag
          ? `if that is what you want, start it with ${spec.name}'s own flag \`${flag}\``
          : `${spec.name} has no flag for that here`;
        issues.push({
          path,
          message: `"${text}" allows everything; give a glob for what to allow, e.g. Bash(npm test*) (${instead})`,
        });
      }
    });
  }
  if (issues.length === 0) return;
  const [first] = issues;
  throw new AppError('INVALID_INPUT', `Approval rule refused: ${first?.message ?? ''}.`, { issues });
}
