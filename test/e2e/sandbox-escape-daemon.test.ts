import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REAL_CLI_TESTS, untilState } from '../support/agent-steps.js';
import { claudeBinary, claudeEnv, prepareClaudeHome } from '../support/claude-cli.js';
import { FakeAnthropic, type FakeRequest, type FakeTurn } from '../support/fake-anthropic.js';
import { eventually, TestHome } from '../support/harness.js';

const PLANT = resolve(import.meta.dirname, '../fixtures/sandbox/plant-traps.sh');

/**
 * The escape suite's second half: a sandboxed `cmd` agent plants, in its worktree and its git
 * folders, programs for git to start (test/fixtures/sandbox/plant-traps.sh: a nested
 * repository's fsmonitor, pager and hooks, filter and diff drivers by attribute, a submodule's
 * update command, config and hooks where git reads them outside), then the daemon does to it
 * everything it offers — diff, the conflict radar, commit, push to a bare remote, merge, restart,
 * gc, remove — and nothing planted runs: each would leave a line in a folder the sandbox keeps
 * read-only. The user's own git entering the nested repository shows the plant was live.
 */
/** Lines the planted programs left: each was written outside the sandbox. */
const ranIn = (marks: string): string =>
  existsSync(join(marks, 'RAN')) ? readFileSync(join(marks, 'RAN'), 'utf8') : '';

/** `wtp …` that must succeed: its stdout. */
async function wtpIn(home: TestHome, args: string[]): Promise<string> {
  const r = await home.run(args, { timeoutMs: 60_000 });
  expect(r.code, `wtp ${args.join(' ')}: ${r.stderr}`).toBe(0);
  return r.stdout;
}

/** The marks folder (read-only inside) and a repository with a bare remote, as `git sparse-checkout` leaves it. */
function makeRepo(home: TestHome): { repo: string; marks: string } {
  const marks = join(home.env.HOME ?? '', 'marks');
  mkdirSync(marks, { recursive: true });
  const repo = home.path('proj');
  const remote = home.path('remote.git');
  mkdirSync(repo);
  const git = (...args: string[]): string =>
    execFileSync('git', args, { cwd: repo, env: home.env, encoding: 'utf8' });
  git('init', '-q', '-b', 'main');
  git('config', 'user.email', 'user@example.com');
  git('config', 'user.name', 'user');
  // Each worktree's config.worktree is read.
  git('config', 'core.repositoryformatversion', '1');
  git('config', 'extensions.worktreeConfig', 'true');
  git('commit', '-q', '--allow-empty', '-m', 'init');
  git('tag', 'init');
  execFileSync('git', ['init', '-q', '--bare', remote]);
  git('remote', 'add', 'origin', remote);
  git('push', '-q', 'origin', 'main');
  return { repo, marks };
}

/** What plant-traps.sh printed: each attempt, done or refused. */
function plantResults(text: string): Record<string, string> {
  const line = text.split('\n').find((l) => l.startsWith('PLANT-RESULTS '));
  if (!line) throw new Error(`no plant results in:\n${text}`);
  return JSON.parse(line.slice('PLANT-RESULTS '.length)) as Record<string, string>;
}

/** What must stay out of its reach: config, hooks and pointers git reads outside. */
const OUT_OF_REACH = [
  'configWorktree',
  'configWorktreeSsh',
  'configRepo',
  'hookRepo',
  'infoAttributes',
  'gitLink',
  'commondir',
];

