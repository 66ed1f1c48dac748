import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SetupScripts } from '../../src/adapters/git/setup-script.js';
import { cliOutputSchemas } from '../../src/protocol/cli-output.js';
import { TestHome } from '../support/harness.js';

/** The repository config loader the daemon uses (setup script and test command). */
const loader = (home: TestHome) =>
  new SetupScripts({ approvalsFile: home.path('setup-approvals.json'), env: {} });

describe('wtp init', () => {
  let home: TestHome;
  let repo: string;
  beforeAll(() => {
    home = new TestHome();
    repo = home.path('repo');
    mkdirSync(join(repo, 'src'), { recursive: true });
    execFileSync('git', ['init', '-q', repo], { env: home.env });
    writeFileSync(join(repo, 'package.json'), JSON.stringify({ scripts: { test: 'vitest run' } }));
    writeFileSync(join(repo, 'package-lock.json'), '{}');
    repo = realpathSync(repo);
  });
  afterAll(() => home.cleanup());

  it('writes the repository’s config at its top level, which the repository loader reads', async () => {
    const r = await home.json(['init'], { cwd: join(repo, 'src') });
    expect(r.code, r.stderr).toBe(0);
    const doc = cliOutputSchemas.init.parse(r.doc);
    const file = join(repo, '.wezterm-parallel', 'config.yaml');
    expect(doc).toMatchObject({ path: file, repo, overwritten: false, setup: ['npm ci'], test: 'npm test' });
    expect(doc.next).toEqual([`wtp setup show --repo ${repo}`, `wtp setup approve --repo ${repo}`]);
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('#   wtp setup approve');
    expect(text).toContain('.wezterm-parallel/templates/');
    // Guessed commands, not approved: nothing runs before `wtp setup approve`.
    expect(loader(home).setupScript(repo)).toMatchObject({
      commands: ['npm ci'],
      test: 'npm test',
      approved: false,
    });
  });

  it('refuses to overwrite it unless --force, and says so', async () => {
    const file = join(repo, '.wezterm-parallel', 'config.yaml');
    writeFileSync(file, 'setup: [make]\n');
    const again = await home.run(['init'], { cwd: repo });
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`${file} already exists, so nothing was changed.`);
    expect(again.stderr).toContain('[FILE_EXISTS]');
    expect(readFileSync(file, 'utf8')).toBe('setup: [make]\n');
    const forced = await home.run(['init', '--force'], { cwd: repo });
    expect(forced.code).toBe(0);
    expect(forced.stdout).toContain(`replaced ${file}`);
    expect(forced.stdout).toContain(`wtp setup approve --repo ${repo}`);
    expect(loader(home).setupScript(repo)?.commands).toEqual(['npm ci']);
  });

  /** A fresh repository with a committed symbolic link, and the folder outside it the link points to. */
  const hostileRepo = (name: string): { repo: string; outside: string } => {
    const dir = home.path(name);
    const outside = home.path(`${name}-outside`);
    mkdirSync(dir);
    mkdirSync(outside);
    execFileSync('git', ['init', '-q', dir], { env: home.env });
    return { repo: realpathSync(dir), outside };
  };

  it('refuses a committed `.wezterm-parallel` that is a symbolic link out of the repository, and writes nothing', async () => {
    const { repo: bad, outside } = hostileRepo('linked-dir');
    symlinkSync(outside, join(bad, '.wezterm-parallel'));
    execFileSync('git', ['-C', bad, 'add', '.wezterm-parallel'], { env: home.env });
    for (const args of [['init'], ['init', '--force']]) {
      const r = await home.json(args, { cwd: bad });
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.doc).toMatchObject({
        error: {
          code: 'PATH_OUTSIDE_REPOSITORY',
          details: { link: join(bad, '.wezterm-parallel'), target: outside },
        },
      });
      expect(readdirSync(outside)).toEqual([]);
    }
    const text = await home.run(['init'], { cwd: bad });
    expect(text.stderr).toContain(
      `${join(bad, '.wezterm-parallel')} is a symbolic link to ${outside}, and a repository's links are its content`,
    );
    expect(text.stderr).toContain('nothing was written');
  });

  it('refuses to write through a symbolic link as its config.yaml, with --force or not, whether its target exists or not', async () => {
    const { repo: bad, outside } = hostileRepo('linked-file');
    mkdirSync(join(bad, '.wezterm-parallel'));
    const victim = join(outside, 'victim.txt');
    writeFileSync(victim, 'keep me\n');
    symlinkSync(victim, join(bad, '.wezterm-parallel', 'config.yaml'));
    const forced = await home.json(['init', '--force'], { cwd: bad });
    expect(forced.code).toBe(1);
    expect(forced.doc).toMatchObject({ error: { code: 'PATH_OUTSIDE_REPOSITORY' } });
    expect(readFileSync(victim, 'utf8')).toBe('keep me\n');
    // A dangling link: the file it names would be made outside.
    const { repo: dangling, outside: away } = hostileRepo('dangling-file');
    mkdirSync(join(dangling, '.wezterm-parallel'));
    symlinkSync(join(away, 'made.txt'), join(dangling, '.wezterm-parallel', 'config.yaml'));
    const r = await home.json(['init'], { cwd: dangling });
    expect(r.code).toBe(1);
    expect(r.doc).toMatchObject({ error: { code: 'PATH_OUTSIDE_REPOSITORY' } });
    expect(readdirSync(away)).toEqual([]);
  });

  it('--here: the same, in the current folder', async () => {
    const plain = home.path('plain-linked');
    const outside = home.path('plain-linked-outside');
    mkdirSync(plain);
    mkdirSync(outside);
    symlinkSync(outside, join(plain, '.wezterm-parallel'));
    const r = await home.json(['init', '--here'], { cwd: plain });
    expect(r.doc).toMatchObject({ error: { code: 'PATH_OUTSIDE_REPOSITORY' } });
    expect(readdirSync(outside)).toEqual([]);
  });

  it('refuses outside a git repository unless --here; with nothing to guess, only commented examples', async () => {
    const plain = home.path('plain');
    mkdirSync(plain);
    const refused = await home.json(['init'], { cwd: plain });
    expect(refused.code).toBe(1);
    expect(refused.doc).toMatchObject({ error: { code: 'NOT_A_REPOSITORY' } });
    expect(existsSync(join(plain, '.wezterm-parallel'))).toBe(false);
    const here = cliOutputSchemas.init.parse((await home.json(['init', '--here'], { cwd: plain })).doc);
    expect(here).toMatchObject({ repo: null, setup: [], test: null });
    const text = readFileSync(here.path, 'utf8');
    expect(parseDocument(text).toJS()).toBeNull(); // every key commented out
    expect(loader(home).setupScript(plain)).toBeNull();
    // Uncommenting the examples gives a script the loader takes.
    writeFileSync(here.path, text.replace(/^# (setup:|test:)/gm, '$1').replace(/^# {3}- /gm, '  - '));
    expect(loader(home).setupScript(plain)).toMatchObject({
      commands: ['npm ci', 'cp .env.example .env'],
      test: 'npm test',
    });
  });
});
