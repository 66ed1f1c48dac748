import type { ApprovalRule } from '../../protocol/approval-rule.js';
import { REQUEST_ABOUT_MAX } from '../../protocol/constants.js';
import type { RealPaths, ShellRedirect, ShellSyntax } from '../ports/shell-syntax.js';
import { readScript, type CommandCheck, type ShellReading } from './command-checks.js';
import {
  COMMAND_CLASS,
  globMatches,
  ruleAppliesTo,
  ruleCoversClass,
  toolCovers,
  type AskedRequest,
  type MatchContext,
  type RuleSet,
} from './matcher.js';
import { denyNames, looseForms } from './loose-deny.js';
import { pathRuleMatches, resolvePath, type ResolvedPath } from './path-rules.js';
import { clipped, quoted, wordValue } from './shell-words.js';

/** Where a request is judged, and what judging it needs from outside. */
export interface DecideContext extends MatchContext {
  shell: ShellSyntax;
  paths: RealPaths;
}

/** What the rules say: approve or deny (naming the rule), or null: left to the user. Always with why. */
export type PolicyDecision =
  { action: 'approve' | 'deny'; rule: string; reason: string } | { action: null; rule: null; reason: string };

const leave = (reason: string): PolicyDecision => ({ action: null, rule: null, reason });

/** Control characters a terminal may draw as something else (`\r`, escapes), NUL: never approved. */
const CONTROL = /[\0-\x08\x0b-\x1f\x7f-\x9f]/;
/** Files a redirection may always name. */
const HARMLESS = /^\/dev\/(?:null|stdout|stderr|fd\/[0-2])$/;

/**
 * The answer the rules give a request, judged on the whole of it: deny wins over allow;
 * a shell command is parsed (ShellSyntax) into its simple commands — a deny rule matches any of them
 * (and what wrappers, `sh -c` and `eval` run), an allow rule approves only when every one is allowed,
 * every file a redirection writes is allowed by a Write or Edit rule (reads: inside the working folder
 * or a Read rule), and nothing is left unresolved (a syntax error, an expansion, a construct not
 * understood). Paths are resolved against the working folder, after `..` and links. A request whose
 * `about` is not `complete` is never approved.
 */
export async function decide(rules: RuleSet, req: AskedRequest, ctx: DecideContext): Promise<PolicyDecision> {
  const applies = (list: readonly ApprovalRule[]): ApprovalRule[] =>
    list.filter((r) => ruleAppliesTo(r, req.tool, ctx));
  const deny = applies(rules.deny);
  const allow = applies(rules.allow);
  if (deny.length + allow.length === 0) return leave('no rule names this tool');
  const bareDeny = deny.find((r) => r.glob === null);
  if (bareDeny)
    return {
      action: 'deny',
      rule: bareDeny.text,
      reason: `${bareDeny.text} denies every ${req.tool ?? 'tool'} request`,
    };
  if (req.about === undefined) {
    const bare = allow.find((r) => r.glob === null);
    return bare
      ? {
          action: 'approve',
          rule: bare.text,
          reason: `${bare.text} allows every ${req.tool ?? 'tool'} request`,
        }
      : leave('the request names no command or path');
  }
  const isCommand = req.tool !== undefined && toolCovers(COMMAND_CLASS, req.tool, ctx.tools);
  return isCommand ? decideCommand(rules, deny, allow, req, ctx) : decidePath(deny, allow, req, ctx);
}

async function decidePath(
  deny: ApprovalRule[],
  allow: ApprovalRule[],
  req: AskedRequest,
  ctx: DecideContext,
): Promise<PolicyDecision> {
  const about = req.about ?? '';
  const p = await resolvePath(about, ctx.cwd, ctx.paths);
  const denied = deny.find((r) => r.glob !== null && pathRuleMatches(r.glob, p, ctx.cwd, false));
  if (denied)
    return {
      action: 'deny',
      rule: denied.text,
      reason: `${denied.text} matches ${clipped(p.real ?? about)}`,
    };
  const partial = notWhole(req);
  if (partial !== null) return leave(partial);
  const allowed = allow.find((r) => r.glob === null || pathRuleMatches(r.glob, p, ctx.cwd, true));
  if (allowed)
    return {
      action: 'approve',
      rule: allowed.text,
      reason: `${allowed.text} matches ${clipped(p.real ?? about)}`,
    };
  return leave(
    `no allow rule matches ${clipped(p.real ?? about)}${p.inside === null ? ' (outside the working folder)' : ''}`,
  );
}

/** Why a request's text cannot be approved as a whole, or null. */
function notWhole(req: AskedRequest): string | null {
  const about = req.about ?? '';
  if (req.complete !== true) return 'only part of the request is known (read off the screen, or cut)';
  if (about.length > REQUEST_ABOUT_MAX) return `the request is longer than ${REQUEST_ABOUT_MAX} characters`;
  if (CONTROL.test(about)) return 'the request holds control characters';
  return null;
}