describe('sandbox: what the daemon does to a hostile agent’s work runs nothing it planted', () => {
  let home: TestHome;
  let repo: string;
  let marks: string;
  let plants: Record<string, string> = {};
  const ran = (): string => ranIn(marks);
  const wtp = (...args: string[]): Promise<string> => wtpIn(home, args);

  beforeAll(async () => {
    home = new TestHome({ SHELL: '/bin/sh' });
    ({ repo, marks } = makeRepo(home));
    await home.up();
    await wtp(
      'new',
      'cmd',
      '--sandbox',
      '--name',
      'hostile',
      '--repo',
      repo,
      '-e',
      `WTP_MARKS=${marks}`,
      '--',
      'sh',
      PLANT,
    );
    await home.untilState('hostile', 'exited', 'the plants to be made');
    plants = plantResults(await wtp('logs', 'hostile'));
  }, 120_000);
  afterAll(async () => {
    await home.cleanup();
  });

  it('could not write the config, hooks and pointers git reads outside its sandbox', () => {
    for (const name of OUT_OF_REACH)
      expect(plants[name], `${name}: ${JSON.stringify(plants)}`).toBe('refused');
    // Its own git folder is its own (git never reads a config or hooks there for it).
    expect(plants).toMatchObject({ hookOwn: 'done', configOwn: 'done' });
    expect(ran()).toBe('');
  });

  it('diff, radar, commit, push, merge and restart run none of it', async () => {
    const stat = JSON.parse(await wtp('diff', 'hostile', '--stat', '--json')) as {
      diff: { files: { path: string }[] };
    };
    expect(stat.diff.files.map((f) => f.path)).toEqual(
      expect.arrayContaining(['evil', 'more.txt', '.gitattributes']),
    );
    expect(await wtp('diff', 'hostile')).toContain('+more');
    await wtp('conflicts', '--json');
    await wtp('commit', 'hostile', '--message', 'the rest of its work');
    await wtp('push', 'hostile', '--no-progress');
    await wtp('merge', 'hostile');
    expect(execFileSync('git', ['show', 'main:more.txt'], { cwd: repo, encoding: 'utf8' })).toBe('more\n');
    await wtp('restart', 'hostile');
    await home.untilState('hostile', 'exited', 'the plants to be made again');
    await wtp('diff', 'hostile', '--stat');
    await wtp('conflicts');
    expect(ran()).toBe('');
  });

  it('the plant was live: the user’s own git in the nested repository runs its fsmonitor', async () => {
    const a = await home.agent('hostile');
    const nested = join(a.worktree?.path ?? '', 'evil');
    execFileSync('git', ['status', '--short'], { cwd: nested, env: home.env, stdio: 'pipe' });
    expect(ran()).toContain('.trap.sh');
    rmSync(join(marks, 'RAN'));
  });

  it('gc and remove run none of it', async () => {
    await wtp('gc');
    await wtp('rm', 'hostile', '--force');
    expect(ran()).toBe('');
  });

  it('a .gitmodules git dies on: that agent’s diff fails with git’s reason; radar and gc go on for the others', async () => {
    // What the first merged into main (a submodule whose URL is a command) waits for the user's approval.
    const refused = await home.run(['new', 'cmd', '--name', 'next', '--repo', repo, '--json', '--', 'true']);
    expect(JSON.parse(refused.stdout)).toMatchObject({ error: { code: 'SETUP_NOT_APPROVED' } });
    await wtp(
      'new',
      'cmd',
      '--sandbox',
      '--name',
      'breaker',
      '--repo',
      repo,
      '--base',
      'init',
      '-e',
      `WTP_MARKS=${marks}`,
      '-e',
      'WTP_PLANT_UPDATE=1',
      '--',
      'sh',
      PLANT,
    );
    await wtp(
      'new',
      'cmd',
      '--name',
      'fine',
      '--repo',
      repo,
      '--base',
      'init',
      '--',
      'sh',
      '-c',
      'echo fine > fine.txt && git add fine.txt && git -c user.name=a -c user.email=a@b commit -qm fine',
    );
    await home.untilState('breaker', 'exited', 'the second plants');
    await home.untilState('fine', 'exited', 'the innocent agent’s commit');
    // Git dies on it (it refuses an update command from .gitmodules), having run nothing.
    const diff = await home.run(['diff', 'breaker', '--json'], { timeoutMs: 60_000 });
    expect(diff.code).toBe(1);
    expect(JSON.parse(diff.stdout)).toMatchObject({
      error: {
        code: 'GIT_FAILED',
        message: expect.stringContaining("invalid value for 'submodule.evil.update'"),
      },
    });
    const radar = JSON.parse(await wtp('conflicts', '--json')) as { branches: { agent: string }[] };
    expect(radar.branches.map((b) => b.agent)).toEqual(expect.arrayContaining(['breaker', 'fine']));
    await wtp('merge', 'fine', '--into', 'main');
    const gc = JSON.parse(await wtp('gc', '--json')) as {
      removed: { agent: string }[];
      kept: { agent: string; why: string }[];
    };
    expect(gc.removed.map((r) => r.agent)).toEqual(['fine']);
    expect(gc.kept).toEqual([
      {
        agent: 'breaker',
        why: expect.stringMatching(/^git cannot tell what it would lose: .*submodule\.evil\.update/),
      },
    ]);
    expect(ran()).toBe('');
  });
});

