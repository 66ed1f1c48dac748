import { z } from 'zod';
import { restartPolicySchema } from './agent.js';
import { approvalsSchema } from './approval-schema.js';
import { envKeySchema, nameSchema } from './common.js';
import { didYouMeanText } from './did-you-mean.js';
import { PROFILE_NAMES } from './profile-names.js';

/**
 * Layout templates (YAML): a tree of splits whose leaves are agents or plain commands.
 * `schemas/template.schema.json` is generated from these schemas.
 */

/** Size of a pane in its split: `30%` of the split, or a number of cells (only for the last pane). */
export const paneSizeSchema = z
  .union([
    z.string().regex(/^([1-9]|[1-9][0-9])%$/, 'must be a percentage from 1% to 99%, e.g. "30%"'),
    z.number().int().min(1).max(1000).describe('cells (columns or rows)'),
  ])
  .describe('"30%" of the split, or a number of cells (only for the last pane of a split)');

const envSchema = z.record(envKeySchema, z.string()).default({});

export const agentLeafSchema = z.strictObject({
  agent: z.strictObject({
    name: nameSchema.describe('Agent name, unique in the workspace'),
    profile: z
      .enum(PROFILE_NAMES, {
        error: (i) =>
          `unknown profile ${JSON.stringify(i.input)}.${typeof i.input === 'string' ? didYouMeanText(i.input, PROFILE_NAMES) : ''} Profiles: ${PROFILE_NAMES.join(', ')}`,
      })
      .optional()
      .describe(
        'shell, cmd, …; defaults to the profile given when the workspace is created (`--profile`, shell)',
      ),
    args: z
      .array(z.string())
      .default([])
      .describe('For cmd: the command and its arguments; else extra arguments'),
    env: envSchema,
    restart: restartPolicySchema.default('never'),
    prompt: z.string().optional().describe('Typed into the agent once it has started and gone quiet'),
    cwd: z.string().optional().describe('Working directory, relative to the repository'),
    sandbox: z
      .literal(true)
      .optional()
      .describe(
        'Run it in a sandbox (docs/sandbox.md), as `wtp new --sandbox`. Only `true`: a template (a repository’s among them) can ask for a sandbox, never drop one the config asks for',
      ),
    mcp: z
      .boolean()
      .optional()
      .describe("Give it wezterm-parallel's MCP server, as `wtp new --mcp` (docs/mcp.md): it can run a team"),
  }),
  size: paneSizeSchema.optional(),
});

export const commandLeafSchema = z.strictObject({
  command: z
    .strictObject({
      title: z.string().optional().describe('Pane title'),
      run: z.array(z.string().min(1)).min(1).optional().describe('The program and its arguments (no shell)'),
      shell: z
        .string()
        .min(1)
        .optional()
        .describe('A shell command line, run with $SHELL -c (e.g. "npm run dev")'),
      env: envSchema,
      cwd: z.string().optional().describe('Working directory, relative to the repository'),
    })
    .refine((c) => (c.run === undefined) !== (c.shell === undefined), {
      message: 'give exactly one of `run` (argv) or `shell` (a command line)',
    }),
  size: paneSizeSchema.optional(),
});

export type LayoutNode = AgentLeaf | CommandLeaf | SplitNode;
export type AgentLeaf = z.output<typeof agentLeafSchema>;
export type CommandLeaf = z.output<typeof commandLeafSchema>;
export interface SplitNode {
  split: 'right' | 'down';
  panes: LayoutNode[];
  size?: string | number | undefined;
}

export const splitNodeSchema = z.strictObject({
  split: z
    .enum(['right', 'down'])
    .describe('right: panes side by side, left to right; down: stacked, top to bottom'),
  get panes() {
    return z.array(layoutNodeSchema).min(2, 'a split needs at least two panes');
  },
  size: paneSizeSchema.optional(),
});

export const layoutNodeSchema: z.ZodType<LayoutNode> = z.union([
  agentLeafSchema,
  commandLeafSchema,
  splitNodeSchema,
]);

