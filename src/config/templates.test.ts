import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { YAML_BOMB } from '../../test/support/yaml-bomb.js';
import { isAppError } from '../core/errors.js';
import { BUILTIN_TEMPLATES } from './builtin-templates.js';
import {
  approveTemplate,
  listTemplates,
  loadTemplate,
  parseTemplate,
  type TemplateIssue,
} from './templates.js';

function issuesOf(yaml: string): TemplateIssue[] {
  try {
    parseTemplate(yaml, 't.yaml');
  } catch (err) {
    if (isAppError(err) && err.code === 'TEMPLATE_INVALID')
      return (err.details as { issues: TemplateIssue[] }).issues;
    throw err;
  }
  throw new Error('the template was accepted');
}

describe('parseTemplate', () => {
  it('accepts every built-in template', () => {
    for (const [name, yaml] of Object.entries(BUILTIN_TEMPLATES)) {
      const t = parseTemplate(yaml, name);
      expect(t.description, name).not.toBe('');
    }
  });

  it('fills defaults: description, args, env, restart', () => {
    expect(parseTemplate('layout:\n  agent: { name: a }\n', 'x')).toEqual({
      description: '',
      layout: { agent: { name: 'a', args: [], env: {}, restart: 'never' } },
    });
  });

  it('reports the YAML path and line of each problem', () => {
    const yaml = [
      'layout:', //                                      1
      '  split: right', //                               2
      '  panes:', //                                     3
      '    - agent: { name: a, restart: sometimes }', // 4
      '    - command: { run: [x], shell: "y" }', //      5
      '    - agent: { nam: b }', //                      6
    ].join('\n');
    expect(issuesOf(yaml)).toEqual([
      {
        path: 'layout.panes[0].agent.restart',
        line: 4,
        message: 'Invalid option: expected one of "never"|"on-failure"|"always"',
      },
      {
        path: 'layout.panes[1].command',
        line: 5,
        message: 'give exactly one of `run` (argv) or `shell` (a command line)',
      },
      {
        path: 'layout.panes[2].agent.name',
        line: 6,
        message: 'Invalid input: expected string, received undefined',
      },
      { path: 'layout.panes[2].agent', line: 6, message: 'Unrecognized key: "nam"' },
    ]);
  });

  it('reports an unknown profile with its path, line and the profile meant', () => {
    const yaml =
      'layout:\n  split: down\n  panes:\n    - agent: { name: a }\n    - agent: { name: b, profile: clade }\n';
    expect(issuesOf(yaml)).toEqual([
      {
        path: 'layout.panes[1].agent.profile',
        line: 5,
        message:
          'unknown profile "clade". Did you mean "claude"? Profiles: shell, cmd, claude, codex, gemini, qwen, opencode, copilot, aider',
      },
    ]);
    expect(issuesOf('layout:\n  agent: { name: a, profile: gpt9 }\n')[0]?.message).toBe(
      'unknown profile "gpt9". Profiles: shell, cmd, claude, codex, gemini, qwen, opencode, copilot, aider',
    );
  });

  it('refuses an agent name used twice', () => {
    const yaml = 'layout:\n  split: down\n  panes:\n    - agent: { name: a }\n    - agent: { name: a }\n';
    expect(issuesOf(yaml)).toEqual([
      { path: 'layout.panes[1].agent.name', line: 5, message: 'the name "a" is used twice' },
    ]);
  });

  it('says which pane is neither agent, command nor split', () => {
    expect(issuesOf('layout:\n  split: down\n  panes:\n    - agent: { name: a }\n    - window: 1\n')).toEqual(
      [
        {
          path: 'layout.panes[1]',
          line: 5,
          message: 'a pane needs exactly one of `agent`, `command` or `split`',
        },
      ],
    );
  });

  it('checks sizes: percentages adding up, cells only on the last pane, a split of one', () => {
    const sized = (a: string, b: string): string =>
      `layout:\n  split: right\n  panes:\n    - agent: { name: a }\n      size: ${a}\n    - agent: { name: b }\n      size: ${b}\n`;
    expect(issuesOf(sized('"30%"', '"60%"'))).toEqual([
      { path: 'layout.panes', line: 4, message: 'the sizes add up to 90%, not 100%' },
    ]);
    expect(issuesOf(sized('20', '"100%"')).map((i) => i.path)).toContain('layout.panes[0].size');
    expect(issuesOf(sized('"150%"', '"30%"')).map((i) => i.path)).toContain('layout.panes[0].size');
    parseTemplate(sized('"30%"', '"70%"'), 'x');
    parseTemplate(sized('"30%"', '40'), 'x');
    expect(issuesOf('layout:\n  split: right\n  panes:\n    - agent: { name: a }\n')).toEqual([
      { path: 'layout.panes', line: 4, message: 'a split needs at least two panes' },
    ]);
  });

  it('reports YAML syntax errors with their line, and unknown top-level keys', () => {
    expect(issuesOf('description: x\nlayout:\n  agent: { name: a }\nlayout: 2\n')).toEqual([
      { path: '', line: 4, message: 'Map keys must be unique' },
    ]);
    expect(issuesOf('layout:\n  agent: { name: a }\nlayuot: 1\n')).toEqual([
      expect.objectContaining({ path: '', message: expect.stringContaining('layuot') as string }),
    ]);
    expect(issuesOf('').map((i) => i.path)).toEqual(['layout']);
  });

  it('refuses an alias to no anchor and a YAML bomb as an invalid template', () => {
    expect(issuesOf('layout: *fz\n')).toEqual([
      { path: '', line: null, message: expect.stringContaining('alias') as string },
    ]);
    expect(issuesOf(YAML_BOMB)).toEqual([
      { path: '', line: null, message: expect.stringContaining('alias') as string },
    ]);
  });

  it('names the file and every problem in the message', () => {
    expect(() => parseTemplate('layout:\n  agent: { name: "no spaces" }\n', '/x/t.yaml')).toThrow(
      /^Template \/x\/t\.yaml is invalid: .+ \(at layout\.agent\.name, line 2\)\. Fix it, then check the file again with `wtp template validate \/x\/t\.yaml`\.$/,
    );
  });
});

