import { z } from 'zod';
import { PROFILE_NAMES } from './profile-names.js';

/**
 * Approval rules (issue 17, config and templates `approvals:`, `wtp new --auto-approve`): Claude
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

/** One rule in a schema: checked when the config, template or request is read. */
export const approvalRuleSchema = z
  .string()
  .max(1_000)
  .superRefine((text, ctx) => {
    const r = parseApprovalRule(text);
    if (typeof r === 'string') ctx.addIssue({ code: 'custom', message: r });
  })
  .describe('Tool(glob), a bare Tool or vendor:Tool(glob), e.g. Bash(npm test*), Write(src/**), claude:Read');

/** `approvals:` of the config and of templates. */
export const approvalsSchema = z
  .strictObject({
    allow: z
      .array(approvalRuleSchema)
      .max(200)
      .default([])
      .describe(
        'Requests answered yes without asking you. A command with ; & | ` $ < > ( ) or a newline matches only a glob that has them',
      ),
    deny: z
      .array(approvalRuleSchema)
      .max(200)
      .default([])
      .describe('Requests answered no; deny wins over allow (a command matches when any part of it does)'),
  })
  .describe(
    'Approval rules: Claude Code gets them as its own permission settings, other agents have their dialogs answered (audited as via policy)',
  );
export type Approvals = z.output<typeof approvalsSchema>;
