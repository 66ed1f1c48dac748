import { z } from 'zod';
import { isoTimeSchema, nameSchema } from './common.js';

export const workspaceSchema = z.object({
  id: z.string(),
  name: nameSchema,
  repoPath: z.string().nullable(),
  createdAt: isoTimeSchema,
});
export type WorkspaceView = z.infer<typeof workspaceSchema>;

export { DEFAULT_WORKSPACE } from './constants.js';