describe('loadTemplate and listTemplates', () => {
  const dirs: string[] = [];
  const tmp = (): string => {
    const d = mkdtempSync(join(tmpdir(), 'wtp-tpl-'));
    dirs.push(d);
    return d;
  };
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  const write = (dir: string, name: string, text: string): string => {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  };

  it('a user template replaces the built-in; a repository one never replaces either: it is repo:NAME', () => {
    const configDir = tmp();
    const repoPath = tmp();
    expect(loadTemplate('pair', { configDir }).source).toBe('builtin');
    const user = write(
      join(configDir, 'templates'),
      'pair.yaml',
      'description: mine\nlayout:\n  agent: { name: u }\n',
    );
    expect(loadTemplate('pair', { configDir })).toMatchObject({
      source: 'user',
      path: user,
      description: 'mine',
      note: null,
    });
    const repo = write(
      join(repoPath, '.wezterm-parallel', 'templates'),
      'pair.yml',
      "description: the repo's\nlayout:\n  agent: { name: r }\n",
    );
    // The bare name stays the user's, and says that the repository has one too.
    expect(loadTemplate('pair', { configDir, repoPath })).toMatchObject({
      name: 'pair',
      source: 'user',
      path: user,
      note: expect.stringContaining('repo:pair') as string,
    });
    expect(loadTemplate('repo:pair', { configDir, repoPath })).toMatchObject({
      name: 'repo:pair',
      source: 'repo',
      path: repo,
      approved: false,
      note: null,
    });
    expect(loadTemplate('builtin:pair', { configDir, repoPath })).toMatchObject({ source: 'builtin' });
    // Without the repository, the user template again.
    expect(loadTemplate('pair', { configDir }).source).toBe('user');
  });

  const codeOf = (fn: () => unknown): unknown => {
    try {
      fn();
    } catch (e) {
      return e;
    }
    throw new Error('no error');
  };
  const QUAD = 'layout:\n  command: { shell: "touch /tmp/should-not-run" }\n';

  it('a repository template is used only once its exact content is approved for that repository', () => {
    const configDir = tmp();
    const stateDir = tmp();
    const repoPath = tmp();
    const file = write(join(repoPath, '.wezterm-parallel', 'templates'), 'trio.yaml', QUAD);
    const dirs = { configDir, stateDir, repoPath };
    const use = () => loadTemplate('trio', dirs, { requireApproval: true });
    const refused = codeOf(use);
    expect(refused).toMatchObject({
      code: 'TEMPLATE_NOT_APPROVED',
      details: { name: 'trio', path: file, hash: expect.stringMatching(/^[0-9a-f]{64}$/) as string },
    });
    expect((refused as Error).message).toContain(`wtp template approve trio --repo ${repoPath}`);
    // Shown without approval (that is how it is reviewed), with its hash.
    const shown = loadTemplate('trio', dirs);
    expect(shown).toMatchObject({ source: 'repo', approved: false });
    expect(shown.hash).toBe((refused as { details: { hash: string } }).details.hash);

    expect(approveTemplate('trio', dirs, shown.hash)).toMatchObject({ name: 'trio', approved: true });
    expect(use()).toMatchObject({ source: 'repo', approved: true, hash: shown.hash });
    // Without the state dir nothing is approved.
    expect(
      codeOf(() => loadTemplate('trio', { configDir, repoPath }, { requireApproval: true })),
    ).toMatchObject({
      code: 'TEMPLATE_NOT_APPROVED',
    });

    writeFileSync(file, QUAD.replace('should-not-run', 'other'));
    expect(codeOf(use)).toMatchObject({ code: 'TEMPLATE_NOT_APPROVED' });
    // Approving the hash that was shown before the edit approves nothing.
    expect(codeOf(() => approveTemplate('trio', dirs, shown.hash))).toMatchObject({
      code: 'TEMPLATE_NOT_APPROVED',
      details: { hash: expect.not.stringMatching(shown.hash) as string },
    });
    expect(codeOf(use)).toMatchObject({ code: 'TEMPLATE_NOT_APPROVED' });
    // Built-in and user templates need no approval.
    expect(loadTemplate('quad', dirs, { requireApproval: true })).toMatchObject({ approved: null });
  });

  it('approving takes the repository’s template by its bare or repo: name, and nothing else', () => {
    const configDir = tmp();
    const stateDir = tmp();
    const repoPath = tmp();
    write(join(repoPath, '.wezterm-parallel', 'templates'), 'quad.yaml', QUAD);
    write(join(repoPath, '.wezterm-parallel', 'templates'), 'broken.yaml', 'layout:\n  split: right\n');
    const dirs = { configDir, stateDir, repoPath };
    expect(codeOf(() => approveTemplate('solo', dirs))).toMatchObject({ code: 'TEMPLATE_NOT_FOUND' });
    expect(codeOf(() => approveTemplate('broken', dirs))).toMatchObject({ code: 'TEMPLATE_INVALID' });
    expect(codeOf(() => loadTemplate('repo:broken', dirs, { requireApproval: true }))).toMatchObject({
      code: 'TEMPLATE_NOT_APPROVED', // refused before its content is even parsed
    });
    expect(approveTemplate('quad', dirs)).toMatchObject({
      name: 'repo:quad',
      source: 'repo',
      approved: true,
    });
    // The bare name is still the built-in, approved or not.
    expect(loadTemplate('quad', dirs, { requireApproval: true })).toMatchObject({
      source: 'builtin',
      note: expect.stringContaining('repo:quad') as string,
    });
    expect(loadTemplate('repo:quad', dirs, { requireApproval: true }).template.layout).toEqual({
      command: { shell: 'touch /tmp/should-not-run', env: {} },
    });
    expect(listTemplates(dirs).filter((t) => t.source === 'repo')).toEqual([
      expect.objectContaining({ name: 'broken', approved: false, error: expect.any(String) as string }),
      expect.objectContaining({ name: 'repo:quad', approved: true, error: null }),
    ]);
  });

  it('lists an unreadable repository template with its error, not approved', () => {
    const configDir = tmp();
    const repoPath = tmp();
    mkdirSync(join(repoPath, '.wezterm-parallel', 'templates', 'odd.yaml'), { recursive: true });
    expect(
      listTemplates({ configDir, repoPath, stateDir: tmp() }).find((t) => t.name === 'odd'),
    ).toMatchObject({
      source: 'repo',
      hash: '',
      approved: false,
      error: expect.stringContaining('EISDIR') as string,
    });
  });

  it('TEMPLATE_NOT_FOUND lists what exists', () => {
    const configDir = tmp();
    write(join(configDir, 'templates'), 'mine.yaml', 'layout:\n  agent: { name: m }\n');
    let err: unknown;
    try {
      loadTemplate('nope', { configDir });
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ code: 'TEMPLATE_NOT_FOUND' });
    expect((err as Error).message).toContain('mine');
    expect((err as Error).message).toContain('quad');
  });

  it('TEMPLATE_NOT_FOUND names the template a near miss was meant to be', () => {
    const err = codeOf(() => loadTemplate('qaud', { configDir: tmp() }));
    expect(err).toMatchObject({ code: 'TEMPLATE_NOT_FOUND', details: { suggestion: 'quad' } });
    expect((err as Error).message).toMatch(
      /^No template is named "qaud"; the templates are .+\. Did you mean "quad"\?$/,
    );
  });

  it('lists every template, invalid ones with their error; ignores files that are not templates', () => {
    const configDir = tmp();
    const t = join(configDir, 'templates');
    write(t, 'good.yaml', 'description: good one\nlayout:\n  agent: { name: g }\n');
    write(t, 'broken.yaml', 'layout:\n  split: right\n');
    write(t, 'notes.txt', 'not a template');
    write(t, 'bad name.yaml', 'layout:\n  agent: { name: g }\n');
    const list = listTemplates({ configDir });
    expect(list.map((x) => x.name)).toEqual([
      'broken',
      'claude-dev',
      'good',
      'pair',
      'quad',
      'review',
      'solo',
    ]);
    expect(list.find((x) => x.name === 'good')).toMatchObject({
      source: 'user',
      description: 'good one',
      error: null,
    });
    expect(list.find((x) => x.name === 'broken')?.error).toMatch(/layout\.panes/);
    let err: unknown;
    try {
      loadTemplate('broken', { configDir });
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ code: 'TEMPLATE_INVALID', details: { file: join(t, 'broken.yaml') } });
  });
});
