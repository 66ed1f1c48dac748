import type { Core } from '../../core/create-core.js';
import type { Clock, Logger } from '../../core/ports/daemon.js';
import type { ProfileInfo } from '../../protocol/profiles.js';
import type { Backend } from '../../protocol/constants.js';
import type { DaemonStatus } from '../../protocol/daemon.js';
import type { LayoutNode, TemplateUse } from '../../protocol/template.js';

/** What the HTTP and WebSocket handlers need from the daemon. */
export interface ApiContext {
  core: Core;
  version: string;
  startedAt: number;
  status(): DaemonStatus;
  /** Stops agents if asked, answers, then stops the daemon right after the reply is sent. */
  requestShutdown(stopAgents: boolean): Promise<number>;
  /**
   * A template by name (built-in, user, or the repository's, which must be approved), or parsed
   * from YAML the CLI read from a file; with where it came from.
   */
  loadTemplate(
    ref: { name: string; yaml?: string },
    repoPath: string,
  ): { name: string; layout: LayoutNode; use: TemplateUse };
  /** The daemon's backend (what `auto` means for new workspaces). */
  defaultBackend(): Backend;
  log: Logger;
  clock: Clock;
  /** The profiles with the program each would run here. */
  profiles(): ProfileInfo[];
  /** The built web dashboard served under /dashboard/. */
  webDir: string;
}
