import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fsPreflight } from '../../src/adapters/preflight/fs-preflight.js';
import { plainEnv } from '../support/adapters/children.js';
import { TempDirs } from '../support/adapters/temp-dirs.js';
import { REPO } from '../support/harness.js';

/*
 * `no_access` (and a command that exists but is not ours to run) needs a user the
 * filesystem says no to. Root passes every access() check, so when the tests run as root
 * the real fs-preflight module (bundled as is) runs in a child process as user 65534
 * (nobody); otherwise it runs right here. Either way the same code decides.
 */
const NOBODY = 65_534;
const asRoot = process.getuid?.() === 0;

const temp = new TempDirs();
let root: string;
let bundle: string;

interface Verdicts {
  locked: string;
  open: string;
  rootOnlyCommand: unknown;
  openCommand: unknown;
}

/** Runs the checks as an unprivileged user: in a child process as nobody when we are root. */
function checkUnprivileged(paths: {
  locked: string;
  open: string;
  rootOnly: string;
  openTool: string;
}): Verdicts {
  const script = `
    const { fsPreflight } = await import(${JSON.stringify(bundle)});
    const [locked, open, rootOnly, openTool] = process.argv.slice(1);
    console.log(JSON.stringify({
      uid: process.getuid(),
      locked: fsPreflight.checkDirectory(locked),
      open: fsPreflight.checkDirectory(open),
      rootOnlyCommand: fsPreflight.resolveCommand(rootOnly, { cwd: '/', pathVar: undefined }),
      openCommand: fsPreflight.resolveCommand(openTool, { cwd: '/', pathVar: undefined }),
    }));`;
  if (!asRoot) {
    return {
      locked: fsPreflight.checkDirectory(paths.locked),
      open: fsPreflight.checkDirectory(paths.open),
      rootOnlyCommand: fsPreflight.resolveCommand(paths.rootOnly, { cwd: '/', pathVar: undefined }),
      openCommand: fsPreflight.resolveCommand(paths.openTool, { cwd: '/', pathVar: undefined }),
    };
  }
  const r = spawnSync(
    process.execPath,
    ['--input-type=module', '-e', script, paths.locked, paths.open, paths.rootOnly, paths.openTool],
    { uid: NOBODY, gid: NOBODY, cwd: '/', env: plainEnv(), encoding: 'utf8', timeout: 30_000 },
  );
  if (r.status !== 0) throw new Error(`unprivileged check failed (${r.status ?? r.signal}): ${r.stderr}`);
  const out = JSON.parse(r.stdout) as Verdicts & { uid: number };
  expect(out.uid).toBe(NOBODY);
  return out;
}

beforeAll(() => {
  root = temp.make();
  chmodSync(root, 0o755); // mkdtemp makes it 0700: let nobody in
  bundle = join(root, 'fs-preflight.mjs');
  buildSync({
    entryPoints: [join(REPO, 'src/adapters/preflight/fs-preflight.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile: bundle,
    logLevel: 'silent',
  });
  chmodSync(bundle, 0o644);
});

afterAll(() => {
  temp.removeAll();
});

describe('fsPreflight as a user without access', () => {
  it('reports no_access for a directory it cannot enter, and does not offer a command it cannot run', () => {
    const locked = join(root, 'locked');
    const open = join(root, 'open');
    mkdirSync(locked, { mode: 0o700 });
    mkdirSync(open, { mode: 0o755 });
    chmodSync(locked, asRoot ? 0o700 : 0o000); // root owns it (as root) / nobody may enter (otherwise)
    chmodSync(open, 0o755);
    const rootOnly = join(root, 'root-only-tool');
    const openTool = join(root, 'open-tool');
    for (const [path, mode] of [
      [rootOnly, asRoot ? 0o700 : 0o600],
      [openTool, 0o755],
    ] as const) {
      writeFileSync(path, '#!/bin/sh\nexit 0\n');
      chmodSync(path, mode);
    }
    try {
      const v = checkUnprivileged({ locked, open, rootOnly, openTool });
      expect(v.locked).toBe('no_access');
      expect(v.open).toBe('ok');
      expect(v.rootOnlyCommand).toEqual({ ok: false, searched: [rootOnly] });
      expect(v.openCommand).toEqual({ ok: true, path: openTool });
    } finally {
      chmodSync(locked, 0o700); // so the folder can be removed
    }
  });
});
