import { z } from 'zod';
import { agentSchema } from './agent.js';
import { isoTimeSchema, nameSchema } from './common.js';

/**
 * A host whose agent the daemon does not know (its database was lost or replaced): kept
 * running and shown until the user stops or adopts it.
 */
export const orphanHostSchema = z.object({
  agentId: z.string().describe('The agent id the host was started for'),
  hostPid: z.number().int(),
  childPid: z.number().int().nullable().describe('The agent process, while it runs'),
  pane: z.string().nullable().describe('The pane the host runs in, null when headless'),
  since: isoTimeSchema.describe('When it said hello to this daemon'),
  name: z.string().nullable().describe('Name, workspace, profile, command and folder as the host knows them'),
  workspace: z.string().nullable(),
  profile: z.string().nullable(),
  command: z.array(z.string()).nullable(),
  cwd: z.string().nullable(),
  adoptable: z
    .boolean()
    .describe('Its agent runs and the host said what it is: `adopt` can register it again'),
});
export type OrphanHost = z.infer<typeof orphanHostSchema>;

export const orphanParamsSchema = z.strictObject({
  agent: z.string().min(1).describe('The orphan’s agent id'),
});

export const adoptOrphanRequestSchema = z.strictObject({
  name: nameSchema.optional().describe('Register it under this name (default: the name it had)'),
  workspace: nameSchema
    .optional()
    .describe('Register it in this workspace (default: the one it had; made if missing)'),
});

export const orphanListSchema = z.object({ orphans: z.array(orphanHostSchema) });
export const orphanStoppedSchema = z.object({ orphan: orphanHostSchema });
export const orphanAdoptedSchema = z.object({ agent: agentSchema });
