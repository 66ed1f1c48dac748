import { z } from 'zod';
import { agentStateSchema, restartPolicySchema } from '../../protocol/agent.js';
import { nameSchema } from '../../protocol/common.js';

/**
 * zod schemas of the CLI's options, loaded only when a user typed an option (see
 * validate.ts): `wtp ls` and friends start without loading zod at all. The defaults of
 * every command must satisfy these (option-schemas.test.ts checks it).
 */
const envPair = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*=/, 'must look like KEY=VALUE with a valid variable name');

export const optionSchemas = {
  new: z.object({
    name: nameSchema.optional(),
    cwd: z.string().min(1).optional(),
    restart: restartPolicySchema,
    env: z.array(envPair),
    workspace: z.string().min(1).optional(),
    wait: z.boolean(),
  }),
  ls: z.object({ workspace: z.string().min(1).optional(), state: agentStateSchema.optional() }),
  stop: z.object({ grace: z.coerce.number().int().min(0).max(600_000).optional(), wait: z.boolean() }),
  logs: z.object({ tail: z.coerce.number().int().min(0).max(1_000_000).optional() }),
  events: z.object({
    since: z.coerce.number().int().min(0),
    limit: z.coerce.number().int().min(1).max(10_000),
  }),
} as const;

export type OptionSchemas = typeof optionSchemas;
