import { existsSync, lstatSync, readdirSync, readFileSync, statfsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { WtpPaths } from '../../../config/paths.js';
import type { WtpConfig } from '../../../config/schema.js';
import { templateApprovalsFile } from '../../../config/template-approvals.js';
import type { WtpEnv } from '../../../config/env.js';
import type { DoctorCheck } from '../../../protocol/doctor.js';
import { bytes } from '../format.js';
import { check, orElse } from './probe.js';

const entries = (dir: string): string[] => orElse(() => readdirSync(dir).map((n) => join(dir, n)), []);
const modeOf = (path: string): number => orElse(() => lstatSync(path).mode & 0o777, 0);

/** Secrets and state readable by this user only (files 0600, folders 0700): a copy or a restore may undo that. */
export function fileModesCheck(paths: WtpPaths): DoctorCheck {
  const files = [
    paths.tokenFile,
    paths.database,
    `${paths.database}-wal`,
    `${paths.database}-shm`,
    join(paths.stateDir, 'setup-approvals.json'),
    templateApprovalsFile(paths.stateDir),
    ...entries(paths.runDir),
    ...entries(paths.logDir),
  ].filter((p) => existsSync(p) && !statSync(p).isDirectory());
  const dirs = [paths.runDir, paths.logDir, paths.agentsDir].filter((d) => existsSync(d));
  const open = (list: string[]) => list.filter((p) => (modeOf(p) & 0o077) !== 0);
  const [badFiles, badDirs] = [open(files), open(dirs)];
  if (badFiles.length + badDirs.length === 0) {
    return check('files', {
      status: 'ok',
      summary: `${files.length} state file(s) 0600 and their folders 0700, in ${paths.stateDir}`,
      path: paths.stateDir,
    });
  }
  const shown = (p: string): string => `${p} (${modeOf(p).toString(8).padStart(4, '0')})`;
  const fixes = [
    ...(badFiles.length > 0 ? [`chmod 600 ${badFiles.join(' ')}`] : []),
    ...(badDirs.length > 0 ? [`chmod 700 ${badDirs.join(' ')}`] : []),
  ];
  return check('files', {
    status: 'fail',
    summary: `readable by other users: ${[...badFiles, ...badDirs].map(shown).join(', ')}`,
    fix: fixes.join(' && '),
    path: badFiles[0] ?? badDirs[0] ?? null,
  });
}

/** WezTerm's config files, in the order WezTerm looks (WEZTERM_CONFIG_FILE first). */
function weztermConfigs(env: WtpEnv): string[] {
  const xdg = env.xdgConfigHome ?? join(env.userHome, '.config');
  return [
    ...(env.weztermConfigFile ? [env.weztermConfigFile] : []),
    join(env.userHome, '.wezterm.lua'),
    join(xdg, 'wezterm', 'wezterm.lua'),
  ];
}

/** A line that loads our plugin: `wezterm.plugin.require '…wezterm-parallel…'` or `require(…)`; not a comment. */
const loadsPlugin = (text: string): boolean =>
  text.split('\n').some((l) => !/^\s*--/.test(l) && /\brequire\b.*wezterm-parallel/.test(l));

/** Whether the WezTerm plugin is in the user's WezTerm config (read only). */
export function pluginCheck(env: WtpEnv, packageRoot: string, weztermInstalled: boolean): DoctorCheck {
  const existing = weztermConfigs(env).filter((f) => existsSync(f));
  const loads = existing.find((f) => loadsPlugin(orElse(() => readFileSync(f, 'utf8'), '')));
  if (loads) return check('plugin', { status: 'ok', summary: `loaded by ${loads}`, path: loads });
  const snippet = `local wtp = wezterm.plugin.require 'file://${packageRoot}' and wtp.apply_to_config(config)`;
  const where = existing[0] ?? join(env.userHome, '.wezterm.lua');
  return check('plugin', {
    status: weztermInstalled ? 'warn' : 'skip',
    summary: existing.length > 0 ? `not loaded by ${existing.join(', ')}` : 'no WezTerm config file',
    fix: `for keybindings, agent badges and toasts in WezTerm, add to ${where}: ${snippet} (docs/wezterm.md, "The plugin")`,
    path: existing[0] ?? null,
  });
}

/** Bytes under `path` (files' sizes, symlinks not followed), walking until `deadline`. */
function sizeOf(path: string, deadline: number): { bytes: number; partial: boolean } {
  let total = 0;
  const stack = [path];
  while (stack.length > 0) {
    if (Date.now() > deadline) return { bytes: total, partial: true };
    const p = stack.pop() as string;
    const st = orElse(() => lstatSync(p), null);
    if (st?.isDirectory()) stack.push(...entries(p));
    else if (st?.isFile()) total += st.size;
  }
  return { bytes: total, partial: false };
}

const LOW_FREE_BYTES = 1024 ** 3;
const WALK_BUDGET_MS = 10_000;

/** Disk used by agents' worktrees and logs, and the free space where state is written. */
export function diskCheck(paths: WtpPaths, config: WtpConfig): DoctorCheck {
  const worktrees = config.git.worktreesDir ?? join(paths.stateDir, 'worktrees');
  const deadline = Date.now() + WALK_BUDGET_MS;
  const wt = sizeOf(worktrees, deadline);
  const logs = [paths.logDir, paths.agentsDir].map((d) => sizeOf(d, deadline));
  const logBytes = logs.reduce((s, l) => s + l.bytes, 0);
  const partial = wt.partial || logs.some((l) => l.partial) ? ' (partial: the walk took too long)' : '';
  let free: number | null = null;
  for (let dir = paths.stateDir; free === null; dir = dirname(dir)) {
    try {
      const fs = statfsSync(dir);
      free = fs.bavail * fs.bsize;
    } catch {
      if (dir === dirname(dir)) break;
    }
  }
  const used = `worktrees ${bytes(wt.bytes)} (${worktrees}), logs ${bytes(logBytes)}${partial}`;
  const low = free !== null && free < LOW_FREE_BYTES;
  return check('disk', {
    status: low ? 'warn' : 'ok',
    summary: `${used}; ${free === null ? 'free space unknown' : `${bytes(free)} free`}`,
    fix: low
      ? 'free space on that filesystem (a full disk stops state and output logs from being written): `wtp gc` removes merged agents’ worktrees'
      : null,
    path: paths.stateDir,
  });
}
