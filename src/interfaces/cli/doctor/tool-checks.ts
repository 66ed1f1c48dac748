import type { BackendChoice } from '../../../protocol/constants.js';
import type { DoctorCheck, NativeAddon } from '../../../protocol/doctor.js';
import type { WtpEnv } from '../../../config/env.js';
import { chooseInspector } from '../../../config/process-inspector.js';
import { toolSearchPath } from '../../../config/tool-dirs.js';
import { atLeast, check, runProgram, versionIn } from './probe.js';

/** The supported ranges (DEVELOPERS.md): older ones are known not to work. */
export const MIN_VERSIONS = { node: [20, 19], tmux: [3, 2], git: [2, 38] } as const;

/** What the tool checks read of the environment: PATH, and where a Mac keeps tmux and WezTerm. */
type ToolEnv = Pick<WtpEnv, 'path' | 'userHome' | 'weztermExecutableDir'>;

const dotted = (v: readonly number[]): string => v.join('.');

/** The Node.js running this CLI (and the daemon it starts). */
export function nodeCheck(version: string): DoctorCheck {
  const v = versionIn(version) ?? [0];
  const ok = atLeast(v, MIN_VERSIONS.node);
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
    return check('processes', { status: 'ok', summary: `${kind} (${why})`, fix: null });
  } catch (err) {
    return check('processes', {
      status: 'fail',
      summary: (err as Error).message,
      fix: 'set WTP_PROCESS_INSPECTOR to procfs or portable, or unset it',
    });
  }
}

interface Tool {
  id: 'tmux' | 'git';
  args: string[];
  install: string;
  /** Why it matters when it is missing, and whether that fails the doctor. */
  missing: (backend: BackendChoice) => { fail: boolean; why: string };
}

const TOOLS: readonly Tool[] = [
  {
    id: 'tmux',
    args: ['-V'],
    install: 'install tmux 3.2 or later (e.g. `apt install tmux`, `brew install tmux`)',
    missing: (backend) =>
      backend === 'tmux'
        ? { fail: true, why: 'the config asks for the tmux backend' }
        : { fail: false, why: 'agents run headless (no panes) unless the daemon runs inside WezTerm' },
  },
  {
    id: 'git',
    args: ['--version'],
    install: 'install git 2.38 or later (e.g. `apt install git`, `brew install git`)',
    missing: () => ({ fail: true, why: 'agents get no worktrees; review, merge and tasks need it' }),
  },
];

/** tmux and git on PATH against the supported range; a missing tmux only fails for `backend: tmux`. */
export async function toolChecks(
  backend: BackendChoice,
  env: ToolEnv,
  childEnv: NodeJS.ProcessEnv,
): Promise<DoctorCheck[]> {
  return Promise.all(
    TOOLS.map(async (t) => {
      const run = await runProgram(
        t.id,
        t.args,
        childEnv,
        t.id === 'tmux' ? toolSearchPath('tmux', env.path, env) : undefined,
      );
      if (run.kind === 'missing') {
        const m = t.missing(backend);
        return check(t.id, {
          status: m.fail ? 'fail' : 'warn',
          summary: `not found on PATH: ${m.why}`,
          fix: t.install,
        });
      }
      if (run.kind === 'failed') {
        return check(t.id, {
          status: 'fail',
          summary: `\`${t.id} ${t.args.join(' ')}\` failed (${run.why}): ${run.text || 'no output'}`,
          fix: t.install,
        });
      }
      const v = versionIn(run.text);
      const min = MIN_VERSIONS[t.id];
      const ok = v !== null && atLeast(v, min);
      const version = v === null ? null : dotted(v);
      return check(t.id, {
        status: ok ? 'ok' : 'fail',
        summary: ok ? run.text : `${run.text}: wezterm-parallel needs ${t.id} ${dotted(min)} or later`,
        fix: ok ? null : t.install,
        version,
      });
    }),
  );
}

/** WezTerm is optional: with it (and the daemon started inside it), agents open as WezTerm panes. */
export async function weztermCheck(env: ToolEnv, childEnv: NodeJS.ProcessEnv): Promise<DoctorCheck> {
  const run = await runProgram('wezterm', ['--version'], childEnv, toolSearchPath('wezterm', env.path, env));
  if (run.kind === 'ok') {
    const version = run.text.replace(/^wezterm\s+/, '');
    return check('wezterm', { status: 'ok', summary: run.text, fix: null, version });
  }
  if (run.kind === 'missing') {
    return check('wezterm', {
      status: 'skip',
      summary: 'not found on PATH nor in WezTerm.app (optional: agents use tmux or run headless)',
      fix: 'to see agents as WezTerm panes, install WezTerm (https://wezterm.org) and start the daemon inside it',
    });
  }
  return check('wezterm', {
    status: 'warn',
    summary: `\`wezterm --version\` failed (${run.why}): ${run.text || 'no output'}`,
    fix: 'reinstall WezTerm (https://wezterm.org), or remove the broken `wezterm` from PATH',
  });
}
