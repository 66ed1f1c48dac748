import { join } from 'node:path';
import type { SetupFiles, VendorSetup } from '../../core/ports/vendor-setup.js';

/** The `//` comment rows Copilot writes above the JSON of its managed config.json. */
const LEADING_COMMENTS = /^(?:[ \t]*\/\/[^\n]*\n|[ \t]*\n)*/;

/**
 * Marks `cwd` trusted for GitHub Copilot CLI: adds it to `trustedFolders` in
 * $COPILOT_HOME/config.json (default ~/.copilot), as the trust dialog's "Yes, and remember this
 * folder" does (seen with 1.0.102). Copilot manages that file and starts it with `//` comment rows:
 * they and every other key are kept. A file that is not such a JSON object is left alone (false).
 */
export function trustCopilotFolder(
  files: SetupFiles,
  env: { home: string; copilotHome?: string | undefined },
  cwd: string,
): boolean {
  const file = join(env.copilotHome ?? join(env.home, '.copilot'), 'config.json');
  const text = files.readText(file) ?? '';
  const header = LEADING_COMMENTS.exec(text)?.[0] ?? '';
  const body = text.slice(header.length).trim();
  let config: unknown = {};
  if (body !== '') {
    try {
      config = JSON.parse(body);
    } catch {
      return false;
    }
  }
  if (typeof config !== 'object' || config === null || Array.isArray(config)) return false;
  const o = config as Record<string, unknown>;
  const trusted = o.trustedFolders ?? [];
  if (!Array.isArray(trusted)) return false;
  if (trusted.includes(cwd)) return true;
  o.trustedFolders = [...(trusted as unknown[]), cwd];
  files.writeAtomic(file, `${header}${JSON.stringify(o, null, 2)}\n`);
  return true;
}

/** GitHub Copilot CLI: the trust prompt of the agent's working directory pre-accepted; no hooks yet. */
export const setup: VendorSetup = {
  prepare(ctx) {
    if (ctx.preTrust) {
      const ok = trustCopilotFolder(
        ctx.files,
        { home: ctx.home, copilotHome: ctx.env.COPILOT_HOME },
        ctx.agent.cwd,
      );
      if (!ok) {
        ctx.log.warn(
          { agent: ctx.agent.id },
          'copilot config.json is not a JSON object: its trust prompt is not pre-accepted',
        );
      }
    }
    return [];
  },
};
