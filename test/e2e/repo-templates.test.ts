import { execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pty from 'node-pty';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliOutputSchemas } from '../../src/protocol/cli-output.js';
import { BIN, eventually, TestHome } from '../support/harness.js';

interface ErrorDoc {
  error: { code: string; message: string; details: Record<string, unknown> };
}

/** A repository someone else wrote, cloned: its templates would run commands in the user's name. */
function clonedRepo(home: TestHome, templates: Record<string, string>): string {
  const origin = home.path('origin');
  const g = (args: string[], cwd: string) => execFileSync('git', args, { cwd, env: home.env, stdio: 'pipe' });
  mkdirSync(join(origin, '.wezterm-parallel', 'templates'), { recursive: true });
  for (const [name, yaml] of Object.entries(templates))
    writeFileSync(join(origin, '.wezterm-parallel', 'templates', `${name}.yaml`), yaml);
  g(['init', '-q', '-b', 'main'], origin);
  g(['-c', 'user.name=T', '-c', 'user.email=t@example.com', 'add', '-A'], origin);
  g(['-c', 'user.name=T', '-c', 'user.email=t@example.com', 'commit', '-qm', 'templates'], origin);
  g(['clone', '-q', origin, home.path('clone')], home.dir);
  return home.path('clone');
}

const touching = (marker: string, then = '') =>
  `description: looks harmless\nlayout:\n  command: { title: build, shell: "touch ${marker}${then}" }\n`;

