import { z } from 'zod';
import { agentSchema, backendSchema } from './agent.js';
import { isoTimeSchema, nameSchema } from './common.js';
import { BACKEND_CHOICES } from './constants.js';
import { TEMPLATE_REF_HELP, templateUseSchema } from './template.js';

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

export const workspaceSummarySchema = workspaceSchema.extend({
  agents: z.number().int().describe('Agents in the workspace'),
});
export type WorkspaceSummary = z.infer<typeof workspaceSummarySchema>;

export const createWorkspaceRequestSchema = z
  .strictObject({
    name: nameSchema,
    repo: z
      .string()
      .min(1)
      .refine((p) => p.startsWith('/'), { message: 'must be an absolute path' })
      .describe('The folder the workspace works on (with `worktrees`, a git repository)'),
    worktrees: z
      .boolean()
      .default(false)
      .describe(
        'true: every agent pane of the template gets a worktree of its own in `repo` (branch wtp/<name>), as `wtp new --repo`; false: agents work in place in the folder',
      ),
    template: z.string().min(1).optional().describe(TEMPLATE_REF_HELP),
    templateYaml: z
      .string()
      .min(1)
      .max(256 * 1024)
      .optional()
      .describe('A template given inline (a file the CLI read)'),
    templateFile: z.string().optional().describe('Where the inline template came from, recorded as its name'),
    backend: z.enum(BACKEND_CHOICES).default('auto').describe('auto: the daemon’s backend'),
    profile: z.string().min(1).default('shell').describe('Profile of template agents that name none'),
  })
  .refine((r) => !(r.template && r.templateYaml), { message: 'give `template` or `templateYaml`, not both' });
export type CreateWorkspaceRequest = z.infer<typeof createWorkspaceRequestSchema>;

/** A created workspace: the workspace, its agents, and the template it was laid out from. */
export const createdWorkspaceSchema = z.object({
  workspace: workspaceSchema,
  agents: z.array(agentSchema),
  template: templateUseSchema
    .nullable()
    .describe('The template used and where it came from; null without one'),
});

export const workspaceRefParamsSchema = z.strictObject({ workspace: z.string().min(1) });
