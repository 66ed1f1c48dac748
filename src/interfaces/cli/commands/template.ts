import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { AppError } from '../../../protocol/app-error.js';
import { appError } from '../../../protocol/error-messages.js';
import type { LayoutNode, TemplateInfo } from '../../../protocol/template.js';
import type { CliContext } from '../context.js';
import { table } from '../format.js';
import { runAction } from '../run-action.js';
import { visibleText } from '../../../protocol/terminal-text.js';

/**
 * Templates are files: these commands read and check them here, without the daemon. Approvals
 * of repository templates are a file in the state dir, which the daemon reads at `workspace new`.
 */
const templates = () => import('../../../config/templates.js');

const countPanes = (n: LayoutNode): number =>
  'split' in n ? n.panes.reduce((s, c) => s + countPanes(c), 0) : 1;

const SHA256 = /^[0-9a-f]{64}$/;

/** Where templates and their approvals are, for the repository `repo`. */
export const templateDirs = (ctx: CliContext, repo: string) => ({
  configDir: ctx.paths.configDir,
  stateDir: ctx.paths.stateDir,
  repoPath: resolve(repo),
});

export function registerTemplateCommands(program: Command, ctx: CliContext): void {
  const t = program
    .command('template')
    .description('layout templates: built-in, yours (config dir) and the repository’s (approved by hash)');
  const approval = (x: TemplateInfo): string =>
    x.approved === null ? x.source : `${x.source} (${x.approved ? 'approved' : 'not approved'})`;

  t.command('ls')
    .description(
      'list templates by the name that selects them; a repository’s never replaces yours or a built-in (it is repo:NAME then)',
    )
    .option('--repo <path>', 'also the templates of this repository (.wezterm-parallel/templates)', '.')
    .option('--json', 'machine-readable output')
    .action((raw: { repo: string; json?: boolean }) =>
      runAction(ctx, raw.json, async () => {
        const list = (await templates()).listTemplates(templateDirs(ctx, raw.repo));
        if (ctx.json) return ctx.emit('templates', { templates: list });
        ctx.line(
          table(
            ['NAME', 'SOURCE', 'DESCRIPTION'],
            list.map((x) => [x.name, approval(x), x.error ? `INVALID: ${x.error}` : x.description]),
          ),
        );
      }),
    );

  /** `show` and `approve` print the same: where it comes from, its hash and approval, the YAML. */
  const print = async (name: string, raw: { repo: string; hash?: string }, approve: boolean) => {
    const m = await templates();
    const d = templateDirs(ctx, raw.repo);
    if (raw.hash !== undefined && !SHA256.test(raw.hash)) {
      const message = 'must be the sha256 shown by `wtp template show` (64 hex digits)';
      throw new AppError('INVALID_INPUT', `--hash ${message}.`, { issues: [{ path: '--hash', message }] });
    }
    const loaded = approve ? m.approveTemplate(name, d, raw.hash) : m.loadTemplate(name, d);
    const panes = countPanes(loaded.template.layout);
    const { template: _t, yaml, note, ...info } = loaded;
    if (ctx.json) return ctx.emit('template', { template: info, yaml, panes, note, repo: d.repoPath });
    const from = info.path ? `: ${info.path}` : '';
    const lines = [`# ${info.name} (${info.source}${from}), ${panes} pane(s)`];
    if (info.approved !== null) {
      const how = info.approved
        ? `approved for ${d.repoPath}`
        : `NOT approved for ${d.repoPath}; to use it: ${m.approveCommand(info.name, d.repoPath, info.hash)}`;
      lines.push(`# sha256 ${info.hash}: ${how}`);
    }
    if (note) lines.push(`# note: ${note}`);
    ctx.write(`${lines.join('\n')}\n${visibleText(yaml)}${yaml.endsWith('\n') ? '' : '\n'}`);
  };

  t.command('show')
    .description('print a template, how many panes it makes and, for a repository’s, its hash and approval')
    .argument('<name>', 'template name (`wtp template ls`), e.g. quad or repo:quad')
    .option('--repo <path>', 'the repository whose templates count', '.')
    .option('--json', 'machine-readable output')
    .action((name: string, raw: { repo: string; json?: boolean }) =>
      runAction(ctx, raw.json, () => print(name, raw, false)),
    );

  t.command('approve')
    .description(
      'approve a repository’s template for that repository: exactly the content shown (by its sha256); a changed file needs approval again',
    )
    .argument('<name>', 'the repository’s template, e.g. quad or repo:quad')
    .option('--repo <path>', 'the repository', '.')
    .option('--hash <sha256>', 'the hash `wtp template show` printed (default: the file as it is now)')
    .option('--json', 'machine-readable output')
    .action((name: string, raw: { repo: string; hash?: string; json?: boolean }) =>
      runAction(ctx, raw.json, () => print(name, raw, true)),
    );

  t.command('validate')
    .description('check a template file: every problem with its YAML path and line')
    .argument('<file>', 'a template YAML file')
    .option('--json', 'machine-readable output')
    .action((file: string, raw: { json?: boolean }) =>
      runAction(ctx, raw.json, async () => {
        const path = resolve(file);
        let text: string;
        try {
          text = readFileSync(path, 'utf8');
        } catch {
          throw appError('TEMPLATE_NOT_FOUND', { path });
        }
        const template = (await templates()).parseTemplate(text, path);
        const panes = countPanes(template.layout);
        if (ctx.json) ctx.emit('templateValid', { valid: true, file: path, panes });
        else ctx.line(`${path}: valid (${panes} pane(s))`);
      }),
    );
}
