import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { WtpError } from '../../../client/wtp-error.js';
import type { LayoutNode } from '../../../protocol/template.js';
import type { CliContext } from '../context.js';
import { table } from '../format.js';
import { runAction } from '../run-action.js';

/** Templates are files: these commands read and check them here, without the daemon. */
const templates = () => import('../../../config/templates.js');

const countPanes = (n: LayoutNode): number =>
  'split' in n ? n.panes.reduce((s, c) => s + countPanes(c), 0) : 1;

export function registerTemplateCommands(program: Command, ctx: CliContext): void {
  const t = program
    .command('template')
    .description('layout templates: built-in, yours (config dir) and the repository’s');
  const dirs = (repo: string | undefined) => ({
    configDir: ctx.paths.configDir,
    repoPath: resolve(repo ?? '.'),
  });

  t.command('ls')
    .description('list templates; a repository’s override yours, which override the built-ins')
    .option('--repo <path>', 'also the templates of this repository (.wezterm-parallel/templates)', '.')
    .option('--json', 'machine-readable output')
    .action((raw: { repo: string; json?: boolean }) =>
      runAction(ctx, raw.json, async () => {
        const list = (await templates()).listTemplates(dirs(raw.repo));
        if (ctx.json) {
          ctx.emit('templates', { templates: list });
          return;
        }
        ctx.line(
          table(
            ['NAME', 'SOURCE', 'DESCRIPTION'],
            list.map((x) => [x.name, x.source, x.error ? `INVALID: ${x.error}` : x.description]),
          ),
        );
      }),
    );

  t.command('show')
    .description('print a template and how many panes it makes')
    .argument('<name>', 'template name')
    .option('--repo <path>', 'the repository whose templates count', '.')
    .option('--json', 'machine-readable output')
    .action((name: string, raw: { repo: string; json?: boolean }) =>
      runAction(ctx, raw.json, async () => {
        const loaded = (await templates()).loadTemplate(name, dirs(raw.repo));
        const panes = countPanes(loaded.template.layout);
        const { template: _t, yaml, ...info } = loaded;
        if (ctx.json) ctx.emit('template', { template: info, yaml, panes });
        else
          ctx.out.write(
            `# ${name} (${loaded.source}${loaded.path ? `: ${loaded.path}` : ''}), ${panes} pane(s)\n${yaml}`,
          );
      }),
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
          throw new WtpError('TEMPLATE_NOT_FOUND', `Cannot read ${path}.`, { path });
        }
        const template = (await templates()).parseTemplate(text, path);
        const panes = countPanes(template.layout);
        if (ctx.json) ctx.emit('templateValid', { valid: true, file: path, panes });
        else ctx.line(`${path}: valid (${panes} pane(s))`);
      }),
    );
}
