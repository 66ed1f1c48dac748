import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ForgeStandIn, ghCheckRun } from '../../../test/support/forge-standin.js';
import { eventually } from '../../../test/support/harness.js';
import { isAlive } from '../../../test/support/processes.js';
import { CliForge } from './cli-forge.js';

/** The adapter against the stand-in gh and glab (test/fixtures/fake-gh), in a real repository whose branch is pushed. */
let dir: string;
let repo: string;
let forges: ForgeStandIn;
let forge: CliForge;
const g = (args: string[], cwd = repo) => execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();

async function rejection(p: Promise<unknown>) {
  try {
    await p;
  } catch (e) {
    return e as { code: string; message: string; details: Record<string, unknown> };
  }
  throw new Error('expected a rejection');
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'wtp-forge-'));
  repo = join(dir, 'repo');
  g(['init', '-q', '--bare', '-b', 'main', join(dir, 'remote.git')], dir);
  g(['init', '-q', '-b', 'main', repo], dir);
  g(['-c', 'user.name=T', '-c', 'user.email=t@e', 'commit', '-q', '--allow-empty', '-m', 'start']);
  g(['remote', 'add', 'origin', join(dir, 'remote.git')]);
  g(['push', '-q', 'origin', 'main']);
  g(['switch', '-q', '-c', 'wtp/api']);
  g(['-c', 'user.name=T', '-c', 'user.email=t@e', 'commit', '-q', '--allow-empty', '-m', 'work']);
  g(['push', '-q', 'origin', 'wtp/api']);
  forges = new ForgeStandIn(dir);
  forge = new CliForge({ env: { ...process.env, ...forges.env(process.env.PATH) }, timeoutMs: 30_000 });
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('CliForge with gh (stand-in)', () => {
  it('opens a pull request: values as --flag=value, the body on stdin, the number from the URL', async () => {
    expect(await forge.findOpen('github', repo, 'wtp/api')).toBeNull();
    const body = 'What it does.\n\n- a list\n$(not run) `nor this`\n';
    const made = await forge.create('github', repo, {
      title: '-rf: a title that starts with a dash',
      body,
      base: 'main',
      head: 'wtp/api',
      draft: true,
    });
    expect(made).toEqual({ number: 1, url: 'https://github.com/acme/shop/pull/1' });
    const create = forges.calls('gh').find((c) => c.argv[1] === 'create');
    expect(create).toEqual({
      cli: 'gh',
      argv: [
        'pr',
        'create',
        '--title=-rf: a title that starts with a dash',
        '--body-file=-',
        '--base=main',
        '--head=wtp/api',
        '--draft',
      ],
      cwd: repo,
      stdin: body,
    });
    expect(forges.pr('gh', 1)).toMatchObject({
      title: '-rf: a title that starts with a dash',
      body,
      draft: true,
    });
    expect(await forge.findOpen('github', repo, 'wtp/api')).toEqual(made);
  });

  it('reads state, review decision and checks as gh sums them up', async () => {
    await forge.create('github', repo, {
      title: 't',
      body: 'b',
      base: 'main',
      head: 'wtp/api',
      draft: false,
    });
    const head = g(['rev-parse', 'HEAD']);
    expect(await forge.view('github', repo, 1)).toMatchObject({
      state: 'open',
      checks: [],
      headCommit: head,
    });
    forges.setChecks(1, head, [
      ghCheckRun('tests', 'FAILURE'),
      ghCheckRun('lint', 'SUCCESS'),
      ghCheckRun('build', null),
      {
        __typename: 'StatusContext',
        context: 'ci/legacy',
        state: 'ERROR',
        targetUrl: 'https://ci.example/1',
      },
    ]);
    forges.update('gh', (s) => Object.assign(s.prs[0] ?? {}, { reviewDecision: 'CHANGES_REQUESTED' }));
    const seen = await forge.view('github', repo, 1);
    expect(seen.reviewDecision).toBe('changes_requested');
    expect(seen.checks).toEqual([
      {
        name: 'tests',
        workflow: 'CI',
        state: 'fail',
        conclusion: 'FAILURE',
        url: 'https://github.com/acme/shop/actions/runs/1/job/tests',
      },
      { name: 'lint', workflow: 'CI', state: 'pass', conclusion: 'SUCCESS', url: expect.any(String) },
      { name: 'build', workflow: 'CI', state: 'pending', conclusion: 'IN_PROGRESS', url: expect.any(String) },
      { name: 'ci/legacy', workflow: null, state: 'fail', conclusion: 'ERROR', url: 'https://ci.example/1' },
    ]);
    const view = forges.calls('gh').at(-1);
    expect(view?.argv).toEqual([
      'pr',
      'view',
      '--json=number,url,title,state,isDraft,reviewDecision,statusCheckRollup,headRefOid,mergedAt,mergeCommit',
      '--',
      '1',
    ]);
    forges.merge(1, 'f'.repeat(40), head);
    expect(await forge.view('github', repo, 1)).toMatchObject({
      state: 'merged',
      mergeCommit: 'f'.repeat(40),
      mergedAt: Date.parse('2025-01-01T00:05:00Z'),
    });
  });

  it('an unauthenticated gh (exit 4) says to sign in; a missing one is FORGE_CLI_MISSING, before anything runs', async () => {
    forges.update('gh', (s) => Object.assign(s, { authenticated: false }));
    const auth = await rejection(forge.findOpen('github', repo, 'wtp/api'));
    expect(auth.code).toBe('FORGE_FAILED');
    expect(auth.message).toContain('`gh pr list` is not signed in (exit 4): ');
    expect(auth.message).toContain('Sign in with `gh auth login`');
    expect(auth.details).toMatchObject({ cli: 'gh', exitCode: 4 });

    const bare = new CliForge({
      env: { ...process.env, PATH: '/nonexistent', FAKE_FORGE_DIR: forges.dir },
      timeoutMs: 1_000,
    });
    const missing = await rejection(bare.check('github'));
    expect(missing).toMatchObject({
      code: 'FORGE_CLI_MISSING',
      details: { cli: 'gh', login: 'gh auth login' },
    });
    expect(missing.message).toContain('https://cli.github.com');
    expect((await rejection(bare.view('gitlab', repo, 1))).details).toMatchObject({ cli: 'glab' });
  });

  it('ends a CLI that runs past its time limit (its process group), as FORGE_FAILED', async () => {
    const bin = join(dir, 'slow-bin');
    execFileSync('mkdir', ['-p', bin]);
    const pidFile = join(dir, 'slow.pid');
    writeFileSync(join(bin, 'gh'), `#!/bin/sh\necho $$ > '${pidFile}'\nexec sleep 600\n`);
    chmodSync(join(bin, 'gh'), 0o755);
    const slow = new CliForge({
      env: { ...process.env, PATH: `${bin}${delimiter}${process.env.PATH ?? ''}` },
      timeoutMs: 300,
    });
    const e = await rejection(slow.view('github', repo, 1));
    expect(e).toMatchObject({ code: 'FORGE_FAILED', details: { timedOut: true } });
    expect(e.message).toContain('did not finish within 0.3 s (`forge.cliTimeoutMs`)');
    const pid = Number(readFileSync(pidFile, 'utf8'));
    await eventually('the slow gh to be gone', () => !isAlive(pid));
  });
});

