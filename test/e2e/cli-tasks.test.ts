import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliOutputSchemas } from '../../src/protocol/cli-output.js';
import type { TaskView } from '../../src/protocol/tasks.js';
import { TestHome } from '../support/harness.js';

/** The task graph through the CLI: add, ls, show, move, cancel, import; persisted across restarts. */
describe('wtp task (CLI)', () => {
  let home: TestHome;
  const tasks = async (args: string[] = []): Promise<TaskView[]> =>
    (await home.json<{ tasks: TaskView[] }>(['task', 'ls', ...args])).doc.tasks;

  beforeAll(async () => {
    home = new TestHome();
    await home.up();
  });
  afterAll(async () => {
    await home?.cleanup();
  });

  it('adds tasks with dependencies by title, lists them by priority, shows one', async () => {
    // The default workspace has no folder: its tasks are never dispatched, and say so.
    const schema = await home.json<{ task: TaskView }>([
      'task',
      'add',
      'schema',
      '--prompt',
      'design the schema',
      '-w',
      'default',
    ]);
    expect(schema.doc.task).toMatchObject({
      status: 'ready',
      priority: 0,
      dependsOn: [],
      workspace: 'default',
      blocked: { reason: 'no_folder', waitingOn: [] },
    });
    const api = await home.json<{ task: TaskView }>([
      'task',
      'add',
      'api',
      '--prompt',
      'build the api',
      '--after',
      'schema',
      '--priority',
      '5',
      '--label',
      'backend',
      '--attempts',
      '2',
      '--profile',
      'claude',
      '--workspace',
      'default',
    ]);
    expect(api.doc.task).toMatchObject({
      dependsOn: [schema.doc.task.id],
      priority: 5,
      labels: ['backend'],
      attempts: 2,
      profile: 'claude',
    });
    expect((await tasks()).map((t) => t.title)).toEqual(['api', 'schema']);
    const shown = await home.run(['task', 'show', 'api']);
    expect(shown.stdout).toContain(`after:     schema (ready, ${schema.doc.task.id})`);
    expect(shown.stdout).toContain('status:    waiting [ready] (created)');
    expect(shown.stdout).toContain('why:       Workspace "default" has no folder to run agents in');
    const missing = await home.json([
      'task',
      'add',
      'x',
      '--prompt',
      'y',
      '--after',
      'nope',
      '-w',
      'default',
    ]);
    expect(missing.doc).toMatchObject({ error: { code: 'TASK_NOT_FOUND' } });
  });

  it('moves tasks only where the move table allows, records every change as an event', async () => {
    expect((await home.json(['task', 'move', 'schema', 'backlog'])).code).toBe(0);
    expect((await home.json(['task', 'move', 'schema', 'ready'])).code).toBe(0);
    expect((await home.json(['task', 'cancel', 'api'])).doc).toMatchObject({ task: { status: 'cancelled' } });
    const refused = await home.json(['task', 'move', 'api', 'done']);
    expect(refused.doc).toMatchObject({
      error: { code: 'TASK_MOVE_REFUSED', details: { from: 'cancelled', to: 'done' } },
    });
    const bad = await home.json(['task', 'move', 'api', 'sideways']);
    expect(bad.code).toBe(2); // invalid arguments
    expect(bad.doc).toMatchObject({ error: { code: 'INVALID_INPUT' } });
    const events = (await home.run(['events', '--type', 'task.statusChanged', '--json'])).stdout
      .trim()
      .split('\n');
    expect(events.map((l) => (JSON.parse(l) as { event: { data: { to: string } } }).event.data.to)).toEqual([
      'backlog',
      'ready',
      'cancelled',
    ]);
  });

  it('refuses a title two tasks share as TASK_AMBIGUOUS, with their ids', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 2; i++) {
      const r = await home.json<{ task: TaskView }>([
        'task',
        'add',
        'twin',
        '--prompt',
        'p',
        '--backlog',
        '-w',
        'default',
      ]);
      ids.push(r.doc.task.id);
    }
    const both = await home.json(['task', 'show', 'twin']);
    expect(both.code).toBe(1);
    expect(both.doc).toMatchObject({ error: { code: 'TASK_AMBIGUOUS', details: { candidates: ids } } });
    const text = await home.run(['task', 'cancel', 'twin']);
    expect(text.stderr).toContain(
      "Name one by its id; `wtp task ls` shows each one's workspace and status. [TASK_AMBIGUOUS]",
    );
    expect(text.stderr).toContain(`candidates: ${ids.join(', ')}`);
    for (const id of ids) expect((await home.run(['task', 'cancel', id])).code).toBe(0);
  });

  it('imports a plan all or nothing: unknown dependencies and cycles are refused with their lines', async () => {
    const before = (await tasks()).length;
    writeFileSync(
      home.path('cycle.yaml'),
      'tasks:\n  - name: a\n    title: A\n    prompt: do a\n    after: [c]\n  - name: b\n    title: B\n    prompt: do b\n    after: [a]\n  - name: c\n    title: C\n    prompt: do c\n    after: [b, ghost]\n',
    );
    const refused = await home.json<{ error: { code: string; details: { issues: { message: string }[] } } }>([
      'task',
      'import',
      home.path('cycle.yaml'),
      '-w',
      'default',
    ]);
    expect(refused.doc.error.code).toBe('INVALID_INPUT');
    const messages = refused.doc.error.details.issues.map((i) => i.message).join('\n');
    expect(messages).toContain('ghost');
    expect(messages).toMatch(/cycle: [abc] → [abc] → [abc] → [abc]/);
    expect(
      refused.doc.error.details.issues.every((i) => typeof (i as { line?: unknown }).line === 'number'),
    ).toBe(true);
    writeFileSync(home.path('typo.yaml'), 'tasks:\n  - name: a\n    title: A\n    promt: do a\n');
    const typo = await home.run(['task', 'import', home.path('typo.yaml'), '-w', 'default']);
    expect(typo.stderr).toMatch(/line 3|line 2/);
    expect((await tasks()).length).toBe(before); // nothing imported

    writeFileSync(
      home.path('plan.yaml'),
      'tasks:\n  - name: db\n    title: Database\n    prompt: add the tables\n  - name: ui\n    title: UI\n    prompt: add the page\n    after: [db]\n    priority: 3\n',
    );
    const ok = await home.json<{ tasks: TaskView[] }>([
      'task',
      'import',
      home.path('plan.yaml'),
      '-w',
      'default',
    ]);
    expect(ok.code).toBe(0);
    const [db, ui] = ok.doc.tasks;
    expect(ui?.dependsOn).toEqual([db?.id]);
  });

  it('broadcast sends to idle agents only, and fails when none is (a plain shell is never idle)', async () => {
    expect((await home.run(['new', 'shell', '--name', 'sh'])).code).toBe(0);
    const r = await home.json(['broadcast', 'hello']);
    expect(r.code).toBe(1);
    expect(cliOutputSchemas.error.parse(r.doc).error).toMatchObject({
      code: 'NO_IDLE_AGENTS',
      details: { skipped: [{ agent: 'sh', state: 'running' }] },
    });
    const human = await home.run(['broadcast', 'hello']);
    expect(human.code).toBe(1);
    expect(human.stdout).toBe('');
    expect(human.stderr).toMatch(
      /No idle agent: nothing was sent \(skipped sh \(running\)\).*\[NO_IDLE_AGENTS\]/,
    );
    expect((await home.run(['rm', 'sh', '--force'])).code).toBe(0);
  });

  it('keeps tasks across a daemon restart', async () => {
    const before = await tasks();
    expect((await home.run(['down'])).code).toBe(0);
    await home.up();
    expect(await tasks()).toEqual(before);
  });
});