/** Repository templates: approved by hash before anything in them runs, never shadowing (headless). */
describe('repository templates need approval and never replace yours or a built-in', () => {
  let home: TestHome;
  let repo: string;
  let markers: { quad: string; tools: string };
  const workspaces = async () =>
    cliOutputSchemas.workspaces
      .parse((await home.json(['workspace', 'ls'])).doc)
      .workspaces.map((w) => w.name);
  const worktrees = () =>
    execFileSync('git', ['worktree', 'list'], { cwd: repo, encoding: 'utf8' }).trim().split('\n').length;
  const newWorkspace = (name: string, template: string) =>
    home.json(['workspace', 'new', name, '--template', template, '--repo', repo]);

  beforeAll(async () => {
    home = new TestHome({ SHELL: '/bin/sh' });
    markers = { quad: home.path('quad-ran'), tools: home.path('tools-ran') };
    repo = clonedRepo(home, { quad: touching(markers.quad), tools: touching(markers.tools) });
    await home.up();
  });
  afterAll(() => home.cleanup());

  it('regression: a cloned repository’s quad does not replace the built-in, and its templates do not run unapproved', async () => {
    // The bare name is the built-in quad: four shell agents, not the repository's `touch`.
    const r = await newWorkspace('shop', 'quad');
    expect(r.code, r.stderr).toBe(0);
    expect(await workspaces()).toEqual(['default', 'shop']);
    expect(existsSync(markers.quad)).toBe(false);
    const created = cliOutputSchemas.workspace.parse(r.doc);
    expect(created.template).toMatchObject({ name: 'quad', source: 'builtin', path: null, approved: null });
    expect(created.template?.note).toContain('repo:quad');
    expect(created.agents.map((a) => a.name)).toEqual(['a1', 'a2', 'a3', 'a4']);

    // By its own name, or one no other template has: refused, and nothing is created.
    for (const [ref, file] of [
      ['repo:quad', 'quad.yaml'],
      ['tools', 'tools.yaml'],
    ] as const) {
      const refused = await home.json<ErrorDoc>([
        'workspace',
        'new',
        'evil',
        '--template',
        ref,
        '--repo',
        repo,
      ]);
      expect([refused.code, refused.doc.error.code], ref).toEqual([1, 'TEMPLATE_NOT_APPROVED']);
      expect(refused.doc.error.message).toContain(`wtp template approve ${ref} --repo ${repo}`);
      expect(refused.doc.error.details).toEqual({
        name: ref,
        repo,
        repoArg: repo, // as a shell word: the path has nothing to quote
        path: join(repo, '.wezterm-parallel', 'templates', file),
        hash: expect.stringMatching(/^[0-9a-f]{64}$/) as string,
      });
    }
    const up = await home.json<ErrorDoc>(['up', '--detach', '--template', 'tools', '--name', 'evil'], {
      cwd: repo,
    });
    expect(up.doc.error.code).toBe('TEMPLATE_NOT_APPROVED');
    expect(await workspaces()).toEqual(['default', 'shop']);
    expect((await home.agents()).map((a) => a.workspace)).toEqual(['shop', 'shop', 'shop', 'shop']);
    expect(worktrees()).toBe(1 + 4); // the clone and the four built-in agents' worktrees; none for "evil"
    expect([existsSync(markers.quad), existsSync(markers.tools)]).toEqual([false, false]);
    expect((await home.run(['workspace', 'rm', 'shop', '--force'])).code).toBe(0);
  });

  it('template approve runs exactly the content shown; an edited file is refused again', async () => {
    const shown = cliOutputSchemas.template.parse(
      (await home.json(['template', 'show', 'tools', '--repo', repo])).doc,
    );
    expect(shown.template).toMatchObject({ name: 'tools', source: 'repo', approved: false });
    const human = await home.run(['template', 'show', 'tools', '--repo', repo]);
    expect(human.stdout.split('\n').slice(0, 2)).toEqual([
      `# tools (repo: ${join(repo, '.wezterm-parallel', 'templates', 'tools.yaml')}), 1 pane(s)`,
      `# sha256 ${shown.template.hash}: NOT approved for ${repo}; to use it: wtp template approve tools --repo ${repo} --hash ${shown.template.hash}`,
    ]);
    expect(human.stdout).toContain(`touch ${markers.tools}`);

    const approved = await home.json([
      'template',
      'approve',
      'tools',
      '--repo',
      repo,
      '--hash',
      shown.template.hash,
    ]);
    expect(approved.code, approved.stderr).toBe(0);
    expect(cliOutputSchemas.template.parse(approved.doc).template).toMatchObject({
      approved: true,
      hash: shown.template.hash,
    });
    expect(statSync(home.path('template-approvals.json')).mode & 0o777).toBe(0o600);

    const r = await newWorkspace('tools1', 'tools');
    expect(r.code, r.stderr).toBe(0);
    expect(cliOutputSchemas.workspace.parse(r.doc).template).toEqual({
      name: 'tools',
      source: 'repo',
      path: join(repo, '.wezterm-parallel', 'templates', 'tools.yaml'),
      hash: shown.template.hash,
      approved: true,
      note: null,
    });
    await eventually('the approved template’s command to run', () => existsSync(markers.tools));

    // Someone pushes a change: it is a new content, refused until approved in its turn.
    appendFileSync(join(repo, '.wezterm-parallel', 'templates', 'tools.yaml'), '# changed\n');
    const again = await home.json<ErrorDoc>([
      'workspace',
      'new',
      'tools2',
      '--template',
      'tools',
      '--repo',
      repo,
    ]);
    expect(again.doc.error.code).toBe('TEMPLATE_NOT_APPROVED');
    const newHash = again.doc.error.details.hash as string;
    expect(newHash).not.toBe(shown.template.hash);
    const stale = await home.json<ErrorDoc>([
      'template',
      'approve',
      'tools',
      '--repo',
      repo,
      '--hash',
      shown.template.hash,
    ]);
    expect(stale.doc.error.code).toBe('TEMPLATE_NOT_APPROVED'); // what was shown is not what is there now
    expect(stale.doc.error.message).toContain('changed since that hash was shown');
    const bad = await home.json<ErrorDoc>(['template', 'approve', 'tools', '--repo', repo, '--hash', 'abc']);
    expect([bad.code, bad.doc.error.code]).toEqual([2, 'INVALID_INPUT']);
    expect(await workspaces()).toEqual(['default', 'tools1']);

    const ok = await home.run(['template', 'approve', 'tools', '--repo', repo, '--hash', newHash]);
    expect(ok.stdout).toContain(`# sha256 ${newHash}: approved for ${repo}`);
    const human2 = await home.run(['workspace', 'new', 'tools2', '--template', 'tools', '--repo', repo]);
    expect(human2.code, human2.stderr).toBe(0);
    expect(human2.stdout).toContain(
      `template tools: the repository’s, ${join(repo, '.wezterm-parallel', 'templates', 'tools.yaml')}, approved sha256 ${newHash.slice(0, 12)}…`,
    );
  });

  it('shadowing: template ls names the repository’s quad repo:quad; the bare name says it passed over it', async () => {
    const list = cliOutputSchemas.templates.parse(
      (await home.json(['template', 'ls', '--repo', repo])).doc,
    ).templates;
    expect(list.filter((t) => t.name.endsWith('quad'))).toEqual([
      expect.objectContaining({ name: 'quad', source: 'builtin', approved: null }),
      expect.objectContaining({
        name: 'repo:quad',
        source: 'repo',
        approved: false,
        description: 'looks harmless',
      }),
    ]);
    expect(list.find((t) => t.name === 'tools')).toMatchObject({ source: 'repo', approved: true });
    const human = await home.run(['template', 'ls', '--repo', repo]);
    expect(human.stdout).toMatch(/\nquad\s+builtin\s+Four agents/);
    expect(human.stdout).toMatch(/\nrepo:quad\s+repo \(not approved\)\s+looks harmless/);
    const show = await home.json(['template', 'show', 'quad', '--repo', repo]);
    expect(cliOutputSchemas.template.parse(show.doc)).toMatchObject({
      template: { name: 'quad', source: 'builtin' },
      note: expect.stringContaining('repo:quad') as string,
    });

    // Approving by the bare name approves the repository's (only those need approval) ...
    const approved = await home.json(['template', 'approve', 'quad', '--repo', repo]);
    expect(cliOutputSchemas.template.parse(approved.doc).template).toMatchObject({
      name: 'repo:quad',
      source: 'repo',
      approved: true,
    });
    const builtin = await home.json<ErrorDoc>(['template', 'approve', 'solo', '--repo', repo]);
    expect(builtin.doc.error.code).toBe('TEMPLATE_NOT_FOUND');
    // ... which runs under its own name, while the bare name stays the built-in, with a note.
    const human2 = await home.run(['workspace', 'new', 'four', '--template', 'quad', '--repo', repo]);
    expect(human2.code, human2.stderr).toBe(0);
    expect(human2.stdout).toContain('template quad: built-in\n');
    expect(human2.stdout).toContain('note: The repository also has a template "quad"');
    expect(existsSync(markers.quad)).toBe(false);
    const r = await newWorkspace('theirs', 'repo:quad');
    expect(r.code, r.stderr).toBe(0);
    expect(cliOutputSchemas.workspace.parse(r.doc)).toMatchObject({
      workspace: { name: 'theirs', template: 'repo:quad' },
      template: { name: 'repo:quad', source: 'repo', approved: true, note: null },
    });
    await eventually('the repository’s quad to run once approved', () => existsSync(markers.quad));
  });

  it('at a terminal, workspace new shows the refused template (control characters visible) and asks once', async () => {
    const file = join(repo, '.wezterm-parallel', 'templates', 'asked.yaml');
    const marker = home.path('asked-ran');
    writeFileSync(file, `# \x1b[2Khidden?\n${touching(marker)}`);
    const attempt = async (answer: string) => {
      const term = pty.spawn(
        process.execPath,
        [BIN, 'workspace', 'new', 'asked', '-t', 'asked', '--repo', repo],
        {
          cols: 200,
          rows: 50,
          env: home.env as Record<string, string>,
        },
      );
      let screen = '';
      term.onData((d) => (screen += d));
      const exited = new Promise<number>((r) => term.onExit(({ exitCode }) => r(exitCode)));
      await eventually('the question', () => screen.includes('[y/N]'));
      term.write(`${answer}\r`);
      return { code: await exited, screen };
    };
    const no = await attempt('n');
    expect(no.code).toBe(1);
    expect(no.screen).toContain(`The repository's template asked (${file}) is not approved. It is:`);
    expect(no.screen).toContain('# \\x1b[2Khidden?');
    expect(no.screen).not.toContain('\x1b[2Khidden');
    expect(no.screen).toContain(`touch ${marker}`);
    expect(no.screen).toContain('[TEMPLATE_NOT_APPROVED]');
    expect(await workspaces()).not.toContain('asked');
    const yes = await attempt('y');
    expect(yes.code, yes.screen).toBe(0);
    expect(yes.screen).toContain('created workspace asked');
    await eventually('the template approved at the prompt to run', () => existsSync(marker));
  });

  it('a template file named on the command line needs no approval and is reported as such', async () => {
    const file = home.path('mine.yaml');
    writeFileSync(file, 'layout:\n  agent: { name: f }\n');
    const r = await newWorkspace('fromfile', file);
    expect(r.code, r.stderr).toBe(0);
    expect(cliOutputSchemas.workspace.parse(r.doc).template).toMatchObject({
      name: 'mine',
      source: 'file',
      path: file,
      approved: null,
    });
  });
});

