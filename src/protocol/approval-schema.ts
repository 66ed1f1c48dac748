import { z } from 'zod';
import { parseApprovalRule } from './approval-rule.js';

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
        'Requests answered yes without asking you. A shell command is parsed: it is approved only when every simple command in it is allowed, nothing in it is known only when it runs, and every file it writes is allowed by a Write rule (docs/answers.md)',
      ),
    deny: z
      .array(approvalRuleSchema)
      .max(200)
      .default([])
      .describe(
        'Requests answered no; deny wins over allow (a command matches when any simple command in it does, however written or wrapped)',
      ),
  })
  .describe(
    'Approval rules: Claude Code gets them as its own permission settings, other agents have their dialogs answered (audited as via policy)',
  );
export type Approvals = z.output<typeof approvalsSchema>;
