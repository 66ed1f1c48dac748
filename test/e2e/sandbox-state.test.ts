import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentView } from '../../src/protocol/agent.js';
import { TestHome } from '../support/harness.js';

const PROBE = resolve(import.meta.dirname, '../fixtures/sandbox/state-probe.mjs');
type Results = Record<string, { done: boolean; detail: string }>;
type Step = { name: string; op: 'append' | 'create' | 'replace' | 'read'; path: string };

/** Every file under `dir` (links as their target's name) with its content's hash: what an unsandboxed CLI reads. */
function snapshot(dir: string, out: Record<string, string> = {}): Record<string, string> {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) snapshot(p, out);
    else if (e.isSymbolicLink()) out[p] = `-> ${readlinkSync(p)}`;
    else out[p] = createHash('sha256').update(readFileSync(p)).digest('hex');
  }
  return out;
}

/**
 * A sandboxed agent's CLI state is its own: a vendor's state folder is where an unsandboxed CLI
 * reads its settings and hooks, so writing it would run the agent's code outside any sandbox. The
 * real setups of Claude Code and Codex run (their CLIs are stand-ins that run a probe,
 * test/fixtures/sandbox/state-probe.mjs, in place of the agent): the probe writes where the CLI's
 * state is — its variable's folder (its own, allowed) and the user's (`~/.claude`, `~/.claude.json`,
 * `~/.cache/claude`, `~/.codex`), also through the links to the user's login — and reads its
 * seeded login and trust. Outside, not a byte of the home has changed.
 */
