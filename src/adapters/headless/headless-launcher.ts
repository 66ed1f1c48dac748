import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { AgentRecord } from '../../core/agent-record.js';
import type { HostLauncher } from '../../core/ports.js';

/** Host diagnostics (its stderr) beyond this size start over at the next launch. */
const HOST_LOG_MAX_BYTES = 1024 * 1024;

export interface HeadlessLauncherOptions {
  nodePath: string;
  /** argv after the node binary that runs `wtp host` for an agent. */
  hostArgs: (agent: AgentRecord) => string[];
  agentsDir: string;
  env: Record<string, string>;
}

/**
 * Headless backend: each host runs detached in its own session (setsid), so neither a
 * daemon crash nor a Ctrl-C in the daemon's terminal reaches the agents.
 */
export class HeadlessLauncher implements HostLauncher {
  constructor(private readonly o: HeadlessLauncherOptions) {}

  launch(agent: AgentRecord): Promise<{ hostPid: number }> {
    const dir = join(this.o.agentsDir, agent.id);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const logPath = join(dir, 'host.log');
    let flags = 'a';
    try {
      if (statSync(logPath).size > HOST_LOG_MAX_BYTES) flags = 'w';
    } catch {
      // new file
    }
    const errFd = openSync(logPath, flags, 0o600);
    try {
      const child = spawn(this.o.nodePath, this.o.hostArgs(agent), {
        detached: true,
        stdio: ['ignore', 'ignore', errFd],
        env: this.o.env,
        cwd: agent.cwd,
      });
      return new Promise((resolve, reject) => {
        child.once('error', reject);
        child.once('spawn', () => {
          child.unref();
          if (child.pid === undefined) reject(new Error('host process has no pid'));
          else resolve({ hostPid: child.pid });
        });
      });
    } finally {
      closeSync(errFd);
    }
  }
}
