import * as z from 'zod/mini';
import { AGENT_STATES, NAME_PATTERN, RESTART_POLICIES } from '../../protocol/constants.js';
import { RECORD_STATES } from '../../protocol/constants.js';
import { parseApprovalRule } from '../../protocol/approval-rule.js';

/**
 * zod schemas of the CLI's options, loaded only when a user typed an option (validate.ts).
 * They use zod/mini (tree-shaken to a few validators: ~9 ms to load instead of ~50 ms for
 * the full library), built from the same constants as the protocol's schemas. The
 * defaults of every command must satisfy them (option-schemas.test.ts).
 */
const name = z
  .string()
  .check(
    z.regex(
      NAME_PATTERN,
      'must be 1-48 characters: letters, digits, "-" or "_", starting with a letter or digit',
    ),
  );
const envPair = z
  .string()
  .check(z.regex(/^[A-Za-z_][A-Za-z0-9_]*=/, 'must look like KEY=VALUE with a valid variable name'));
/** zod/mini carries no message catalog: every check says in words what is wrong. */
const oneOf = (values: readonly string[]) => `must be one of ${values.map((v) => `"${v}"`).join(', ')}`;
const int = (min: number, max: number) => {
  const message = `must be a whole number from ${min} to ${max}`;
  return z.coerce
    .number({ error: message })
    .check(z.int({ error: message }), z.minimum(min, { error: message }), z.maximum(max, { error: message }));
};
const nonEmpty = z.string().check(z.minLength(1, { error: 'must not be empty' }));
const approvalRule = z.string().check(
  z.superRefine((text, ctx) => {
    const r = parseApprovalRule(text);
    if (typeof r === 'string') ctx.addIssue({ code: 'custom', message: r, input: text });
  }),
);

export const optionSchemas = {
  new: z.object({
    name: z.optional(name),
    cwd: z.optional(nonEmpty),
    restart: z.enum(RESTART_POLICIES, { error: oneOf(RESTART_POLICIES) }),
    env: z.array(envPair),
    workspace: z.optional(nonEmpty),
    wait: z.boolean(),
    prompt: z.optional(nonEmpty),
    model: z.optional(nonEmpty),
    permissionMode: z.optional(nonEmpty),
    autoApprove: z.array(approvalRule),
    sandbox: z.optional(z.boolean()),
  }),
  ls: z.object({
    workspace: z.optional(nonEmpty),
    state: z.optional(z.enum(AGENT_STATES, { error: oneOf(AGENT_STATES) })),
    machine: z.optional(nonEmpty),
    local: z.optional(z.boolean()),
  }),
  push: z.object({
    remote: z.optional(
      z
        .string()
        .check(
          z.regex(
            /^[A-Za-z0-9_][A-Za-z0-9._/-]{0,99}$/,
            'must be a remote name: letters, digits, ".", "_", "-" or "/", starting with a letter, digit or "_"',
          ),
        ),
    ),
  }),
  logs: z.object({ tail: z.optional(int(0, 1_000_000)) }),
  mcp: z.object({ tokenFile: z.optional(nonEmpty), socket: z.optional(nonEmpty) }),
  events: z.object({ since: int(0, Number.MAX_SAFE_INTEGER), limit: int(1, 10_000) }),
  'record-screen': z.object({
    state: z.optional(z.enum(RECORD_STATES, { error: oneOf(RECORD_STATES) })),
    reason: z.optional(
      z
        .string()
        .check(z.regex(/^[a-z][a-z_]{0,39}$/, 'must be a reason word such as permission or question')),
    ),
    out: z.optional(nonEmpty),
    force: z.optional(z.boolean()),
  }),
} as const;

export type OptionSchemas = typeof optionSchemas;
