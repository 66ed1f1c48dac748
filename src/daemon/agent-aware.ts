import type { CliVersions } from '../adapters/profiles/cli-version.js';
import { FsProfileSetup } from '../adapters/profiles/profile-setup.js';
import type { LaunchPreflight, Logger } from '../core/ports/daemon.js';
import type { RepoApprovals } from '../core/ports/git.js';
import { hookToken, mcpToken } from '../interfaces/server/auth.js';
import type { CliSupportInfo, ProfileInfo } from '../protocol/profiles.js';
import { cliSupport } from '../protocol/version-range.js';
import type { WtpConfig } from '../config/schema.js';
import { PROFILES, VENDORS } from '../vendors/registry.js';
import { VENDOR_SETUPS } from '../vendors/setup-list.js';

/** The profile setup of the daemon: CLI versions, then each vendor's setup (hook settings, trust). */
export function createProfileSetup(o: {
  agentsDir: string;
  env: Readonly<Record<string, string | undefined>>;
  /** Over `env`, what agents of a profile get (its vendor's variables, the config's). */
  profileEnv: (profile: string) => Readonly<Record<string, string>>;
  config: WtpConfig;
  token: string;
  apiUrl: () => string | null;
  wtpCommand: readonly string[];
  /** The daemon's unix socket (`wtp mcp --socket`). */
  apiSocket: string;
  /** The user's approvals of repository content (shared with the setup scripts'). */
  repoApprovals: RepoApprovals;
  log: Logger;
}): FsProfileSetup {
  return new FsProfileSetup({
    agentsDir: o.agentsDir,
    env: o.env,
    profileEnv: o.profileEnv,
    apiUrl: o.apiUrl,
    hookToken: (id) => hookToken(o.token, id),
    mcpToken: (id) => mcpToken(o.token, id),
    wtpCommand: o.wtpCommand,
    apiSocket: o.apiSocket,
    hookTransport: o.config.agents.claudeHooks,
    preTrust: o.config.agents.preTrust,
    repoApprovals: o.repoApprovals,
    profiles: PROFILES,
    approvals: o.config.approvals,
    setups: VENDOR_SETUPS,
    log: o.log,
  });
}

/** A profile's tested version ranges (its vendor definition's `testedVersions`). */
export function testedVersionsOf(profile: string): readonly string[] {
  return VENDORS.find((v) => v.profile.name === profile)?.testedVersions ?? [];
}

/** An agent CLI's version against its tested ranges (`wtp new`, `wtp profiles`). */
export function cliSupportOf(
  profile: string,
  version: string | null,
  versionError: string | null = null,
): CliSupportInfo {
  const testedVersions = testedVersionsOf(profile);
  return {
    testedVersions: [...testedVersions],
    version,
    versionError,
    ...cliSupport(profile, testedVersions, version),
  };
}

/**
 * `wtp profiles`: every profile with the program it would run here and, for agent CLIs, its
 * installed version (`--version`, cached) against the tested ranges.
 */
export async function profileInfos(o: {
  preflight: LaunchPreflight;
  versions: Pick<CliVersions, 'get'>;
  agentBinaries: Readonly<Record<string, string>>;
  shell: string;
  pathVar: string | undefined;
  cwd: string;
}): Promise<ProfileInfo[]> {
  return Promise.all(
    PROFILES.all().map(async (p) => {
      const program = p.name === 'shell' ? o.shell : p.binary ? (o.agentBinaries[p.name] ?? p.binary) : null;
      const found =
        program === null ? null : o.preflight.resolveCommand(program, { cwd: o.cwd, pathVar: o.pathVar });
      const path = found?.ok ? found.path : null;
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
        found: path,
        cli: p.binary === null ? null : await installedCli(p.name, path, o.versions),
        answers: p.dialogs ? { always: p.dialogs.always !== null } : null,
      };
    }),
  );
}

async function installedCli(
  profile: string,
  path: string | null,
  versions: Pick<CliVersions, 'get'>,
): Promise<CliSupportInfo> {
  if (path === null) return cliSupportOf(profile, null, 'not found');
  try {
    return cliSupportOf(profile, await versions.get(path), null);
  } catch (err) {
    return cliSupportOf(profile, null, err instanceof Error ? err.message : String(err));
  }
}
