import { PROFILE_NAMES } from './profile-names.js';

/**
 * Approval rules (config and templates `approvals:`, `wtp new --auto-approve`): Claude
 * Code's own syntax `Tool(glob)` or a bare `Tool`, optionally scoped to one vendor's agents by its
 * profile name: `claude:Bash(npm test*)`. `Bash`, `Write`, `Edit`, `Read`, `WebFetch` name a kind
 * of tool on every vendor (each vendor's `toolClasses`); any other name is a vendor's own tool
 * (`run_shell_command(npm test*)`); `*` alone is every tool.
 */
export interface ApprovalRule {
  /** The rule as written. */
  text: string;
  /** The profile whose agents it applies to; null: every agent. */
  vendor: string | null;
  /** A tool kind (`Bash`), a vendor's tool name, or `*` (any tool). */
  tool: string;
  /** The glob on the command or path; null: any. */
  glob: string | null;
}

const RULE = /^(?:([a-z][a-z0-9-]*):)?(\*|[A-Za-z_][A-Za-z0-9_.-]*)(?:\((.*)\))?$/s;

/** Parses one rule; a string says what is wrong with it. */
export function parseApprovalRule(text: string): ApprovalRule | string {
  if (/[\0\n\r]/.test(text)) return 'a rule is one line without NUL bytes';
  const m = RULE.exec(text.trim());
  if (!m?.[2]) {
    return `"${text}" is not a rule: write Tool or Tool(glob), e.g. Bash(npm test*), Write(src/**), Read, or vendor:Tool(glob)`;
  }
  const [, vendor, tool, glob] = m;
  const profiles: readonly string[] = PROFILE_NAMES;
  if (vendor !== undefined && !profiles.includes(vendor)) {
    return `unknown vendor "${vendor}" in "${text}"; use one of: ${PROFILE_NAMES.join(', ')}`;
  }
  if (glob !== undefined && glob.trim() === '') return `"${text}" has an empty glob; leave out "()" for any`;
  if (tool === '*' && glob !== undefined) return `"${text}": "*" (any tool) takes no glob`;
  return { text: text.trim(), vendor: vendor ?? null, tool, glob: glob?.trim() ?? null };
}

/** Kinds that only look: a bare rule of these is not "everything". */
const LOOKING_CLASSES = new Set(['Read', 'Glob', 'Grep', 'LS', 'WebFetch', 'WebSearch']);

/**
 * Whether an allow rule says yes to everything of a kind that acts: any tool (`*`), or a shell,
 * write or edit tool with no glob or one of only `*` (`Bash`, `Bash(*)`, `Write(**)`).
 */
export function isBlanket(rule: ApprovalRule): boolean {
  if (rule.tool === '*') return true;
  const any = rule.glob === null || /^[*\s:]*$/.test(rule.glob) || /^\/?\*+(\/\*+)*$/.test(rule.glob);
  return any && !LOOKING_CLASSES.has(rule.tool);
}

/** The broad-permission flags (`ProfileSpec.broadFlags`) found in an agent's arguments, as written. */
export function broadFlagsIn(args: readonly string[], flags: readonly (readonly string[])[]): string[] {
  return flags
    .filter((f) => args.some((_, i) => f.every((part, j) => args[i + j] === part)))
    .map((f) => f.join(' '));
}