describe('CliForge with glab (stand-in)', () => {
  it('opens a merge request with its description as one --description= argument, and reads its pipeline', async () => {
    expect(await forge.findOpen('gitlab', repo, 'wtp/api')).toBeNull();
    const made = await forge.create('gitlab', repo, {
      title: 'Health route',
      body: 'line one\nline two',
      base: 'main',
      head: 'wtp/api',
      draft: false,
    });
    expect(made).toEqual({ number: 1, url: 'https://gitlab.com/acme/shop/-/merge_requests/1' });
    expect(forges.calls('glab').find((c) => c.argv[1] === 'create')?.argv).toEqual([
      'mr',
      'create',
      '--title=Health route',
      '--description=line one\nline two',
      '--source-branch=wtp/api',
      '--target-branch=main',
      '--yes',
    ]);
    expect(await forge.findOpen('gitlab', repo, 'wtp/api')).toEqual(made);
    const head = g(['rev-parse', 'HEAD']);
    forges.setPipeline(1, head, { id: 77, status: 'failed' });
    expect(await forge.view('gitlab', repo, 1)).toMatchObject({
      number: 1,
      state: 'open',
      headCommit: head,
      checks: [
        {
          name: 'pipeline #77',
          workflow: null,
          state: 'fail',
          conclusion: 'failed',
          url: 'https://gitlab.com/acme/shop/-/pipelines/77',
        },
      ],
    });
  });
});
