import type { SetupFiles, VendorSetupContext } from '../core/ports/vendor-setup.js';
import type { TrustEdit } from './trust-edit.js';

/**
 * A sandboxed agent's own state folder for its CLI, `<agentDir>/<name>`, which the CLI's variable
 * (CLAUDE_CONFIG_DIR, CODEX_HOME, …) points at: what the agent writes there — settings, hooks,
 * plugins — no CLI outside its sandbox reads (docs/sandbox.md). `links` are entries of the user's
 * folder shown there through a symbolic link, never copied: read-only inside the sandbox, where
 * the user's folder is (its credentials, its instructions). Returns the folder.
 */
export function privateStateDir(
  files: SetupFiles,
  agentDir: string,
  name: string,
  user: string,
  links: readonly string[],
): string {
  const dir = `${agentDir}/${name}`;
  const present = new Set(files.list(user));
  for (const entry of links) if (present.has(entry)) files.link(`${user}/${entry}`, `${dir}/${entry}`);
  return dir;
}

/**
 * Writes the private copy of a state file the CLI rewrites itself (0600: it may hold the account),
 * made from the user's `text` with the agent's folder trusted when `ctx.preTrust` allows it. The
 * trust is in the copy alone, gone with the agent: nothing to take back from a file of the user's.
 */
export function writePrivateState(
  ctx: Pick<VendorSetupContext, 'files' | 'trust' | 'preTrust'>,
  file: string,
  text: string | null,
  trust: (text: string | null) => TrustEdit,
  how: string,
): void {
  const edit: TrustEdit | null = ctx.preTrust ? trust(text) : null;
  if (edit?.kind === 'added') ctx.trust.granted(`folder trusted for it: ${how} (its private copy)`);
  else if (edit?.kind === 'already') ctx.trust.granted(edit.why);
  else if (edit?.kind === 'refused')
    ctx.trust.withheld(`folder not trusted for it: ${edit.why}; its own trust dialog is left to you`);
  ctx.files.writeAtomic(file, edit?.kind === 'added' ? edit.text : (text ?? ''));
}
