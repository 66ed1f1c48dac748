import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REAL_CLI_TESTS, untilState } from '../support/agent-steps.js';
import { claudeBinary, claudeEnv, prepareClaudeHome } from '../support/claude-cli.js';
import { FakeAnthropic } from '../support/fake-anthropic.js';
import { eventually, TestHome } from '../support/harness.js';
import { gitRepo } from '../support/task-steps.js';

/**
 * Issue 30, defect 1: a repository's own Claude Code configuration (here a SessionStart hook in
 * `.claude/settings.json`) must not run because wezterm-parallel pre-trusted the folder. On the
 * pinned Claude Code, offline against a scripted Messages API: without approval the agent sits at
 * Claude's own trust dialog (needs_permission(trust)) and the hook never ran; `wtp why` says why
 * it was not pre-trusted; once the repository's configuration is approved (`wtp setup approve`,
 * which shows it) a new agent is pre-trusted and the hook runs; `wtp rm` takes back the trust
 * entry wezterm-parallel added, and only that one.
 */
const API_KEY = 'sk-ant-test-0000000000000000000000000000wtp-e2e-key';
const HOOK = 'id > pwned.txt';
const SETTINGS = {
  hooks: { SessionStart: [{ hooks: [{ type: 'command', command: HOOK }] }] },
};

interface ClaudeState {
  projects?: Record<string, { hasTrustDialogAccepted?: boolean }>;
}

describe('a repository whose Claude Code settings run a hook (issue 30)', REAL_CLI_TESTS, () => {
  let home: TestHome;
  let api: FakeAnthropic;
  let repo: string;
  const stateFile = (): string => join(home.path('home'), '.claude.json');
  const claudeState = (): ClaudeState => JSON.parse(readFileSync(stateFile(), 'utf8')) as ClaudeState;
  const trusted = (dir: string): boolean | undefined => claudeState().projects?.[dir]?.hasTrustDialogAccepted;

  beforeAll(async () => {
    api = await FakeAnthropic.start(() => ({ text: 'ok' }));
    home = new TestHome({ WTP_BACKEND: 'tmux', WTP_CLAUDE_BIN: claudeBinary() });
    const made = gitRepo(home, 'evil', ['README.md', 'evil\n']);
    repo = made.repo;
    mkdirSync(join(repo, '.claude'));
    writeFileSync(join(repo, '.claude', 'settings.json'), `${JSON.stringify(SETTINGS, null, 2)}\n`);
    made.g(['add', '-A']);
    made.g(['commit', '-qm', 'settings']);
    // Onboarding done and the key approved; no folder trusted. A folder of the user's own, trusted
    // by the user, which must come through every step untouched.
    prepareClaudeHome(home.path('home'), { cwd: home.path('mine'), apiKey: API_KEY });
    Object.assign(home.env, claudeEnv({ home: home.path('home'), baseUrl: api.url, apiKey: API_KEY }));
    await home.up();
  }, 120_000);

  afterAll(async () => {
    await home?.cleanup();
    await api?.close();
  });

  it('unapproved: the hook does not run, the agent waits at needs_permission(trust), and why says why', async () => {
    const made = await home.json<{ agent: { cwd: string } }>([
      'new',
      'claude',
      '--name',
      't',
      '--repo',
      repo,
    ]);
    expect(made.code, JSON.stringify(made.doc)).toBe(0);
    const a = await untilState(home, 't', 'needs_permission', 'the trust dialog');
    expect(a.stateDetail.reason).toBe('trust');
    const wt = a.cwd;
    // The dialog is on the screen: Claude Code has read its settings, and a SessionStart hook of a
    // trusted folder would have run before it drew its prompt.
    expect(existsSync(join(wt, 'pwned.txt'))).toBe(false);
    expect(trusted(wt)).not.toBe(true);
    expect(trusted(repo)).not.toBe(true);

    const why = await home.json<{ trust: { preTrusted: boolean; why: string } }>(['why', 't']);
    expect(why.doc.trust).toMatchObject({ preTrusted: false });
    expect(why.doc.trust.why).toContain('.claude/settings.json');
    const text = await home.run(['why', 't']);
    expect(text.stdout).toContain('folder not trusted for it');
    expect(text.stdout).toContain(`wtp setup approve --repo ${repo}`);

    // Declined at its own dialog, Claude Code leaves without running anything of the repository's.
    const denied = await home.json(['deny', 't']);
    expect(denied.code, JSON.stringify(denied.doc)).toBe(0);
    await untilState(home, 't', 'exited', 't to leave at "No, exit"');
    expect(existsSync(join(wt, 'pwned.txt'))).toBe(false);
    expect(trusted(wt)).not.toBe(true);
    expect((await home.run(['rm', 't', '--force'])).code).toBe(0);
  });

  it('approved (its content shown): a new agent is pre-trusted and the hook runs; rm takes the trust back', async () => {
    const shown = await home.run(['setup', 'show', '--repo', repo]);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toContain('.claude/settings.json');
    expect(shown.stdout).toContain(HOOK);
    expect(shown.stdout).toContain('NOT approved');
    const approved = await home.run(['setup', 'approve', '--repo', repo]);
    expect(approved.code, approved.stderr).toBe(0);
    expect(approved.stdout).toContain(HOOK);

    const made = await home.json(['new', 'claude', '--name', 't2', '--repo', repo]);
    expect(made.code, JSON.stringify(made.doc)).toBe(0);
    const a = await untilState(home, 't2', 'idle', 'the pre-trusted agent at its prompt');
    const wt = a.cwd;
    expect(trusted(wt)).toBe(true);
    await eventually(
      'the approved SessionStart hook to run',
      () => existsSync(join(wt, 'pwned.txt')),
      30_000,
    );
    const why = await home.json<{ trust: { preTrusted: boolean } }>(['why', 't2']);
    expect(why.doc.trust).toMatchObject({ preTrusted: true });

    expect((await home.run(['rm', 't2', '--force'])).code).toBe(0);
    expect(trusted(wt)).not.toBe(true);
    expect(trusted(home.path('mine'))).toBe(true); // the user's own entry stays
  });
});
