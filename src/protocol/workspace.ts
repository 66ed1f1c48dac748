import { z } from 'zod';
import { backendSchema } from './agent.js';
import { isoTimeSchema, nameSchema } from './common.js';

export const workspaceSchema = z.object({
  id: z.string(),
  name: nameSchema,
  repoPath: z.string().nullable().describe('The repository (or folder) the workspace works on'),
  backend: backendSchema.describe('Where its panes live'),
  template: z.string().nullable().describe('The layout template it was created from'),
  createdAt: isoTimeSchema,
});
export type WorkspaceView = z.infer<typeof workspaceSchema>;

export { DEFAULT_WORKSPACE } from './constants.js';
