import { afterEach, describe, expect, it } from 'vitest';
import { DispatchRig } from '../../../test/support/dispatch-rig.js';
import { AppError } from '../errors.js';

const rigs: DispatchRig[] = [];
async function rig() {
  const r = new DispatchRig();
  rigs.push(r);
  return r.start(null); // no folder: nothing is dispatched
}
afterEach(() => {
  for (const r of rigs.splice(0)) r.stop();
});

/** A second workspace, "shop" (no folder either). */
const addShop = (r: DispatchRig) =>
  r.registry.addWorkspace({
    id: 'ws-shop',
    name: 'shop',
    repoPath: null,
    backend: 'headless',
    template: null,
    createdAt: new Date(0).toISOString(),
  });

function refusal(f: () => unknown): AppError {
  try {
    f();
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('not refused');
}

describe('TaskService', () => {
  it('refuses a title two tasks share as TASK_AMBIGUOUS, naming each with its workspace and status', async () => {
    const r = await rig();
    await addShop(r);
    const a = await r.tasks.add({ title: 'api', prompt: 'p', status: 'ready' }, 'cli');
    const b = await r.tasks.add({ title: 'api', prompt: 'p', status: 'backlog', workspace: 'shop' }, 'cli');
    const err = refusal(() => r.tasks.get('api'));
    expect(err.code).toBe('TASK_AMBIGUOUS');
    expect(err.details).toEqual({
      task: 'api',
      candidates: [a.id, b.id],
      tasks: [
        { id: a.id, workspace: 'default', status: 'ready' },
        { id: b.id, workspace: 'shop', status: 'backlog' },
      ],
    });
    expect(err.message).toBe(
      `Several tasks are titled "api": ${a.id}, ${b.id}. Name one by its id; \`wtp task ls\` shows each one's workspace and status.`,
    );
    expect(r.tasks.get(b.id).workspace).toBe('shop');
    expect(refusal(() => r.tasks.get('nope')).code).toBe('TASK_NOT_FOUND');
    // Within one workspace (`--after`), the title is unique again.
    const c = await r.tasks.add({ title: 'page', prompt: 'p', status: 'ready', after: ['api'] }, 'cli');
    expect(c.dependsOn).toEqual([a.id]);
  });

  it("imports a plan: titles default to names; a workspace given overrides the plan's", async () => {
    const r = await rig();
    await addShop(r);
    const plan = {
      workspace: 'default',
      tasks: [
        { name: 'db', prompt: 'tables' },
        { name: 'ui', title: 'The page', prompt: 'page', after: ['db'] },
      ],
    };
    const made = await r.tasks.importPlan(plan, 'cli', 'shop');
    expect(made.map((t) => [t.title, t.workspace])).toEqual([
      ['db', 'shop'],
      ['The page', 'shop'],
    ]);
    expect((await r.tasks.importPlan(plan, 'cli')).map((t) => t.workspace)).toEqual(['default', 'default']);
  });
});
