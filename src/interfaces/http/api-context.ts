import type { Core } from '../../core/create-core.js';
import type { Logger } from '../../core/ports.js';
import type { DaemonStatus } from '../../protocol/daemon.js';

/** What the HTTP and WebSocket handlers need from the daemon. */
export interface ApiContext {
  core: Core;
  version: string;
  startedAt: number;
  status(): DaemonStatus;
  /** Stops agents if asked, answers, then stops the daemon right after the reply is sent. */
  requestShutdown(stopAgents: boolean): Promise<number>;
  log: Logger;
}