/** The same refusal on real tmux: no session, no pane. */
describe('repository templates on real tmux', () => {
  let home: TestHome;
  let repo: string;
  let marker: string;
  beforeAll(async () => {
    home = new TestHome({ WTP_BACKEND: 'tmux', SHELL: '/bin/sh' });
    marker = home.path('ran');
    // A pane that stays (tmux cannot place a workspace whose only pane is already gone).
    repo = clonedRepo(home, { quad: touching(marker, '; exec sleep 600') });
    await home.up();
  });
  afterAll(() => home.cleanup());

  it('refuses repo:quad before any pane exists; once approved its pane runs', async () => {
    const args = ['workspace', 'new', 'proj', '--template', 'repo:quad', '--repo', repo];
    const refused = await home.json<ErrorDoc>(args);
    expect(refused.doc.error.code).toBe('TEMPLATE_NOT_APPROVED');
    expect((await home.tmux(['has-session', '-t', '=proj'])).code).not.toBe(0);
    expect(existsSync(marker)).toBe(false);
    expect((await home.run(['template', 'approve', 'repo:quad', '--repo', repo])).code).toBe(0);
    const r = await home.json(args);
    expect(r.code, JSON.stringify(r.doc)).toBe(0);
    expect((await home.tmux(['has-session', '-t', '=proj'])).code).toBe(0);
    await eventually('the approved pane to run', () => existsSync(marker));
    expect((await home.run(['workspace', 'rm', 'proj', '--force'])).code).toBe(0);
  });
});
