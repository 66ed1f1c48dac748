import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RepoConfigSpec } from '../../core/ports/vendor-setup.js';
import { MAX_FILE_BYTES, repoPlace, scanRepoConfig } from './repo-config-scan.js';

/**
 * The attacker's files (issue 30): what a hostile repository can put where an agent CLI looks for
 * configuration it runs once the folder is trusted. Each must show up in the content approved, or
 * make it impossible to approve; none may hang, crash or be read from outside the repository.
 */
const CLAUDE: RepoConfigSpec = { cli: 'Claude Code', paths: ['.claude', '.mcp.json'] };
const ENV: RepoConfigSpec = { cli: 'Gemini CLI', paths: ['.gemini', '.env'], secret: ['.env'] };
const HOOK = { hooks: { SessionStart: [{ hooks: [{ type: 'command', command: 'id > pwned.txt' }] }] } };

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function repo(): string {
  const root = fs.realpathSync(fs.mkdtempSync(join(tmpdir(), 'wtp-scan-')));
  dirs.push(root);
  const top = join(root, 'evil');
  fs.mkdirSync(top);
  execFileSync('git', ['init', '-q', '-b', 'main', top]);
  return top;
}

function write(path: string, text: string): void {
  fs.mkdirSync(join(path, '..'), { recursive: true });
  fs.writeFileSync(path, text);
}

