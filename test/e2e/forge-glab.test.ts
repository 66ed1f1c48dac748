import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentView } from '../../src/protocol/agent.js';
import { cliOutputSchemas } from '../../src/protocol/cli-output.js';
import { FAKE_GH_DIR, ForgeStandIn } from '../support/forge-standin.js';
import { TestHome } from '../support/harness.js';
import { gitRepo } from '../support/task-steps.js';

interface ErrorDoc {
  error: { code: string; message: string; details: Record<string, unknown> };
}

/** The programs on the daemon's PATH here: the stand-in glab and what agents and git need — no gh. */
function binWithoutGh(dir: string): string {
  mkdirSync(dir);
  const which = (name: string): string =>
    execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim();
  symlinkSync(process.execPath, join(dir, 'node'));
  for (const tool of ['git', 'sh']) symlinkSync(which(tool), join(dir, tool));
  symlinkSync(join(FAKE_GH_DIR, 'glab'), join(dir, 'glab'));
  return dir;
}

/**
 * GitLab through the stand-in `glab`, picked because the remote's host is a GitLab one (the
 * repository's `url.insteadOf` sends git to a local bare repository); and a remote of another forge
 * whose CLI is missing, refused before anything is pushed.
 */
describe('wtp pr with glab, and a missing forge CLI (CLI, real git, stand-in glab)', () => {
  let home: TestHome;
  let forges: ForgeStandIn;
  let repo: string;
  let g: (args: string[], cwd?: string) => string;
  const heads = (remote: string): string => g(['ls-remote', '--heads', remote]);
  const cmdAgent = async (name: string, script: string): Promise<AgentView> => {
    const r = await home.json(['new', 'cmd', '--name', name, '--repo', repo, '--', 'sh', '-c', script]);
    expect(r.code, r.stderr).toBe(0);
    return home.untilState(name, 'exited');
  };

  beforeAll(async () => {
    home = new TestHome();
    forges = new ForgeStandIn(home.path('forge'));
    Object.assign(home.env, { PATH: binWithoutGh(home.path('bin')), FAKE_FORGE_DIR: forges.dir });
    ({ repo, g } = gitRepo(home, 'shop'));
    for (const bare of ['gitlab.git', 'hub.git'])
      execFileSync('git', ['init', '-q', '--bare', '-b', 'main', home.path(bare)]);
    const gitlabUrl = 'https://gitlab.example.org/acme/shop.git';
    g(['remote', 'add', 'origin', gitlabUrl]);
    g(['config', `url.${home.path('gitlab.git')}.insteadOf`, gitlabUrl]);
    g(['remote', 'add', 'hub', home.path('hub.git')]);
    g(['push', '-q', 'origin', 'main']);
    g(['push', '-q', 'hub', 'main']);
    await home.up();
    await cmdAgent(
      'api',
      'echo "GET /health" > routes.txt && git add routes.txt && git commit -qm "health route"',
    );
    await cmdAgent('web', 'echo "<h1>shop</h1>" > index.html && git add index.html && git commit -qm "page"');
  });
  afterAll(async () => {
    await home?.cleanup();
  });

  it('opens a draft merge request with glab for a GitLab remote, and reads its pipeline back', async () => {
    const opened = await home.run(['pr', 'api', '--draft', '--title', 'Health route', '--no-test']);
    expect(opened.code, opened.stderr).toBe(0);
    expect(opened.stdout).toContain(
      'opened merge request !1 for api: https://gitlab.com/acme/shop/-/merge_requests/1\n',
    );
    expect(opened.stdout).toContain('  wtp/api → main, draft: Health route\n');
    const head = g(['rev-parse', 'wtp/api']);
    expect(heads(home.path('gitlab.git'))).toContain(`${head}\trefs/heads/wtp/api`);
    const calls = forges.calls('glab').map((c) => c.argv);
    expect(calls[0]).toEqual(['mr', 'view', '--output=json', '--', 'wtp/api']);
    expect(calls[1]?.slice(0, 3)).toEqual(['mr', 'create', '--title=Health route']);
    expect(calls[1]?.[3]).toMatch(/^--description=## Commits\n- [0-9a-f]{10} health route\n/);
    expect(calls[1]?.[3]).toContain('## Tests\nnot run (none asked for)');
    expect(calls[1]?.slice(4)).toEqual([
      '--source-branch=wtp/api',
      '--target-branch=main',
      '--yes',
      '--draft',
    ]);
    expect(forges.calls('gh')).toEqual([]);

    forges.setPipeline(1, head, { id: 7, status: 'failed' });
    const status = cliOutputSchemas.prStatus.parse((await home.json(['pr', 'status', 'api'])).doc);
    expect(status.pullRequests[0]?.pullRequest).toMatchObject({
      forge: 'gitlab',
      number: 1,
      title: 'Draft: Health route',
      draft: true,
      checksState: 'failing',
      checks: [{ name: 'pipeline #7', state: 'fail', url: 'https://gitlab.com/acme/shop/-/pipelines/7' }],
    });
    expect((await home.run(['ls'])).stdout).toMatch(/^api .* !1 ✗ /m);
  });

  it('refuses a pull request whose forge CLI is missing before anything is pushed, naming it', async () => {
    const refused = await home.json<ErrorDoc>(['pr', 'web', '--remote', 'hub']);
    expect(refused.code).toBe(1);
    expect(refused.doc.error).toMatchObject({
      code: 'FORGE_CLI_MISSING',
      details: { cli: 'gh', install: 'https://cli.github.com', login: 'gh auth login' },
    });
    expect(refused.doc.error.message).toContain("gh (GitHub CLI) is not on the daemon's PATH");
    expect(heads(home.path('hub.git'))).not.toContain('wtp/web');
    // A push needs no forge CLI.
    expect((await home.run(['push', 'web', '--remote', 'hub'])).code).toBe(0);
    expect(heads(home.path('hub.git'))).toContain('refs/heads/wtp/web');
  });
});
