import type { ForgeKind } from '../../protocol/forge.js';

/** The config's `forge.cli`: a CLI by name, or `auto`. */
export type ForgeCliChoice = 'auto' | 'gh' | 'glab';

/** The host of a remote URL (`https://host/…`, `ssh://git@host:22/…`, scp-like `git@host:path`), or null. */
export function remoteHost(url: string): string | null {
  const scheme = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/]*@)?(\[[^\]]*\]|[^/:?#]*)/i.exec(url);
  if (scheme) return scheme[1]?.toLowerCase() || null;
  const scp = /^(?:[^@/:]+@)?([^/:]+):(?!\/\/)/.exec(url);
  return scp?.[1]?.toLowerCase() ?? null; // a local path (or file://) has no host
}

/**
 * Which forge serves a remote: the CLI the config names, or — `auto` — GitLab when the remote's
 * host name contains `gitlab` (gitlab.com, gitlab.example.org), else GitHub (github.com,
 * GitHub Enterprise hosts, and remotes without a host, such as a local bare repository).
 */
export function forgeKind(choice: ForgeCliChoice, remoteUrl: string | null): ForgeKind {
  if (choice === 'gh') return 'github';
  if (choice === 'glab') return 'gitlab';
  const host = remoteUrl === null ? null : remoteHost(remoteUrl);
  return host?.includes('gitlab') ? 'gitlab' : 'github';
}

/** The CLI of a forge. */
export const cliOf = (kind: ForgeKind): 'gh' | 'glab' => (kind === 'gitlab' ? 'glab' : 'gh');
