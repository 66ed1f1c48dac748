import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { editConfigFile, linkTarget } from './config-edit.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});
function root(): string {
  const d = fs.realpathSync(fs.mkdtempSync(join(tmpdir(), 'wtp-edit-')));
  dirs.push(d);
  return d;
}

describe("editing a file of the user's (an agent CLI's config)", () => {
  it('writes through a link kept in a dotfiles repository: the link stays, its target changes, a backup is kept', () => {
    const d = root();
    fs.mkdirSync(join(d, 'dotfiles'));
    const target = join(d, 'dotfiles', 'config.toml');
    fs.writeFileSync(target, '# mine\n', { mode: 0o640 });
    fs.chmodSync(target, 0o640);
    fs.mkdirSync(join(d, 'home', '.codex'), { recursive: true });
    const link = join(d, 'home', '.codex', 'config.toml');
    fs.symlinkSync('../../dotfiles/config.toml', link);
    expect(linkTarget(link)).toBe(target);

    expect(editConfigFile(link, (text) => `${text ?? ''}added\n`)).toBe(true);
    expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
    expect(fs.readFileSync(target, 'utf8')).toBe('# mine\nadded\n');
    expect(fs.statSync(target).mode & 0o777).toBe(0o640); // its mode, not ours
    expect(fs.readFileSync(`${target}.wtp-backup`, 'utf8')).toBe('# mine\n');
    expect(fs.statSync(`${target}.wtp-backup`).mode & 0o777).toBe(0o600);
    // Nothing else left beside it (no temporary file).
    expect(fs.readdirSync(join(d, 'dotfiles')).sort()).toEqual(['config.toml', 'config.toml.wtp-backup']);
  });

  it('an edit that changes nothing writes nothing; a new file is 0600; a folder is refused', () => {
    const d = root();
    const file = join(d, 'a.json');
    expect(editConfigFile(file, () => null)).toBe(false);
    expect(fs.existsSync(file)).toBe(false);
    expect(editConfigFile(file, (t) => (t === null ? '{}\n' : t))).toBe(true);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.existsSync(`${file}.wtp-backup`)).toBe(false); // there was nothing to keep
    expect(editConfigFile(file, (t) => t)).toBe(false);
    fs.mkdirSync(join(d, 'dir.json'));
    expect(() => editConfigFile(join(d, 'dir.json'), () => 'x')).toThrow(/not a regular file/);
  });

  it('a dangling link gets its target written; a loop of links is refused', () => {
    const d = root();
    fs.mkdirSync(join(d, 'dots'));
    fs.symlinkSync(join(d, 'dots', 'new.json'), join(d, 'link.json'));
    expect(editConfigFile(join(d, 'link.json'), () => '{}\n')).toBe(true);
    expect(fs.readFileSync(join(d, 'dots', 'new.json'), 'utf8')).toBe('{}\n');
    fs.symlinkSync(join(d, 'b'), join(d, 'a'));
    fs.symlinkSync(join(d, 'a'), join(d, 'b'));
    expect(() => editConfigFile(join(d, 'a'), () => 'x')).toThrow(/too many levels/);
  });
});
