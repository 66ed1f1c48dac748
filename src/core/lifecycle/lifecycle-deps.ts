import type { ProfileCatalog } from '../agents/profiles.js';
import type { HostLink } from '../ports/daemon.js';
import type { HostHello } from '../../protocol/host.js';
import type { HostDirectory } from '../hosts/host-directory.js';
import type { OutputHub } from '../hosts/output-hub.js';
import type { Clock, HostLauncher, Logger, ProcessInspector } from '../ports/daemon.js';
import type { AgentRegistry } from '../model/registry.js';
import type { RestartSettings } from './restart-policy.js';

/** What the agent lifecycle is configured with and works through. */
export interface LifecycleSettings {
  /** SIGTERM → SIGKILL delay when stopping (config agents.stopGraceMs). */
  stopGraceMs: number;
  /** A launched host that has not connected by then is killed and the agent marked crashed. */
  hostConnectTimeoutMs: number;
  /** After a host link drops, wait this long before deciding the host is gone. */
  hostLostCheckMs: number;
  restart: RestartSettings;
  daemonVersion: string;
  /** The environment every agent starts from (the daemon's allowlisted part); the agent's own `env` goes on top. */
  agentBaseEnv: Record<string, string>;
  /** Over the base, what agents of each profile get (its CLI's own variables, the config's): profile → variables. */
  agentProfileEnv?: Readonly<Record<string, Record<string, string>>>;
  /** Answer agent CLIs' OSC 7501 status query (config states.statusProtocol). */
  statusProtocol?: boolean;
  /** The agents' nice value (config agents.nice): 0 leaves them at the host's priority. */
  agentNice?: number;
  /** The daemon as a sandboxed agent reaches it (its unix socket, its TCP port when it listens on one). */
  sandboxDaemon?: () => { socket: string; port: number | null };
}

/** Where a host goes whose agent this daemon does not know (see OrphanHosts). */
export interface StrangerHosts {
  /** Resolves to whether the link stays open. */
  arrived(link: HostLink, hello: HostHello): Promise<boolean>;
  /** Its connection closed. */
  left(agentId: string, link: HostLink): void;
  /** Its agent process exited. */
  childExited(agentId: string): void;
}

export interface LifecycleDeps {
  registry: AgentRegistry;
  /** What each profile's spawn carries (signals, detector, resume arguments). */
  profileCatalog: ProfileCatalog;
  hosts: HostDirectory;
  output: OutputHub;
  launcher: HostLauncher;
  inspector: ProcessInspector;
  clock: Clock;
  log: Logger;
  settings: LifecycleSettings;
  strangers: StrangerHosts;
}
