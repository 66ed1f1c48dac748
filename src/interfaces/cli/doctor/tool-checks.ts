import type { BackendChoice } from '../../../protocol/constants.js';
import type { DoctorCheck, NativeAddon } from '../../../protocol/doctor.js';
import type { WtpEnv } from '../../../config/env.js';
import { chooseInspector } from '../../../config/process-inspector.js';
import { toolSearchPath } from '../../../config/tool-dirs.js';
import { atLeast, check, type Finding, runProgram, versionIn } from './probe.js';

/** The supported ranges (DEVELOPERS.md): older ones are known not to work. */
export const MIN_VERSIONS = { node: [20, 19], tmux: [3, 2], git: [2, 38] } as const;

const dotted = (v: readonly number[]): string => v.join('.');

/** The Node.js running this CLI (and the daemon it starts). */
export function nodeCheck(version: string): DoctorCheck {
  const ok = atLeast(versionIn(version) ?? [0], MIN_VERSIONS.node);
  return check('node', {
    status: ok ? 'ok' : 'fail',
    summary: `Node.js ${version}${ok ? '' : `: wezterm-parallel needs ${dotted(MIN_VERSIONS.node)} or later`}`,
    fix: ok ? null : `install Node.js ${dotted(MIN_VERSIONS.node)} or later (e.g. \`nvm install 20\`)`,
    version,
  });
}

/** The compiled addons (better-sqlite3: the state database; node-pty: agents' terminals): the daemon cannot start without them. */
export function addonChecks(found: { addons: NativeAddon[]; fix: string }): DoctorCheck[] {
  return found.addons.map((a) =>
    check(`addon:${a.name === 'better-sqlite3' ? 'sqlite' : 'pty'}`, {
      status: a.ok ? 'ok' : 'fail',
      summary: a.ok
        ? `${a.name} loads on Node.js ${process.version}`
        : `${a.name} does not load on Node.js ${process.version}: ${a.error ?? 'not installed'}`,
      fix: a.ok ? null : found.fix,
      path: a.dir,
    }),
  );
}

/** Where process facts come from: /proc, or `ps` where there is none (macOS) or when forced. */
export function processCheck(
  forced: string | undefined,
  configured: 'auto' | 'procfs' | 'portable',
): DoctorCheck {
  try {
    const { kind, why } = chooseInspector(forced, configured);
    return check('processes', { status: 'ok', summary: `${kind} (${why})` });
  } catch (err) {
    return check('processes', {
      status: 'fail',
      summary: (err as Error).message,
      fix: 'set WTP_PROCESS_INSPECTOR to procfs or portable, or unset it',
    });
  }
}

const install = (id: 'tmux' | 'git'): string =>
  `install ${id} ${dotted(MIN_VERSIONS[id])} or later (e.g. \`apt install ${id}\`, \`brew install ${id}\`)`;

/** What a missing tool means: a missing tmux only fails for `backend: tmux`; WezTerm is optional. */
function missing(id: 'tmux' | 'git' | 'wezterm', backend: BackendChoice): Finding {
  if (id === 'wezterm') {
    return {
      status: 'skip',
      summary: 'not found on PATH nor in WezTerm.app (optional: agents use tmux or run headless)',
      fix: 'to see agents as WezTerm panes, install WezTerm (https://wezterm.org) and start the daemon inside it',
    };
  }
  const why =
    id === 'git'
      ? 'agents get no worktrees; review, merge and tasks need it'
      : backend === 'tmux'
        ? 'the config asks for the tmux backend'
        : 'agents run headless (no panes) unless the daemon runs inside WezTerm';
  const fail = id === 'git' || backend === 'tmux';
  return { status: fail ? 'fail' : 'warn', summary: `not found on PATH: ${why}`, fix: install(id) };
}

/** tmux and git on PATH against the supported range, and WezTerm (looked for where a Mac keeps them too). */
export async function toolChecks(
  backend: BackendChoice,
  env: Pick<WtpEnv, 'path' | 'userHome' | 'weztermExecutableDir'>,
  childEnv: NodeJS.ProcessEnv,
): Promise<DoctorCheck[]> {
  return Promise.all(
    (['tmux', 'git', 'wezterm'] as const).map(async (id) => {
      const args = id === 'tmux' ? ['-V'] : ['--version'];
      const searched = id === 'git' ? undefined : toolSearchPath(id, env.path, env);
      const run = await runProgram(id, args, childEnv, searched);
      if (run.kind === 'missing') return check(id, missing(id, backend));
      if (run.kind === 'failed') {
        return check(id, {
          status: id === 'wezterm' ? 'warn' : 'fail',
          summary: `\`${id} ${args.join(' ')}\` failed (${run.why}): ${run.text || 'no output'}`,
          fix:
            id === 'wezterm'
              ? 'reinstall WezTerm (https://wezterm.org), or remove the broken `wezterm` from PATH'
              : install(id),
        });
      }
      if (id === 'wezterm')
        return check(id, { status: 'ok', summary: run.text, version: run.text.replace(/^wezterm\s+/, '') });
      const v = versionIn(run.text);
      const ok = v !== null && atLeast(v, MIN_VERSIONS[id]);
      return check(id, {
        status: ok ? 'ok' : 'fail',
        summary: ok
          ? run.text
          : `${run.text}: wezterm-parallel needs ${id} ${dotted(MIN_VERSIONS[id])} or later`,
        fix: ok ? null : install(id),
        version: v === null ? null : dotted(v),
      });
    }),
  );
}