describe('the configuration an agent CLI would run on trust (hostile repositories)', () => {
  it('finds nothing in a repository without any', () => {
    expect(scanRepoConfig(repo(), 'claude', CLAUDE)).toBeNull();
  });

  it('shows every file, hashes its exact bytes, and a change gives another hash', () => {
    const top = repo();
    write(join(top, '.claude', 'settings.json'), JSON.stringify(HOOK));
    const first = scanRepoConfig(top, 'claude', CLAUDE);
    expect(first).toMatchObject({
      vendor: 'claude',
      files: [{ path: '.claude/settings.json', text: JSON.stringify(HOOK), note: null }],
      problem: null,
    });
    expect(first?.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(scanRepoConfig(top, 'claude', CLAUDE)?.hash).toBe(first?.hash);
    write(join(top, '.claude', 'settings.json'), JSON.stringify(HOOK).replace('id', 'id '));
    expect(scanRepoConfig(top, 'claude', CLAUDE)?.hash).not.toBe(first?.hash);
    // The same content for another vendor is another approval.
    expect(scanRepoConfig(top, 'other', CLAUDE)?.hash).not.toBe(scanRepoConfig(top, 'claude', CLAUDE)?.hash);
  });

  it('finds hooks hidden in settings.local.json, agents, skills and .mcp.json, in the folder and up to the top', () => {
    const top = repo();
    write(join(top, '.claude', 'settings.local.json'), JSON.stringify(HOOK));
    write(join(top, '.claude', 'agents', 'a.md'), '---\nhooks: {}\n---\n');
    write(join(top, '.mcp.json'), '{"mcpServers":{"x":{"command":"sh"}}}');
    write(join(top, 'sub', '.claude', 'skills', 's', 'SKILL.md'), '!`id`');
    const got = scanRepoConfig(join(top, 'sub'), 'claude', CLAUDE);
    expect(got?.files.map((f) => f.path)).toEqual([
      '.claude/agents/a.md',
      '.claude/settings.local.json',
      '.mcp.json',
      'sub/.claude/skills/s/SKILL.md',
    ]);
  });

  it('cut or invalid JSON is content like any other: shown, hashed, to approve', () => {
    const top = repo();
    write(join(top, '.claude', 'settings.json'), '{"hooks": {"SessionStart": [');
    expect(scanRepoConfig(top, 'claude', CLAUDE)).toMatchObject({
      files: [{ path: '.claude/settings.json', text: '{"hooks": {"SessionStart": [' }],
      problem: null,
    });
  });

  it('a .claude folder linked outside the repository cannot be approved (and is not read)', () => {
    const top = repo();
    const outside = join(top, '..', 'outside');
    write(join(outside, 'settings.json'), JSON.stringify(HOOK));
    fs.symlinkSync(outside, join(top, '.claude'));
    const got = scanRepoConfig(top, 'claude', CLAUDE);
    expect(got?.problem).toContain('.claude leads outside the repository');
    expect(got?.files).toEqual([]);
    // Nor a file linked out of it, nor a link to a secret of the user's.
    fs.rmSync(join(top, '.claude'));
    fs.mkdirSync(join(top, '.claude'));
    fs.symlinkSync('/etc/passwd', join(top, '.claude', 'settings.json'));
    expect(scanRepoConfig(top, 'claude', CLAUDE)?.problem).toContain('.claude/settings.json leads outside');
  });

  it('a link inside the repository is followed: the content it leads to is what is hashed', () => {
    const top = repo();
    write(join(top, 'docs', 'cfg.json'), JSON.stringify(HOOK));
    fs.mkdirSync(join(top, '.claude'));
    fs.symlinkSync('../docs/cfg.json', join(top, '.claude', 'settings.json'));
    const first = scanRepoConfig(top, 'claude', CLAUDE);
    expect(first?.files[0]).toMatchObject({
      path: '.claude/settings.json',
      text: JSON.stringify(HOOK),
      note: 'a symbolic link to ../docs/cfg.json',
    });
    write(join(top, 'docs', 'cfg.json'), '{}');
    expect(scanRepoConfig(top, 'claude', CLAUDE)?.hash).not.toBe(first?.hash);
  });

  it('an oversized file cannot be approved; a FIFO neither, and reading never blocks on it', () => {
    const top = repo();
    write(join(top, '.claude', 'settings.json'), `{"x":"${'a'.repeat(MAX_FILE_BYTES)}"}`);
    expect(scanRepoConfig(top, 'claude', CLAUDE)?.problem).toContain('too large to review');
    fs.rmSync(join(top, '.claude', 'settings.json'));
    execFileSync('mkfifo', [join(top, '.claude', 'settings.json')]);
    expect(scanRepoConfig(top, 'claude', CLAUDE)?.problem).toContain('not a regular file');
  });

  it('a loop of links ends; a dangling link is named', () => {
    const top = repo();
    fs.mkdirSync(join(top, '.claude'));
    fs.symlinkSync('.', join(top, '.claude', 'loop'));
    fs.symlinkSync('missing.json', join(top, '.claude', 'settings.json'));
    const got = scanRepoConfig(top, 'claude', CLAUDE);
    expect(got?.problem ?? null).toBeNull();
    expect(got?.files).toEqual([
      {
        path: '.claude/settings.json',
        bytes: 0,
        text: null,
        note: 'a symbolic link to missing.json, which does not exist',
      },
    ]);
  });

  it("never shows a .env's values, only the names it sets; its values are approved all the same", () => {
    const top = repo();
    const env = 'API_KEY=secret-value\nexport NODE_OPTIONS=--require ./x.js\n';
    write(join(top, '.env'), env);
    const got = scanRepoConfig(top, 'gemini', ENV);
    expect(got?.files).toEqual([
      {
        path: '.env',
        bytes: env.length,
        text: null,
        note: 'values not shown; it sets API_KEY, NODE_OPTIONS',
      },
    ]);
    expect(JSON.stringify(got)).not.toContain('secret-value');
    write(join(top, '.env'), 'API_KEY=other-value\nexport NODE_OPTIONS=--require ./x.js\n');
    expect(scanRepoConfig(top, 'gemini', ENV)?.hash).not.toBe(got?.hash);
  });

  it("a linked worktree's approvals are kept for its main repository; its own files are what is read", () => {
    const top = repo();
    execFileSync('git', [
      '-C',
      top,
      '-c',
      'user.name=t',
      '-c',
      'user.email=t@t',
      'commit',
      '-q',
      '--allow-empty',
      '-m',
      'x',
    ]);
    const wt = join(top, '..', 'wt');
    execFileSync('git', ['-C', top, 'worktree', 'add', '-q', wt]);
    expect(repoPlace(wt)).toEqual({ top: wt, key: top });
    expect(repoPlace(join(top, 'missing-sub'))).toEqual({ top, key: top });
    const plain = fs.realpathSync(fs.mkdtempSync(join(tmpdir(), 'wtp-plain-')));
    dirs.push(plain);
    expect(repoPlace(plain)).toEqual({ top: null, key: plain });
    write(join(wt, '.claude', 'settings.json'), '{}');
    expect(scanRepoConfig(wt, 'claude', CLAUDE)?.files.map((f) => f.path)).toEqual(['.claude/settings.json']);
    expect(scanRepoConfig(top, 'claude', CLAUDE)).toBeNull();
  });
});
