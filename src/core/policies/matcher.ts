import type { ApprovalRule } from '../../protocol/approval-rule.js';

/** A vendor's tool names by kind (`Bash`: its shell tool…): `ProfileSpec.toolClasses`. */
export type ToolClasses = Readonly<Record<string, readonly string[]>>;

/** The kind of tool whose target is a command line (the others' is a path). */
export const COMMAND_CLASS = 'Bash';

/** What an agent asks for: its vendor's tool name and the command or path, when known. */
export interface AskedRequest {
  tool?: string | undefined;
  about?: string | undefined;
  /**
   * `about` is the whole command or path, as the agent's hook gave it (PendingRequest.complete).
   * Without it (read off a screen, or cut at its bound) no rule approves the request.
   */
  complete?: boolean | undefined;
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

/**
 * Whether `text` matches a rule's glob as a whole: `*` is any characters (`/` too); Claude Code's
 * prefix form `npm test:*` is "npm test" alone or followed by arguments. Runs of whitespace
 * count as one space in both. Linear in the text whatever the glob (no backtracking: the texts
 * are an agent's, up to 64 KiB).
 */
export function globMatches(glob: string, text: string): boolean {
  const g = squash(glob);
  const t = squash(text);
  if (g.endsWith(':*')) {
    const prefix = g.slice(0, -2);
    return wildcard(prefix.split('*'), t) || wildcard(`${prefix} *`.split('*'), t);
  }
  return wildcard(g.split('*'), t);
}

const squash = (s: string): string => s.trim().replace(/\s+/g, ' ');

/** Whether `text` is `parts` joined by runs of any characters: the first a prefix, the last a suffix, the others found in order. */
function wildcard(parts: readonly string[], text: string): boolean {
  const first = parts[0] ?? '';
  if (parts.length === 1) return text === first;
  const last = parts[parts.length - 1] ?? '';
  if (text.length < first.length + last.length || !text.startsWith(first) || !text.endsWith(last))
    return false;
  let at = first.length;
  const end = text.length - last.length;
  for (const part of parts.slice(1, -1)) {
    const found = text.indexOf(part, at);
    if (found < 0 || found + part.length > end) return false;
    at = found + part.length;
  }
  return true;
}

/** Whether a rule's tool (a kind like `Bash` or a tool's own name) covers the vendor's tool `tool`. */
export function toolCovers(ruleTool: string, tool: string, tools: ToolClasses): boolean {
  return ruleTool === tool || (tools[ruleTool]?.includes(tool) ?? false);
}

/** Whether a rule is about this request's tool, on this agent's vendor (its glob aside). */
export function ruleAppliesTo(rule: ApprovalRule, tool: string | undefined, ctx: MatchContext): boolean {
  if (rule.vendor !== null && rule.vendor !== ctx.profile) return false;
  if (rule.tool === '*') return true;
  return tool !== undefined && toolCovers(rule.tool, tool, ctx.tools);
}

/** Whether a rule covers a kind of tool (`Write`…): names the kind, one of its tools, or any tool. */
export function ruleCoversClass(rule: ApprovalRule, kind: string, ctx: MatchContext): boolean {
  if (rule.vendor !== null && rule.vendor !== ctx.profile) return false;
  return rule.tool === '*' || rule.tool === kind || (ctx.tools[kind]?.includes(rule.tool) ?? false);
}