async function decideCommand(
  rules: RuleSet,
  deny: ApprovalRule[],
  allow: ApprovalRule[],
  req: AskedRequest,
  ctx: DecideContext,
): Promise<PolicyDecision> {
  const about = (req.about ?? '').slice(0, REQUEST_ABOUT_MAX);
  let reading: ShellReading;
  try {
    reading = await readScript(await ctx.shell.parse(about), ctx.shell);
  } catch (err) {
    return leave(`the command could not be parsed: ${String(err)}`);
  }
  if (reading.unresolved.length > 0) {
    // Not fully resolved: bash may read it otherwise; deny rules also see its text, loosely cut.
    const names = denyNames(deny.flatMap((r) => (r.glob === null ? [] : [r.glob])));
    reading.checks.push({ shown: about, allow: [], why: 'not fully parsed', deny: looseForms(about, names) });
  }
  for (const check of reading.checks) {
    const denied = deny.find(
      (r) => r.glob !== null && check.deny.some((form) => globMatches(r.glob ?? '', form)),
    );
    if (denied)
      return {
        action: 'deny',
        rule: denied.text,
        reason: `${denied.text} matches ${quoted(check.shown)}`,
      };
  }
  const writes = await redirectTargets(reading.redirects, ctx);
  for (const w of writes) {
    if (w.path === null) continue;
    const path = w.path;
    const denied = rules.deny.find(
      (r) =>
        r.glob !== null &&
        w.kinds.some((k) => ruleCoversClass(r, k, ctx)) &&
        pathRuleMatches(r.glob, path, ctx.cwd, false),
    );
    if (denied)
      return {
        action: 'deny',
        rule: denied.text,
        reason: `${denied.text} matches the redirection to ${clipped(path.written)}`,
      };
  }
  const partial = notWhole(req);
  if (partial !== null) return leave(partial);
  if (reading.unresolved.length > 0) return leave(`not fully parsed: ${reading.unresolved[0] ?? ''}`);
  if (reading.checks.length === 0) return leave('the command runs nothing a rule could name');
  const used = new Set<string>();
  for (const check of reading.checks) {
    const rule = allowedBy(check, allow);
    if (rule === undefined) {
      return leave(
        check.why !== null
          ? `${quoted(check.shown)}: ${check.why}`
          : `no allow rule matches ${quoted(check.shown)}`,
      );
    }
    if (rule !== null) used.add(rule.text);
  }
  for (const w of writes) {
    const rule = w.path === null ? undefined : allowedPath(w.path, w.kinds, rules.allow, ctx);
    if (rule === undefined)
      return leave(`the redirection ${w.op} ${clipped(w.target)} is not allowed by a rule`);
    if (rule !== null) used.add(rule.text);
  }
  const names = [...used].join(', ');
  return { action: 'approve', rule: names, reason: `every command is allowed (${names})` };
}

/** The rule that allows a check; null when it needs none (`bash -c` whose script is judged); undefined: none does. */
function allowedBy(check: CommandCheck, allow: readonly ApprovalRule[]): ApprovalRule | null | undefined {
  if (check.why !== null) return undefined;
  if (check.allow === 'inner') return null;
  const forms = check.allow;
  return allow.find((r) => forms.some((form) => globMatches(r.glob ?? '*', form)));
}

/** A redirection to judge: what kind of access it is, and its file (null: dynamic, never allowed). */
interface Access {
  op: string;
  target: string;
  kinds: readonly string[];
  path: ResolvedPath | null;
}

/** Redirections that reach a file: writes (`>`, `>>`, `&>`, `>|`, `>&FILE`) and reads (`<`). */
async function redirectTargets(redirects: readonly ShellRedirect[], ctx: DecideContext): Promise<Access[]> {
  const out: Access[] = [];
  for (const r of redirects) {
    if (r.target === null) continue; // a here-document or here-string: its text is input
    const value = wordValue(r.target);
    const target = value ?? r.target.source;
    const dup = /^(?:>&|<&)$/.test(r.op) && value !== null && /^(?:\d+|-)$/.test(value);
    if (dup || (value !== null && HARMLESS.test(value))) continue;
    const kinds = r.op === '<' ? ['Read'] : /^(?:>|>>|>\||&>|&>>|>&)$/.test(r.op) ? ['Write', 'Edit'] : [];
    if (kinds.length === 0) {
      out.push({ op: r.op, target, kinds: ['Write', 'Edit'], path: null });
      continue;
    }
    out.push({
      op: r.op,
      target,
      kinds,
      path: value === null ? null : await resolvePath(value, ctx.cwd, ctx.paths),
    });
  }
  return out;
}

/** The rule that allows a redirection's file; null: it needs none (a read inside the working folder). */
function allowedPath(
  path: ResolvedPath,
  kinds: readonly string[],
  allow: readonly ApprovalRule[],
  ctx: DecideContext,
): ApprovalRule | null | undefined {
  if (kinds.includes('Read') && path.inside !== null) return null;
  return allow.find(
    (r) =>
      kinds.some((k) => ruleCoversClass(r, k, ctx)) &&
      (r.glob === null || pathRuleMatches(r.glob, path, ctx.cwd, true)),
  );
}
