import type { ApprovalRule } from '../../protocol/approval-rule.js';

/** A vendor's tool names by kind (`Bash`: its shell tool…): `ProfileSpec.toolClasses`. */
export type ToolClasses = Readonly<Record<string, readonly string[]>>;

/** The kind of tool whose target is a command line (the others' is a path). */
export const COMMAND_CLASS = 'Bash';

/** What an agent asks for: its vendor's tool name and the command or path, when known. */
export interface AskedRequest {
  tool?: string | undefined;
  about?: string | undefined;
}

/** The rules that apply to one agent, already parsed. */
export interface RuleSet {
  allow: readonly ApprovalRule[];
  deny: readonly ApprovalRule[];
}

/** Where a request is judged: the agent's profile, its tool classes and working directory. */
export interface MatchContext {
  profile: string;
  tools: ToolClasses;
  cwd: string;
}

export interface PolicyDecision {
  action: 'approve' | 'deny';
  /** The rule that decided, as written. */
  rule: string;
}

/** Shell control characters: a command holding one matches an allow glob only if the glob holds it too. */
const CONTROL = /[;&|`$<>()\n\r]/g;

function globRegex(glob: string): RegExp {
  // Claude Code's legacy prefix form `npm test:*` = "npm test" alone or followed by arguments.
  const prefix = glob.endsWith(':*') ? glob.slice(0, -2) : null;
  const body = (prefix ?? glob)
    .split(/\*+/)
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${body}${prefix === null ? '' : '(?: .*)?'}$`, 's');
}

const squash = (s: string): string => s.trim().replace(/\s+/g, ' ');

/** Whether a command line matches an allow glob: the whole of it, and no control operator the glob lacks. */
export function commandAllowed(glob: string, command: string): boolean {
  for (const c of new Set(command.match(CONTROL) ?? [])) if (!glob.includes(c)) return false;
  return globRegex(squash(glob)).test(squash(command));
}

/** Whether a command line matches a deny glob: the whole of it or any command within it. */
export function commandDenied(glob: string, command: string): boolean {
  const re = globRegex(squash(glob));
  const parts = command.split(/\$\(|[;&|`()\n\r]/).map(squash);
  return [squash(command), ...parts].some((p) => p !== '' && re.test(p));
}

/** A path as a rule sees it: relative to the agent's directory when inside it. */
function relativePath(path: string, cwd: string): string {
  const base = cwd.endsWith('/') ? cwd : `${cwd}/`;
  return path.startsWith(base) ? path.slice(base.length) : path;
}

const hasParentStep = (path: string): boolean => /(^|\/)\.\.(\/|$)/.test(path);

/** Whether a path matches a glob (`*` any characters, `/` too); `..` only when the glob has it. */
export function pathMatches(glob: string, path: string, cwd: string, allow: boolean): boolean {
  const rel = relativePath(path.trim(), cwd);
  if (allow && hasParentStep(rel) && !glob.includes('..')) return false;
  const re = globRegex(glob);
  return re.test(rel) || (!allow && re.test(path.trim()));
}

/** Whether a rule's tool (a kind like `Bash` or a tool's own name) covers the vendor's tool `tool`. */
export function toolCovers(ruleTool: string, tool: string, tools: ToolClasses): boolean {
  return ruleTool === tool || (tools[ruleTool]?.includes(tool) ?? false);
}

/** Whether one rule covers the request, for an allow (`allow`) or a deny rule. */
export function ruleMatches(
  rule: ApprovalRule,
  req: AskedRequest,
  ctx: MatchContext,
  allow: boolean,
): boolean {
  if (rule.vendor !== null && rule.vendor !== ctx.profile) return false;
  if (rule.tool !== '*') {
    if (req.tool === undefined) return false;
    if (!toolCovers(rule.tool, req.tool, ctx.tools)) return false;
  }
  if (rule.glob === null) return true;
  if (req.about === undefined || req.tool === undefined) return false;
  if (toolCovers(COMMAND_CLASS, req.tool, ctx.tools)) {
    return allow ? commandAllowed(rule.glob, req.about) : commandDenied(rule.glob, req.about);
  }
  return pathMatches(rule.glob, req.about, ctx.cwd, allow);
}

/** The answer the rules give a request: deny wins over allow; null when no rule covers it. */
export function decide(rules: RuleSet, req: AskedRequest, ctx: MatchContext): PolicyDecision | null {
  const denied = rules.deny.find((r) => ruleMatches(r, req, ctx, false));
  if (denied) return { action: 'deny', rule: denied.text };
  const allowed = rules.allow.find((r) => ruleMatches(r, req, ctx, true));
  return allowed ? { action: 'approve', rule: allowed.text } : null;
}
