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
        'Requests answered yes without asking you. A command holding a shell control character (; & | $ < > ( ), a backquote or a newline) matches only a glob that holds it too',
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