export const templateSchema = z
  .strictObject({
    description: z.string().default('').describe('One line shown by `wtp template ls`'),
    layout: layoutNodeSchema,
    approvals: approvalsSchema
      .optional()
      .describe(
        "Approval rules of every agent of the template, on top of the config's (a repository's template is approved with them)",
      ),
    sandbox: z
      .literal(true)
      .optional()
      .describe(
        'Run every agent of the workspace in a sandbox (docs/sandbox.md). Only `true`: a template can ask for a sandbox, never drop one',
      ),
  })
  .superRefine((t, ctx) => checkLayout(t.layout, ['layout'], new Set(), ctx))
  .describe('A wezterm-parallel workspace layout');

/** Rules a schema cannot express: unique agent names, sizes that add up, cells only last. */
function checkLayout(
  node: LayoutNode,
  path: (string | number)[],
  names: Set<string>,
  ctx: z.RefinementCtx,
): void {
  if ('agent' in node) {
    if (names.has(node.agent.name)) {
      ctx.addIssue({
        code: 'custom',
        path: [...path, 'agent', 'name'],
        message: `the name "${node.agent.name}" is used twice`,
      });
    }
    names.add(node.agent.name);
    return;
  }
  if (!('split' in node)) return;
  let percent = 0;
  let unsized = 0;
  node.panes.forEach((child, i) => {
    const size = child.size;
    if (typeof size === 'number' && i !== node.panes.length - 1) {
      ctx.addIssue({
        code: 'custom',
        path: [...path, 'panes', i, 'size'],
        message: 'a size in cells is only allowed on the last pane of a split',
      });
    }
    if (typeof size === 'string') percent += Number(size.slice(0, -1));
    else unsized += 1;
    checkLayout(child, [...path, 'panes', i], names, ctx);
  });
  if (unsized === 0 && percent !== 100) {
    ctx.addIssue({
      code: 'custom',
      path: [...path, 'panes'],
      message: `the sizes add up to ${percent}%, not 100%`,
    });
  }
  if (unsized > 0 && percent >= 100) {
    ctx.addIssue({
      code: 'custom',
      path: [...path, 'panes'],
      message: `the sizes add up to ${percent}%, leaving no room for the other panes`,
    });
  }
}
export type Template = z.output<typeof templateSchema>;

export const TEMPLATE_SOURCES = ['builtin', 'user', 'repo'] as const;
export type TemplateSource = (typeof TEMPLATE_SOURCES)[number];

/**
 * How a template is named when several sources have one of that name: a bare name is the
 * user's, else the built-in, else the repository's; `repo:NAME` (and `user:`, `builtin:`) picks one.
 */
export const TEMPLATE_REF_HELP =
  'A template name: a bare name is yours, else the built-in, else the repository’s (which never replaces one of yours or a built-in); `repo:NAME`, `user:NAME` or `builtin:NAME` picks one source';

export const templateInfoSchema = z.object({
  name: z
    .string()
    .describe(
      'What selects it (`--template`): the bare name, or `repo:NAME` / `builtin:NAME` when a template of yours or a built-in has the same name',
    ),
  description: z.string(),
  source: z.enum(TEMPLATE_SOURCES),
  path: z.string().nullable().describe('The file it was read from (null for built-ins)'),
  hash: z.string().describe('sha256 of its YAML, as read'),
  approved: z
    .boolean()
    .nullable()
    .describe(
      'A repository template: whether this exact content (hash) is approved for this repository (`wtp template approve`); null for built-in and user templates, which need no approval',
    ),
});
export type TemplateInfo = z.infer<typeof templateInfoSchema>;

/** The template a workspace was created from, and where it came from. */
export const templateUseSchema = templateInfoSchema.omit({ description: true, source: true }).extend({
  source: z
    .enum([...TEMPLATE_SOURCES, 'file'])
    .describe(
      'builtin, user (config dir), repo (the repository’s, approved), or file (a file named on the command line)',
    ),
  note: z
    .string()
    .nullable()
    .describe('e.g. that the repository also has a template of this name, which was not used'),
});
export type TemplateUse = z.infer<typeof templateUseSchema>;
