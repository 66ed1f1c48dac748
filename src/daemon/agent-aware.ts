import { FsProfileSetup } from '../adapters/profiles/profile-setup.js';
import type { LaunchPreflight, Logger } from '../core/ports/daemon.js';
import { hookToken } from '../interfaces/server/auth.js';
import type { ProfileInfo } from '../protocol/profiles.js';
import type { WtpConfig } from '../config/schema.js';
import { PROFILES } from '../vendors/registry.js';
import { VENDOR_SETUPS } from '../vendors/setup-list.js';

/** The profile setup of the daemon: CLI versions, then each vendor's setup (hook settings, trust). */
export function createProfileSetup(o: {
  agentsDir: string;
  env: Readonly<Record<string, string | undefined>>;
  config: WtpConfig;
  token: string;
  apiUrl: () => string | null;
  wtpCommand: readonly string[];
  log: Logger;
}): FsProfileSetup {
  return new FsProfileSetup({
    agentsDir: o.agentsDir,
    env: o.env,
    apiUrl: o.apiUrl,
    hookToken: (id) => hookToken(o.token, id),
    wtpCommand: o.wtpCommand,
    hookTransport: o.config.agents.claudeHooks,
    preTrust: o.config.agents.preTrust,
    profiles: PROFILES,
    setups: VENDOR_SETUPS,
    log: o.log,
  });
}

/** `wtp profiles`: every profile with the program it would run here. */
export function profileInfos(o: {
  preflight: LaunchPreflight;
  agentBinaries: Readonly<Record<string, string>>;
  shell: string;
  pathVar: string | undefined;
  cwd: string;
}): ProfileInfo[] {
  return PROFILES.all().map((p) => {
    const program = p.name === 'shell' ? o.shell : p.binary ? (o.agentBinaries[p.name] ?? p.binary) : null;
    const found =
      program === null ? null : o.preflight.resolveCommand(program, { cwd: o.cwd, pathVar: o.pathVar });
    return {
      name: p.name,
      signals: [...p.signals],
      agentAware: PROFILES.isAgentAware(p.name),
      hooks: p.hooks,
      trust: p.trust,
      resume: p.resume,
      detector: p.detector,
      defaultArgs: [...p.defaultArgs],
      permissionModes: p.permissionModes ? [...p.permissionModes] : null,
      program,
      found: found?.ok ? found.path : null,
    };
  });
}