/** The same plants from a real CLI's own shell tool: Claude Code, unattended (bypassPermissions), sandboxed. */
describe(
  'sandbox: a real Claude Code plants the same, and the daemon’s acts run none of it',
  REAL_CLI_TESTS,
  () => {
    const apiKey = 'sk-ant-test-0000000000000000000000000000wtp-e2e-key';
    let home: TestHome;
    let api: FakeAnthropic;
    let repo: string;
    let marks: string;
    let output = '';
    const wtp = (...args: string[]): Promise<string> => wtpIn(home, args);

    beforeAll(async () => {
      api = await FakeAnthropic.start((req: FakeRequest): FakeTurn => {
        if (!req.hasToolResult)
          return { toolUse: { name: 'Bash', input: { command: `sh ${PLANT}`, description: 'plant' } } };
        output ||= req.toolResultText;
        return { text: 'Done.' };
      });
      home = new TestHome({ WTP_BACKEND: 'tmux', WTP_CLAUDE_BIN: claudeBinary() });
      home.writeConfig('notifications:\n  enabled: false\n');
      ({ repo, marks } = makeRepo(home));
      const h = home.env.HOME ?? '';
      prepareClaudeHome(h, { cwd: repo, apiKey, trusted: false });
      mkdirSync(join(h, '.claude'), { recursive: true });
      writeFileSync(join(h, '.claude', 'settings.json'), '{ "skipDangerousModePermissionPrompt": true }\n');
      const env = Object.entries(claudeEnv({ home: h, baseUrl: api.url, apiKey })).flatMap(([k, v]) =>
        k === 'HOME' ? [] : ['-e', `${k}=${v}`],
      );
      await home.up();
      await wtp(
        'new',
        'claude',
        '--name',
        'planter',
        '--sandbox',
        '--repo',
        repo,
        '--permission-mode',
        'bypassPermissions',
        ...env,
        '-e',
        `WTP_MARKS=${marks}`,
        '--prompt',
        'plant',
      );
      await eventually('the plants made through its Bash tool', () => output !== '', 240_000);
      await untilState(home, 'planter', 'idle', 'planter to end its turn', 'planter', 120_000);
    }, 400_000);
    afterAll(async () => {
      await home?.cleanup();
      await api?.close();
    });

    it('could not reach them; diff, radar, commit, push, merge, restart, gc and remove run nothing', async () => {
      const plants = plantResults(output);
      for (const name of OUT_OF_REACH) expect(plants[name], `${name}: ${output}`).toBe('refused');
      expect(await wtp('diff', 'planter')).toContain('+more');
      await wtp('conflicts');
      await wtp('commit', 'planter', '--message', 'the rest of its work');
      await wtp('push', 'planter', '--no-progress');
      await wtp('merge', 'planter');
      await wtp('restart', 'planter');
      await untilState(home, 'planter', 'idle', 'planter to run again', 'planter', 120_000);
      await wtp('diff', 'planter', '--stat');
      await wtp('stop', 'planter');
      await wtp('gc');
      await wtp('rm', 'planter', '--force');
      expect(ranIn(marks)).toBe('');
    }, 300_000);
  },
);
