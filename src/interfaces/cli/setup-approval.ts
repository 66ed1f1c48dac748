import type { AppError } from '../../protocol/app-error.js';
import { visibleText } from '../../protocol/terminal-text.js';
import { ask } from './ask.js';
import type { CliContext } from './context.js';

/**
 * A repository's setup (its commands, its submodules' URLs) not approved yet: shows it as it is
 * (control characters as escapes) and asks once. Yes stores the approval by the script's hash;
 * false when nobody can be asked (`--json`, no terminal) or the answer is no.
 */
export async function approveSetup(ctx: CliContext, err: AppError): Promise<boolean> {
  const d = err.details;
  if (!d || ctx.json || !ctx.canAsk) return false;
  const commands = Array.isArray(d.commands) ? d.commands.map(String) : [];
  const modules = Array.isArray(d.submodules) ? (d.submodules as { path?: unknown; url?: unknown }[]) : [];
  const hashes = Array.isArray(d.hashes) ? d.hashes.map(String) : [String(d.hash)];
  if (commands.length > 0) {
    ctx.errorText(`The repository ${String(d.repo)} runs this setup in every new worktree:\n`, false);
    for (const c of commands) ctx.errorText(`  $ ${visibleText(c)}\n`, false);
  }
  if (modules.length > 0) {
    ctx.errorText(`The repository ${String(d.repo)} has submodules, fetched from:\n`, false);
    for (const m of modules)
      ctx.errorText(`  ${visibleText(String(m.path))}  ${visibleText(String(m.url))}\n`, false);
  }
  const answer = await ask(ctx, 'Approve it (now and until it changes)? [y/N] ');
  if (!/^y(es)?$/i.test(answer.trim())) return false;
  await ctx.client().call('setupApprove', { body: { repo: String(d.repo), hashes } });
  return true;
}
