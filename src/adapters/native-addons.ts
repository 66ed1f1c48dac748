import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { appError } from '../protocol/error-messages.js';
import type { NativeAddon } from '../protocol/doctor.js';

const require = createRequire(import.meta.url);

/**
 * The database the load check opened, held for the process's life: on Node.js 24 a better-sqlite3
 * object the garbage collector finalizes aborts the process (sqlite/pinned-database.ts).
 */
let probe: unknown = null;

/** The compiled addons wezterm-parallel needs, and what loading each proves. */
const ADDONS: readonly { name: NativeAddon['name']; load: () => void }[] = [
  // Its binding loads when a database opens.
  {
    name: 'better-sqlite3',
    load: () => {
      probe ??= new (require('better-sqlite3') as new (path: string) => unknown)(':memory:');
    },
  },
  // Its binding loads with the module.
  { name: 'node-pty', load: () => void require('node-pty') },
];

/** Whether each native addon loads here (this Node, this platform), with the loader's first line when not. */
export function nativeAddons(): NativeAddon[] {
  return ADDONS.map(({ name, load }) => {
    try {
      load();
      return { name, ok: true, error: null, dir: packageDir(name) };
    } catch (err) {
      const first = (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? '';
      return { name, ok: false, error: first, dir: packageDir(name) };
    }
  });
}

function packageDir(name: string): string | null {
  try {
    return dirname(require.resolve(`${name}/package.json`));
  } catch {
    return null;
  }
}

/** What to do when an addon does not load: rebuild it where it is installed. */
export function rebuildHint(failed: readonly NativeAddon[]): string {
  const names = failed.map((a) => a.name).join(' ');
  const at = failed[0]?.dir ? ` in ${dirname(dirname(failed[0].dir))}` : '';
  return `run \`npm rebuild ${names}\`${at} (after a Node.js upgrade it must be rebuilt for the new version; with no prebuilt binary for this platform it compiles, which needs python3, make and a C++ compiler — docs/install.md#requirements)`;
}

/** Refuses to start (NATIVE_ADDON_UNAVAILABLE) when an addon does not load, naming it and the fix. */
export function assertNativeAddons(): void {
  const failed = nativeAddons().filter((a) => !a.ok);
  if (failed.length === 0) return;
  const dir = failed[0]?.dir;
  throw appError('NATIVE_ADDON_UNAVAILABLE', {
    addons: failed,
    node: process.version,
    abi: process.versions.modules,
    failures: failed.map((a) => `${a.name} (${a.error})`),
    rebuild: `npm rebuild ${failed.map((a) => a.name).join(' ')}`,
    ...(dir ? { installedIn: dirname(dirname(dir)) } : {}),
  });
}
