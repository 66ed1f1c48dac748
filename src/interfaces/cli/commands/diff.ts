import type { RouteResponse } from '../../../protocol/routes.js';
import type { CliContext } from '../context.js';
import { table } from '../format.js';
import { visibleText } from '../../../protocol/terminal-text.js';

/**
 * `wtp diff AGENT [--stat]` without the program: the launcher runs it alone (fast-path.ts), as it
 * is the call people repeat while agents work. It prints only once the request succeeded.
 */
export async function showDiff(ctx: CliContext, ref: string, o: { stat: boolean }): Promise<void> {
  const r = await ctx.client().call('agentDiff', {
    params: { agent: ref },
    query: { stat: o.stat ? 'true' : 'false' },
  });
  if (ctx.json) ctx.emit('diff', r);
  else printDiff(ctx, r, o.stat);
}

/** The agent's changes as a table of files (`--stat`, or when there is no patch), else the patch. */
export function printDiff(ctx: CliContext, r: RouteResponse<'agentDiff'>, stat: boolean): void {
  if (r.diff.landed)
    return ctx.line(`${r.agent}: all of its work is in ${r.diff.base} already (merged): nothing to merge`);
  if (r.diff.files.length === 0) return ctx.line(`${r.agent}: no changes against ${r.diff.base}`);
  if (stat || r.diff.patch === '') {
    ctx.line(
      table(
        ['STATUS', 'FILE', '+', '-'],
        r.diff.files.map((f) => [
          f.status,
          f.oldPath ? `${f.oldPath} → ${f.path}` : f.path,
          String(f.insertions),
          String(f.deletions),
        ]),
      ),
    );
    const ins = r.diff.files.reduce((n, f) => n + f.insertions, 0);
    const del = r.diff.files.reduce((n, f) => n + f.deletions, 0);
    return ctx.line(`${r.diff.files.length} file(s), +${ins} -${del} against ${r.diff.base}`);
  }
  // A repository's files: their control characters shown as escapes (--json has the bytes).
  ctx.write(visibleText(r.diff.patch.endsWith('\n') ? r.diff.patch : `${r.diff.patch}\n`));
}
