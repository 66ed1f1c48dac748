import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentView } from '../../src/protocol/agent.js';
import { cliOutputSchemas } from '../../src/protocol/cli-output.js';
import { TestHome } from '../support/harness.js';
import { gitRepo } from '../support/task-steps.js';

const lines = (second: string) => `one\n${second}\nthree\nfour\nfive\n`;

/** `wtp conflicts` on real worktrees: uncommitted edits count, unchanged branches are left out. */
describe('the conflict radar sees worktrees as they are (CLI, real git)', () => {
  let home: TestHome;
  let repo: string;
  let g: (args: string[], cwd?: string) => string;
  const agent = async (name: string, ...argv: string[]): Promise<AgentView> => {
    const r = await home.json<{ agent: AgentView }>([
      'new',
      'cmd',
      '-n',
      name,
      '--repo',
      repo,
      '--',
      ...argv,
    ]);
    expect(r.code, r.stderr).toBe(0);
    return r.doc.agent;
  };

  beforeAll(async () => {
    home = new TestHome();
    ({ repo, g } = gitRepo(home, 'shop'));
    writeFileSync(join(repo, 'app.txt'), lines('two'));
    g(['add', '-A']);
    g(['commit', '-qm', 'app']);
    await home.up();
  });
  afterAll(async () => {
    await home?.cleanup();
  });

  it('two agents editing the same line, neither committed: a conflict; a branch without changes: no pair', async () => {
    const a = await agent('a', 'sleep', '600');
    const b = await agent('b', 'sleep', '600');
    await agent('idle', 'sleep', '600');
    await agent('done', 'sh', '-c', 'echo done > done.txt && git add done.txt && git commit -qm done');
    await home.untilState('done', 'exited');
    writeFileSync(join(a.worktree?.path ?? '', 'app.txt'), lines('two by a'));
    writeFileSync(join(b.worktree?.path ?? '', 'app.txt'), lines('two by b'));
    writeFileSync(join(b.worktree?.path ?? '', 'notes.txt'), 'untracked\n');

    const r = cliOutputSchemas.conflicts.parse((await home.json(['conflicts'])).doc);
    expect(r.pairs.map((p) => [p.a, p.b, p.conflicting, p.conflicts.map((c) => c.path)])).toEqual([
      ['a', 'b', true, ['app.txt']],
      ['a', 'done', false, []],
      ['b', 'done', false, []],
      ['a', 'main', false, []],
      ['b', 'main', false, []],
      ['done', 'main', false, []],
    ]);
    expect(r.branches.map((x) => [x.agent, x.running, x.uncommitted, x.changed])).toEqual([
      ['a', true, true, true],
      ['b', true, true, true],
      ['idle', true, false, false],
      ['done', false, false, true],
    ]);
    expect(r.mergeOrder).toEqual({
      order: ['done', 'a', 'b'],
      notes: [
        'b conflicts with a (merged before it) in app.txt.',
        'Still running: a, b; their branches may change before they are merged.',
        'Uncommitted changes (compared as they are): a, b; merge with --commit MSG to commit them first.',
        'No changes: idle (nothing to compare or merge).',
      ],
    });
    // The agents' own index is left alone: their edits are still unstaged.
    expect(g(['status', '--porcelain'], a.worktree?.path)).toBe('M app.txt');
    expect(g(['status', '--porcelain'], b.worktree?.path)).toBe('M app.txt\n?? notes.txt');
    expect(
      (await home.events('a')).filter((e) => e.type === 'conflict.predicted').map((e) => e.data),
    ).toEqual([{ a: 'a', b: 'b', files: ['app.txt'] }]);

    const human = (await home.run(['conflicts'])).stdout;
    expect(human).toMatch(/^a +b +CONFLICT +app\.txt \(content 2-6\)$/m);
    expect(human).not.toMatch(/^idle /m);
    expect(human).toContain(
      'suggested merge order: done → a (running, uncommitted) → b (running, uncommitted)\n',
    );
    expect(human).toContain('  No changes: idle (nothing to compare or merge).\n');
  });
});
