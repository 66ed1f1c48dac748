import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { WtpClient } from '../src/client/wtp-client.js';
import type { AgentView } from '../src/protocol/agent.js';
import { mapLimit, runTimed, type Env } from './proc.js';
import type { RepoPaths } from './repo-paths.js';
import { makeHome, sandboxEnv } from './sandbox.js';

const UP_TIMEOUT_MS = 30_000;

/** A daemon started the way users start it (`wtp up --detach`) on its own WTP_HOME. */
export interface Session {
  home: string;
  env: Env;
  client: WtpClient;
  daemonPid: number;
  /** Epoch ms when `wtp up --detach` returned (the API answered). */
  readyAt: number;
}

/** `extraEnv` is added to the sandbox environment of the daemon (and of the CLI calls). */
export async function startSession(
  paths: RepoPaths,
  label = 'session',
  extraEnv: Env = {},
  /** The daemon's config.yaml, when it needs one. */
  configYaml?: string,
): Promise<Session> {
  const home = makeHome(label);
  const env = { ...sandboxEnv(home), ...extraEnv };
  if (configYaml !== undefined) writeFileSync(join(home, 'config.yaml'), configYaml);
  const up = await runTimed(process.execPath, [paths.binWtp, 'up', '--detach', '--json'], {
    env,
    cwd: home,
    timeoutMs: UP_TIMEOUT_MS,
  });
  if (up.code !== 0) throw new Error(`wtp up --detach failed (${up.code}): ${up.stderr}${up.stdout}`);
  const readyAt = Date.now();
  const client = new WtpClient({ socketPath: join(home, 'run', 'api.sock'), timeoutMs: 60_000 });
  const { pid } = await client.call('health');
  return { home, env, client, daemonPid: pid, readyAt };
}

/** Creates `cmd` agents through the API, `concurrency` at a time; each must reach `running`. */
export async function createAgents(
  s: Session,
  names: readonly string[],
  argv: readonly string[],
  concurrency: number,
): Promise<AgentView[]> {
  return mapLimit(names, concurrency, async (name) => {
    const { agent } = await s.client.call('createAgent', {
      body: { profile: 'cmd', argv: [...argv], cwd: s.home, name, wait: true },
    });
    if (agent.state !== 'running') {
      throw new Error(`agent ${name} is ${agent.state}: ${JSON.stringify(agent.stateDetail)}`);
    }
    return agent;
  });
}

/** Stops (SIGTERM to its processes) and removes one agent. */
export async function removeAgent(s: Session, ref: string): Promise<void> {
  await s.client.call('removeAgent', { params: { agent: ref }, query: { force: 'true' } });
}

export async function runningAgents(s: Session): Promise<AgentView[]> {
  const { agents } = await s.client.call('listAgents');
  return agents.filter((a) => a.state === 'running');
}
