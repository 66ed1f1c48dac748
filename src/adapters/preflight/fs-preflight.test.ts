import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TempDirs } from '../../../test/support/adapters/temp-dirs.js';
import { fsPreflight } from './fs-preflight.js';

const temp = new TempDirs();
let root: string;

/** Creates a file (mode `mode`) with a shell script in it; returns its path. */
function file(path: string, mode: number): string {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, '#!/bin/sh\nexit 0\n');
  chmodSync(path, mode);
  return path;
}

beforeEach(() => {
  root = temp.make();
});

afterEach(() => {
  temp.removeAll();
});

describe('fsPreflight.resolveCommand on PATH', () => {
  it('finds the first executable in PATH order and reports its absolute path', () => {
    const a = join(root, 'a');
    const b = join(root, 'b');
    file(join(b, 'tool'), 0o755);
    file(join(a, 'other'), 0o755);
    file(join(root, 'c', 'tool'), 0o755); // also a match, but later in PATH
    expect(fsPreflight.resolveCommand('tool', { cwd: '/', pathVar: `${a}:${b}:${join(root, 'c')}` })).toEqual(
      {
        ok: true,
        path: join(b, 'tool'),
      },
    );
  });

  it('skips a file that is not executable and lists every path it tried', () => {
    const a = join(root, 'a');
    const b = join(root, 'b');
    file(join(a, 'tool'), 0o644);
    expect(fsPreflight.resolveCommand('tool', { cwd: '/', pathVar: `${a}:${b}` })).toEqual({
      ok: false,
      searched: [join(a, 'tool'), join(b, 'tool')],
    });
    // Root passes access(X_OK) only when some execute bit is set, so this holds as root too.
    file(join(b, 'tool'), 0o744);
    expect(fsPreflight.resolveCommand('tool', { cwd: '/', pathVar: `${a}:${b}` })).toEqual({
      ok: true,
      path: join(b, 'tool'),
    });
  });

  it('skips a directory named like the command', () => {
    const a = join(root, 'a');
    const b = join(root, 'b');
    mkdirSync(join(a, 'tool'), { recursive: true, mode: 0o755 }); // a directory is "executable" to access()
    file(join(b, 'tool'), 0o755);
    expect(fsPreflight.resolveCommand('tool', { cwd: '/', pathVar: `${a}:${b}` })).toEqual({
      ok: true,
      path: join(b, 'tool'),
    });
  });

  it('follows a symlink to an executable', () => {
    const target = file(join(root, 'real', 'tool-1.2'), 0o755);
    mkdirSync(join(root, 'bin'));
    symlinkSync(target, join(root, 'bin', 'tool'));
    expect(fsPreflight.resolveCommand('tool', { cwd: '/', pathVar: join(root, 'bin') })).toEqual({
      ok: true,
      path: join(root, 'bin', 'tool'),
    });
  });

  it('resolves relative PATH entries against cwd and ignores empty ones', () => {
    file(join(root, 'tools', 'x'), 0o755);
    expect(fsPreflight.resolveCommand('x', { cwd: root, pathVar: '::tools' })).toEqual({
      ok: true,
      path: join(root, 'tools', 'x'),
    });
  });

  it('uses /usr/local/bin:/usr/bin:/bin when PATH is unset', () => {
    const r = fsPreflight.resolveCommand('wtp-no-such-command', { cwd: '/', pathVar: undefined });
    expect(r).toEqual({
      ok: false,
      searched: [
        '/usr/local/bin/wtp-no-such-command',
        '/usr/bin/wtp-no-such-command',
        '/bin/wtp-no-such-command',
      ],
    });
    expect(fsPreflight.resolveCommand('sh', { cwd: '/', pathVar: undefined }).ok).toBe(true);
  });

  it('reports nothing searched for an empty PATH', () => {
    expect(fsPreflight.resolveCommand('sh', { cwd: '/', pathVar: '' })).toEqual({ ok: false, searched: [] });
  });
});

describe('fsPreflight.resolveCommand with a slash', () => {
  it('resolves a relative command against cwd, without looking at PATH', () => {
    const script = file(join(root, 'scripts', 'run.sh'), 0o755);
    const pathVar = join(root, 'scripts');
    expect(fsPreflight.resolveCommand('./scripts/run.sh', { cwd: root, pathVar })).toEqual({
      ok: true,
      path: script,
    });
    expect(fsPreflight.resolveCommand('scripts/../scripts/run.sh', { cwd: root, pathVar })).toEqual({
      ok: true,
      path: script,
    });
    expect(fsPreflight.resolveCommand('./run.sh', { cwd: root, pathVar })).toEqual({
      ok: false,
      searched: [join(root, 'run.sh')],
    });
  });

  it('takes an absolute command as it is', () => {
    const script = file(join(root, 'abs'), 0o700);
    expect(fsPreflight.resolveCommand(script, { cwd: '/nonexistent', pathVar: undefined })).toEqual({
      ok: true,
      path: script,
    });
  });

  it('refuses a non-executable file or a directory, listing the one path it tried', () => {
    const plain = file(join(root, 'notes.txt'), 0o644);
    expect(fsPreflight.resolveCommand(plain, { cwd: '/', pathVar: undefined })).toEqual({
      ok: false,
      searched: [plain],
    });
    expect(fsPreflight.resolveCommand(`${root}/`, { cwd: '/', pathVar: undefined })).toEqual({
      ok: false,
      searched: [`${root}/`],
    });
  });
});

describe('fsPreflight.checkDirectory', () => {
  it('is ok for a directory, missing for nothing, not_directory for a file', () => {
    expect(fsPreflight.checkDirectory(root)).toBe('ok');
    expect(fsPreflight.checkDirectory(join(root, 'nope'))).toBe('missing');
    expect(fsPreflight.checkDirectory(join(root, 'nope', 'deeper'))).toBe('missing');
    const f = file(join(root, 'f'), 0o644);
    expect(fsPreflight.checkDirectory(f)).toBe('not_directory');
    expect(fsPreflight.checkDirectory(join(f, 'below'))).toBe('missing'); // ENOTDIR
  });

  it('follows a symlink to a directory', () => {
    mkdirSync(join(root, 'real'));
    symlinkSync(join(root, 'real'), join(root, 'link'));
    expect(fsPreflight.checkDirectory(join(root, 'link'))).toBe('ok');
  });
});
