import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliOutputSchemas } from '../../src/protocol/cli-output.js';
import { TestHome } from '../support/harness.js';

interface ErrorDoc {
  error: { code: string; message: string; details?: Record<string, unknown> };
}

/** `wtp workspace …` and `wtp template …` on a headless daemon: what the plugin and scripts read. */
describe('workspace and template commands', () => {
  let home: TestHome;
  let repo: string;
  beforeAll(async () => {
    home = new TestHome({ SHELL: '/bin/sh' });
    repo = home.path('repo');
    mkdirSync(join(repo, '.wezterm-parallel', 'templates'), { recursive: true });
    writeFileSync(
      join(repo, '.wezterm-parallel', 'templates', 'trio.yaml'),
      'description: three shells\nlayout:\n  split: down\n  panes:\n    - agent: { name: t1 }\n    - agent: { name: t2 }\n    - agent: { name: t3 }\n',
    );
    mkdirSync(home.path('templates'));
    writeFileSync(
      home.path('templates', 'mine.yaml'),
      'description: my own\nlayout:\n  agent: { name: m }\n',
    );
    writeFileSync(home.path('templates', 'broken.yaml'), 'layout:\n  split: right\n');
    await home.up();
  });
  afterAll(() => home.cleanup());

  it('template ls --json lists built-in, user and repository templates, invalid ones with their error', async () => {
    const { code, doc } = await home.json(['template', 'ls', '--repo', repo]);
    expect(code).toBe(0);
    const list = cliOutputSchemas.templates.parse(doc).templates;
    const by = (n: string) => list.find((t) => t.name === n);
    expect(by('quad')).toMatchObject({ source: 'builtin', path: null, error: null });
    expect(by('mine')).toMatchObject({ source: 'user', description: 'my own', error: null });
    expect(by('trio')).toMatchObject({ source: 'repo', description: 'three shells' });
    expect(by('broken')?.error).toMatch(/layout\.panes/);

    const human = await home.run(['template', 'ls', '--repo', repo]);
    expect(human.stdout).toMatch(/^NAME\s+SOURCE\s+DESCRIPTION/);
    expect(human.stdout).toMatch(/broken\s+user\s+INVALID: /);
  });

  it('template show prints the YAML and the pane count', async () => {
    const j = cliOutputSchemas.template.parse((await home.json(['template', 'show', 'quad'])).doc);
    expect(j.panes).toBe(4);
    expect(j.template).toMatchObject({ name: 'quad', source: 'builtin' });
    expect(j.yaml).toContain('split: right');
    const human = await home.run(['template', 'show', 'trio', '--repo', repo]);
    expect(human.stdout.split('\n')[0]).toBe(
      `# trio (repo: ${join(repo, '.wezterm-parallel', 'templates', 'trio.yaml')}), 3 pane(s)`,
    );
    const missing = await home.json<ErrorDoc>(['template', 'show', 'nope']);
    expect(missing.code).toBe(1);
    expect(missing.doc.error.code).toBe('TEMPLATE_NOT_FOUND');
  });

  it('template validate lists every problem with its path and line', async () => {
    const file = home.path('check.yaml');
    writeFileSync(
      file,
      'layout:\n  split: right\n  panes:\n    - agent: { name: a, restart: sometimes }\n    - agent: {}\n',
    );
    const j = await home.json<ErrorDoc>(['template', 'validate', file]);
    expect(j.code).toBe(1);
    expect(j.doc.error.code).toBe('TEMPLATE_INVALID');
    expect(j.doc.error.details?.issues).toEqual([
      expect.objectContaining({ path: 'layout.panes[0].agent.restart', line: 4 }),
      expect.objectContaining({ path: 'layout.panes[1].agent.name', line: 5 }),
    ]);
    const human = await home.run(['template', 'validate', file]);
    expect(human.stderr).toContain('  - layout.panes[0].agent.restart (line 4): ');
    expect(human.stderr).toContain('[TEMPLATE_INVALID]');

    const good = home.path('good.yaml');
    writeFileSync(
      good,
      'layout:\n  split: right\n  panes:\n    - agent: { name: a }\n    - command: { run: [top] }\n',
    );
    expect(
      cliOutputSchemas.templateValid.parse((await home.json(['template', 'validate', good])).doc),
    ).toMatchObject({
      valid: true,
      file: good,
      panes: 2,
    });
    const typo = home.path('typo.yaml');
    writeFileSync(
      typo,
      'layout:\n  split: right\n  panes:\n    - agent: { name: a }\n    - agent: { name: b, profile: clade }\n',
    );
    const bad = await home.run(['template', 'validate', typo]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(
      `Template ${typo} is invalid: unknown profile "clade". Did you mean "claude"?`,
    );
    expect(bad.stderr).toContain('(at layout.panes[1].agent.profile, line 5).');
    const none = await home.json<ErrorDoc>(['template', 'validate', home.path('none.yaml')]);
    expect(none.doc.error.code).toBe('TEMPLATE_NOT_FOUND');
  });

  it('workspace new --json returns the workspace and its running agents; a repo template by name works', async () => {
    // A repository's template runs only once approved (test/e2e/repo-templates.test.ts).
    expect((await home.run(['template', 'approve', 'trio', '--repo', repo])).code).toBe(0);
    const r = await home.json(['workspace', 'new', 'w1', '--template', 'trio', '--cwd', repo]);
    expect(r.code, r.stderr).toBe(0);
    const { workspace, agents } = cliOutputSchemas.workspace.parse(r.doc);
    expect(workspace).toMatchObject({ name: 'w1', backend: 'headless', template: 'trio', repoPath: repo });
    expect(agents.map((a) => [a.name, a.state, a.workspace, a.cwd])).toEqual([
      ['t1', 'running', 'w1', repo],
      ['t2', 'running', 'w1', repo],
      ['t3', 'running', 'w1', repo],
    ]);

    const human = await home.run(['workspace', 'new', 'w2', '--cwd', repo]);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toContain('created workspace w2 (headless)');
  });

  it('workspace ls --json gives each workspace with its backend, template and agent count', async () => {
    const ls = cliOutputSchemas.workspaces.parse((await home.json(['workspace', 'ls'])).doc);
    expect(ls.workspaces.map((w) => [w.name, w.backend, w.template, w.agents, w.repoPath])).toEqual([
      ['default', 'headless', null, 0, null],
      ['w1', 'headless', 'trio', 3, repo],
      ['w2', 'headless', null, 0, repo],
    ]);
    const human = await home.run(['workspace', 'ls']);
    expect(human.stdout).toMatch(/^NAME\s+BACKEND\s+TEMPLATE\s+AGENTS\s+REPO/);
    expect(human.stdout).toMatch(/w1\s+headless\s+trio\s+3/);
  });

  it('workspace switch on a headless workspace names the first agent pane-less and no attach command', async () => {
    const j = cliOutputSchemas.workspaceFocus.parse((await home.json(['workspace', 'switch', 'w1'])).doc);
    expect(j).toMatchObject({ workspace: { name: 'w1' }, attach: null });
    const human = await home.run(['workspace', 'switch', 'w1']);
    expect(human.stdout).toContain('w1 is headless');
    const attach = await home.run(['workspace', 'attach', 'w1']);
    expect(attach.code).toBe(2);
    expect(attach.stderr).toContain('only tmux workspaces can be attached');
  });

  it('refuses bad requests with stable codes and changes nothing', async () => {
    const cases: [string[], string, number][] = [
      [['workspace', 'new', 'w1', '--cwd', repo], 'WORKSPACE_EXISTS', 1],
      [['workspace', 'new', 'bad name', '--cwd', repo], 'INVALID_INPUT', 2],
      [['workspace', 'new', 'w3', '--cwd', home.path('no-such-dir')], 'CWD_INVALID', 1],
      [['workspace', 'new', 'w3', '--template', 'nope', '--cwd', repo], 'TEMPLATE_NOT_FOUND', 1],
      [
        ['workspace', 'new', 'w3', '--template', home.path('templates', 'broken.yaml')],
        'TEMPLATE_INVALID',
        1,
      ],
      [['workspace', 'new', 'w3', '--backend', 'screen', '--cwd', repo], 'INVALID_INPUT', 2],
      [
        ['workspace', 'new', 'w3', '--template', 'solo', '--profile', 'nope', '--cwd', repo],
        'PROFILE_UNKNOWN',
        1,
      ],
      [['workspace', 'rm', 'w1'], 'WORKSPACE_NOT_EMPTY', 1],
      [['workspace', 'rm', 'default', '--force'], 'INVALID_INPUT', 2],
      [['workspace', 'rm', 'nope'], 'WORKSPACE_NOT_FOUND', 1],
    ];
    for (const [args, code, exit] of cases) {
      const r = await home.json<ErrorDoc>(args);
      expect([r.doc.error.code, r.code], args.join(' ')).toEqual([code, exit]);
    }
    const typo = await home.run(['workspace', 'attach', 'w11']);
    expect(typo.stderr).toContain('No workspace is named "w11". Did you mean "w1"?');
    const ls = cliOutputSchemas.workspaces.parse((await home.json(['workspace', 'ls'])).doc);
    expect(ls.workspaces.map((w) => w.name)).toEqual(['default', 'w1', 'w2']);
    expect((await home.agents()).map((a) => a.name)).toEqual(['t1', 't2', 't3']);
  });

  it('workspace rm --force stops and removes its agents', async () => {
    const pids = (await home.agents()).map((a) => a.pid);
    const r = await home.json(['workspace', 'rm', 'w1', '--force']);
    expect(r.code, r.stderr).toBe(0);
    expect(await home.agents()).toEqual([]);
    for (const pid of pids) expect(pid === null || home.processes().includes(pid)).toBe(false);
    const ev = (await home.run(['events', '--type', 'workspace.created,workspace.removed', '--json'])).stdout
      .trim()
      .split('\n')
      .map((l) => cliOutputSchemas.event.parse(JSON.parse(l)).event);
    expect(ev.map((e) => [e.type, e.data])).toEqual([
      ['workspace.created', expect.objectContaining({ workspace: expect.objectContaining({ name: 'w1' }) })],
      ['workspace.created', expect.objectContaining({ workspace: expect.objectContaining({ name: 'w2' }) })],
      ['workspace.removed', { name: 'w1' }],
    ]);
  });

  it('up --detach --template opens a workspace named after the folder, in one JSON document', async () => {
    const r = await home.json(['up', '--detach', '--template', 'mine'], { cwd: repo });
    expect(r.code, r.stderr).toBe(0);
    const up = cliOutputSchemas.up.parse(r.doc);
    expect(up.started).toBe(false); // the daemon ran already
    expect(up.workspace).toMatchObject({ name: 'repo', template: 'mine', repoPath: repo });
    expect(up.agents?.map((a) => [a.name, a.state])).toEqual([['m', 'running']]);

    const again = await home.json<ErrorDoc>(['up', '--detach', '--template', 'mine'], { cwd: repo });
    expect(again.doc.error.code).toBe('WORKSPACE_EXISTS');
    expect(again.doc.error.message).toMatch(/the daemon keeps running, pid \d+/);
    const human = await home.run(['up', '--detach', '--template', 'solo', '--name', 'other'], { cwd: repo });
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toContain('created workspace other (headless, template solo)');
  });
});
