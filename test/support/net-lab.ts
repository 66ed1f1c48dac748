import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import { isAlive } from './processes.js';

/** One machine of the lab: a network namespace with its own loopback and one veth to this host. */
export interface LabMachine {
  /** The namespace's name (`ip netns`), its file under /run/netns. */
  readonly ns: string;
  /** The veth end left in this host's namespace, and its address (where the machine reaches us). */
  readonly hostIf: string;
  readonly hostAddress: string;
  /** The machine's own address, at the other end. */
  readonly address: string;
}

const PREFIX = 'wtpt';

function ip(...args: string[]): string {
  return execFileSync('ip', args, { stdio: ['ignore', 'pipe', 'pipe'] }).toString();
}

/**
 * Why network namespaces cannot be made here, or null when they can: they need root (CAP_NET_ADMIN
 * and CAP_SYS_ADMIN) and iproute2's `ip` and util-linux's `nsenter`.
 */
export function netLabUnavailable(): string | null {
  if (process.getuid?.() !== 0) return 'network namespaces need root (CAP_NET_ADMIN)';
  for (const tool of ['ip', 'nsenter']) {
    try {
      execFileSync('sh', ['-c', 'command -v "$1"', 'sh', tool], { stdio: 'ignore' });
    } catch {
      return `${tool} is not installed (.ci/run installs iproute2 and util-linux)`;
    }
  }
  return null;
}

/**
 * Separate hosts on one machine, for a fleet test (issue 21): each machine gets a network namespace
 * of its own — its own loopback, so nothing of one daemon's is reachable at another's 127.0.0.1 —
 * and one veth pair to this host's namespace, where the shared services (PostgreSQL) listen on the
 * host ends. A link taken down is a machine cut off from the network, its processes running on.
 *
 * Addresses are a /30 per machine in one 10.231.X.0/24 that no route of this host uses; namespaces
 * are named `wtpt-<pid>-<n>`, and those of a test process that died are swept on the next start.
 */
export class NetLab {
  readonly machines = new Map<string, LabMachine>();
  /** The lab's /24, for the database's pg_hba. */
  readonly cidr: string;
  private readonly tag = randomBytes(3).toString('hex');

  constructor(names: readonly string[]) {
    sweepStale();
    const third = freeSubnet();
    this.cidr = `10.231.${third}.0/24`;
    try {
      names.forEach((name, i) => {
        const m: LabMachine = {
          ns: `${PREFIX}-${process.pid}-${this.tag}-${i}`,
          hostIf: `wt${this.tag}${i}`,
          hostAddress: `10.231.${third}.${4 * i + 1}`,
          address: `10.231.${third}.${4 * i + 2}`,
        };
        const inner = `wt${this.tag}${i}n`;
        ip('netns', 'add', m.ns);
        this.machines.set(name, m);
        ip('link', 'add', m.hostIf, 'type', 'veth', 'peer', 'name', inner);
        ip('link', 'set', inner, 'netns', m.ns);
        ip('addr', 'add', `${m.hostAddress}/30`, 'dev', m.hostIf);
        ip('link', 'set', m.hostIf, 'up');
        ip('-n', m.ns, 'addr', 'add', `${m.address}/30`, 'dev', inner);
        ip('-n', m.ns, 'link', 'set', inner, 'up');
        ip('-n', m.ns, 'link', 'set', 'lo', 'up');
      });
    } catch (err) {
      this.cleanup();
      throw err;
    }
  }

  machine(name: string): LabMachine {
    const m = this.machines.get(name);
    if (!m) throw new Error(`no machine ${name} in the lab`);
    return m;
  }

  /** The argv prefix that runs a program in the machine's namespace (only the network is entered). */
  enter(name: string): string[] {
    return ['nsenter', `--net=/run/netns/${this.machine(name).ns}`, '--'];
  }

  /**
   * Whether process `pid` runs in the machine's namespace: a daemon started outside it (a plain
   * `wtp up`) reaches the database through this host's own addresses, and cutting the link does not
   * cut it off.
   */
  runsIn(name: string, pid: number): boolean {
    return statSync(`/proc/${pid}/ns/net`).ino === statSync(`/run/netns/${this.machine(name).ns}`).ino;
  }

  /** Cuts the machine off the network (its link down), or puts it back. */
  cut(name: string): void {
    ip('link', 'set', this.machine(name).hostIf, 'down');
  }

  restore(name: string): void {
    ip('link', 'set', this.machine(name).hostIf, 'up');
  }

  /** Deletes the namespaces (their veth pairs go with them). */
  cleanup(): void {
    for (const m of this.machines.values()) {
      try {
        ip('netns', 'del', m.ns);
      } catch {
        // already gone
      }
    }
    this.machines.clear();
  }
}

/** Namespaces left by a test process that is gone (a crashed worker): deleted. */
function sweepStale(): void {
  for (const line of ip('netns', 'list').split('\n')) {
    const name = line.split(' ')[0] ?? '';
    const m = new RegExp(`^${PREFIX}-(\\d+)-`).exec(name);
    if (m && !isAlive(Number(m[1]))) {
      try {
        ip('netns', 'del', name);
      } catch {
        // another run swept it
      }
    }
  }
}

/** A third octet for 10.231.X.0/24 that no address or route of this host uses. */
function freeSubnet(): number {
  const used = ip('-4', 'route', 'show') + ip('-4', 'addr', 'show');
  for (let tries = 0; tries < 64; tries++) {
    const third = randomBytes(1)[0] as number;
    if (!used.includes(`10.231.${third}.`)) return third;
  }
  throw new Error('no free 10.231.X.0/24 for the lab');
}
