import { fsPreflight } from '../adapters/preflight/fs-preflight.js';
import { environmentForChildren, processEnvironment, readEnv } from '../config/env.js';
import { resolvePaths } from '../config/paths.js';
import { agentBinVar } from '../protocol/constants.js';
import { cliSupport } from '../protocol/version-range.js';
import type { AgentClis } from '../protocol/doctor.js';
import { VENDORS } from '../vendors/registry.js';

/**
 * The agent CLIs as the daemon runs them (`GET /agent-clis`, `wtp doctor`): WTP_<NAME>_BIN, else the
 * name on the agents' PATH, resolved like a launch (agent-factory); only stats files, runs nothing.
 */
export function agentClis(o: {
  agentBinaries: Readonly<Record<string, string>>;
  pathVar: string | undefined;
  cwd: string;
}): AgentClis {
  return {
    path: o.pathVar ?? null,
    agentClis: VENDORS.flatMap(({ profile: p, testedVersions }) => {
      if (p.binary === null) return [];
      const fromVariable = o.agentBinaries[p.name] !== undefined;
      const program = o.agentBinaries[p.name] ?? p.binary;
      const found = fsPreflight.resolveCommand(program, { cwd: o.cwd, pathVar: o.pathVar });
      return [
        {
          profile: p.name,
          program,
          variable: agentBinVar(p.name),
          fromVariable,
          found: found.ok ? found.path : null,
          searched: found.ok ? [] : found.searched,
          testedVersions: [...testedVersions],
          support: cliSupport(p.name, testedVersions, null).support,
          install: p.install ?? null,
          hooks: p.hooks,
          trust: p.trust,
          broadFlags: (p.broadFlags ?? []).map((f) => [...f]),
          askWith: p.permissions?.askWith ?? null,
        },
      ];
    }),
  };
}

/** The same, with this environment (default: the process's): what a daemon started from here would find. */
export function localAgentClis(source: NodeJS.ProcessEnv = processEnvironment()): AgentClis {
  const env = readEnv(source);
  return agentClis({
    agentBinaries: env.agentBinaries,
    pathVar: environmentForChildren(source).PATH,
    cwd: resolvePaths(env).stateDir,
  });
}
