import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
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
    expect(again.stderr).toContain(`${file} already exists; nothing was changed.`);
    expect(again.stderr).toContain('[FILE_EXISTS]');
    expect(readFileSync(file, 'utf8')).toBe('setup: [make]\n');
    const forced = await home.run(['init', '--force'], { cwd: repo });
    expect(forced.code).toBe(0);
    expect(forced.stdout).toContain(`replaced ${file}`);
    expect(forced.stdout).toContain(`wtp setup approve --repo ${repo}`);
    expect(loader(home).setupScript(repo)?.commands).toEqual(['npm ci']);
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