describe('sandbox: an agent’s CLI state is private; the user’s is read-only', () => {
  let home: TestHome;
  let h = '';
  let before: Record<string, string> = {};
  const results = new Map<string, Results>();
  const agents = new Map<string, AgentView>();

  const steps: Record<'claude' | 'codex', Step[]> = {
    claude: [
      { name: 'writeOwn', op: 'create', path: '$CLAUDE_CONFIG_DIR/hooks/probe.json' },
      { name: 'replaceOwnLink', op: 'replace', path: '$CLAUDE_CONFIG_DIR/settings.json' },
      { name: 'readLogin', op: 'read', path: '$CLAUDE_CONFIG_DIR/.credentials.json' },
      { name: 'readState', op: 'read', path: '$CLAUDE_CONFIG_DIR/.claude.json' },
      { name: 'writeLogin', op: 'append', path: '$CLAUDE_CONFIG_DIR/.credentials.json' },
      { name: 'writeUserSettings', op: 'append', path: '~/.claude/settings.json' },
      { name: 'createUserFile', op: 'create', path: '~/.claude/commands/probe.md' },
      { name: 'writeUserState', op: 'append', path: '~/.claude.json' },
      { name: 'writeUserCache', op: 'create', path: '~/.cache/claude/probe' },
    ],
    codex: [
      { name: 'writeOwn', op: 'append', path: '$CODEX_HOME/config.toml' },
      { name: 'readLogin', op: 'read', path: '$CODEX_HOME/auth.json' },
      { name: 'readState', op: 'read', path: '$CODEX_HOME/config.toml' },
      { name: 'writeLogin', op: 'append', path: '$CODEX_HOME/auth.json' },
      { name: 'writeUserSettings', op: 'append', path: '~/.codex/config.toml' },
      { name: 'createUserFile', op: 'create', path: '~/.codex/hooks.json' },
    ],
  };

  beforeAll(async () => {
    home = new TestHome();
    h = home.env.HOME ?? '';
    // Stand-ins for the CLIs, in the home (read-only inside; WTP_HOME is hidden): a version, then the probe.
    const bin = join(h, 'bin');
    mkdirSync(bin);
    const fake = (name: string, version: string): string => {
      const file = join(bin, name);
      writeFileSync(
        file,
        `#!/bin/sh\n[ "$1" = --version ] && { echo '${version}'; exit 0; }\nexec '${process.execPath}' '${PROBE}'\n`,
      );
      chmodSync(file, 0o755);
      return file;
    };
    home.env.WTP_CLAUDE_BIN = fake('claude', '2.1.330 (Claude Code)');
    home.env.WTP_CODEX_BIN = fake('codex', 'codex-cli 0.169.0');
    // The user's own state: login, settings, global state, cache.
    mkdirSync(join(h, '.claude', 'commands'), { recursive: true });
    mkdirSync(join(h, '.cache', 'claude'), { recursive: true });
    mkdirSync(join(h, '.codex'), { recursive: true });
    writeFileSync(join(h, '.claude', '.credentials.json'), '{"claudeAiOauth":"user-login"}', { mode: 0o600 });
    writeFileSync(join(h, '.claude', 'settings.json'), '{}\n');
    writeFileSync(join(h, '.claude.json'), '{"hasCompletedOnboarding":true}\n', { mode: 0o600 });
    writeFileSync(join(h, '.codex', 'auth.json'), '{"OPENAI_API_KEY":"user-login"}', { mode: 0o600 });
    writeFileSync(join(h, '.codex', 'config.toml'), 'model = "o3"\n');
    const repo = home.path('proj');
    mkdirSync(repo);
    const git = (...args: string[]): string => execFileSync('git', args, { cwd: repo, encoding: 'utf8' });
    git('init', '-q', '-b', 'main');
    git('-c', 'user.email=p@example.com', '-c', 'user.name=p', 'commit', '-q', '--allow-empty', '-m', 'init');
    before = snapshot(h);
    await home.up();
    const started = await Promise.all(
      (['claude', 'codex'] as const).map((v) =>
        home.run([
          'new',
          v,
          '--sandbox',
          '--name',
          `probe-${v}`,
          '--repo',
          repo,
          '-e',
          `WTP_STATE_PROBE=${JSON.stringify(steps[v])}`,
        ]),
      ),
    );
    for (const r of started) expect(r.code, r.stderr).toBe(0);
    for (const v of ['claude', 'codex']) {
      const name = `probe-${v}`;
      agents.set(v, await home.untilState(name, 'exited', `${name} to finish its probe`));
      const logs = await home.run(['logs', name]);
      const line = logs.stdout.split('\n').find((l) => l.startsWith('PROBE-RESULTS '));
      if (!line) throw new Error(`${name} printed no results:\n${logs.stdout}${logs.stderr}`);
      results.set(v, JSON.parse(line.slice('PROBE-RESULTS '.length)) as Results);
    }
  });
  afterAll(async () => {
    await home.cleanup();
  });

  describe.each(['claude', 'codex'] as const)('%s', (vendor) => {
    const r = (name: string) => {
      const got = results.get(vendor)?.[name];
      if (!got) throw new Error(`no result ${name} for ${vendor}`);
      return got;
    };

    it('its variable names a folder of its own, which it writes', () => {
      const a = agents.get(vendor);
      const dir = join(home.dir, 'agents', a?.id ?? '', vendor === 'claude' ? 'claude-config' : 'codex-home');
      const variable = vendor === 'claude' ? 'CLAUDE_CONFIG_DIR' : 'CODEX_HOME';
      expect(JSON.parse(r('vars').detail) as Record<string, string>).toMatchObject({ [variable]: dir });
      expect(a?.sandbox?.write).toContain(dir);
      expect(r('writeOwn').done, r('writeOwn').detail).toBe(true);
      if (vendor === 'claude') expect(r('replaceOwnLink').done, r('replaceOwnLink').detail).toBe(true);
    });

    it('starts with the user’s login (read-only) and its worktree trusted', () => {
      expect(r('readLogin').detail).toContain('user-login');
      expect(r('readState').detail).toContain(agents.get(vendor)?.worktree?.path ?? '?');
      expect(r('writeLogin').done, r('writeLogin').detail).toBe(false);
    });

    it('writes nothing an unsandboxed CLI reads: the user’s state, login and cache are read-only', () => {
      for (const name of Object.keys(results.get(vendor) ?? {}).filter((n) =>
        /^(writeUser|createUser)/.test(n),
      ))
        expect(r(name).done, `${name}: ${r(name).detail}`).toBe(false);
    });
  });

  it('outside, not a byte of the home changed', () => {
    expect(snapshot(h)).toEqual(before);
  });
});
