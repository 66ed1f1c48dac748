import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  createTaskRequestSchema,
  listTasksQuerySchema,
  moveTaskRequestSchema,
  planSchema,
  taskSchema,
} from './tasks.js';
import { zodIssues } from './zod-issues.js';

/** `{path, message}` of every problem, or [] when the value is valid. */
function problems(schema: { safeParse: (v: unknown) => { success: boolean; error?: unknown } }, v: unknown) {
  const r = schema.safeParse(v);
  if (r.success) return [];
  return zodIssues(r.error as Parameters<typeof zodIssues>[0]).map(({ path, message }) => ({
    path,
    message,
  }));
}
const paths = (schema: Parameters<typeof problems>[0], v: unknown) => problems(schema, v).map((p) => p.path);

const goodPlan = {
  version: 1,
  workspace: 'shop',
  tasks: [
    { name: 'db', title: 'Add the orders table', prompt: 'Create a migration for orders.' },
    {
      name: 'api',
      title: 'Orders API',
      prompt: 'Add /orders endpoints.',
      after: ['db'],
      priority: 5,
      profile: 'claude',
      model: 'sonnet',
      attempts: 2,
      labels: ['backend', 'api'],
    },
    { name: 'ui', title: 'Orders page', prompt: 'Show the orders.', after: ['api', 'db'] },
  ],
};

describe('planSchema', () => {
  it('accepts a good plan and keeps its order', () => {
    const plan = planSchema.parse(goodPlan);
    expect(plan.tasks.map((t) => t.name)).toEqual(['db', 'api', 'ui']);
    expect(plan.tasks[1]).toMatchObject({ priority: 5, attempts: 2, profile: 'claude' });
  });

  it('accepts the smallest plan: a task needs a name and a prompt (the title defaults to the name)', () => {
    expect(planSchema.parse({ tasks: [{ name: 'a', prompt: 'do a' }] })).toEqual({
      tasks: [{ name: 'a', prompt: 'do a' }],
    });
  });

  it('rejects unknown keys, at the top and in a task', () => {
    expect(problems(planSchema, { ...goodPlan, owner: 'me' })).toEqual([
      { path: '', message: expect.stringContaining('owner') },
    ]);
    const tasks = [{ ...goodPlan.tasks[0], dependsOn: ['x'] }];
    expect(problems(planSchema, { tasks })).toEqual([
      { path: 'tasks.0', message: expect.stringContaining('dependsOn') },
    ]);
  });

  it('rejects bad values with their paths', () => {
    const bad = {
      version: 2,
      workspace: 'no spaces',
      tasks: [
        { name: '-x', title: '', prompt: 'p' },
        {
          name: 'b',
          title: 't'.repeat(201),
          prompt: '',
          after: [''],
          priority: 1.5,
          profile: 'vim',
          attempts: 9,
          labels: ['x'.repeat(51)],
        },
        { name: 'c', title: 'C', prompt: 'p', attempts: 0, labels: Array.from({ length: 21 }, () => 'l') },
        { name: 'd', title: 'D' },
      ],
    };
    expect(paths(planSchema, bad).sort()).toEqual(
      [
        'version',
        'workspace',
        'tasks.0.name',
        'tasks.0.title',
        'tasks.1.title',
        'tasks.1.prompt',
        'tasks.1.after.0',
        'tasks.1.priority',
        'tasks.1.profile',
        'tasks.1.attempts',
        'tasks.1.labels.0',
        'tasks.2.attempts',
        'tasks.2.labels',
        'tasks.3.prompt',
      ].sort(),
    );
  });

  it('names the rule a bad task name breaks', () => {
    expect(problems(planSchema, { tasks: [{ name: 'a b', title: 'A', prompt: 'p' }] })).toEqual([
      { path: 'tasks.0.name', message: expect.stringContaining('letters, digits') },
    ]);
  });

  it('needs at least one task', () => {
    expect(problems(planSchema, { tasks: [] })).toEqual([
      { path: 'tasks', message: 'a plan needs at least one task' },
    ]);
    expect(paths(planSchema, {})).toEqual(['tasks']);
  });

  it('describes every field (for the generated JSON schema)', () => {
    // The JSON schema shows an optional field's inner description.
    const described = (f: z.ZodType): string | undefined =>
      f.description ?? (f instanceof z.ZodOptional ? described(f.unwrap() as z.ZodType) : undefined);
    const task = planSchema.shape.tasks.element.shape;
    for (const [key, field] of Object.entries({ ...planSchema.shape, ...task })) {
      expect(described(field), key).toBeTruthy();
    }
    const json = JSON.stringify(z.toJSONSchema(planSchema, { io: 'input' }));
    expect(json).toContain('Higher first among ready tasks');
  });
});

describe('createTaskRequestSchema', () => {
  it('defaults the status to ready', () => {
    expect(createTaskRequestSchema.parse({ title: 'T', prompt: 'P' })).toEqual({
      title: 'T',
      prompt: 'P',
      status: 'ready',
    });
  });

  it('accepts every option', () => {
    const req = {
      title: 'T',
      prompt: 'P',
      workspace: 'shop',
      after: ['tk-abc', 'Orders API'],
      priority: -3,
      profile: 'codex',
      model: 'o3',
      attempts: 8,
      variants: [{ profile: 'claude' }, { profile: 'codex', model: 'o3' }, { model: 'opus' }],
      retries: 0,
      reuseIdle: true,
      labels: ['x'],
      status: 'backlog',
    };
    expect(createTaskRequestSchema.parse(req)).toEqual(req);
  });

  it('refuses more variants than attempts, retries outside 0-5 and unknown variant keys', () => {
    const two = [{ profile: 'claude' }, { profile: 'codex' }];
    expect(paths(createTaskRequestSchema, { title: 'T', prompt: 'P', attempts: 1, variants: two })).toEqual([
      'variants',
    ]);
    expect(paths(createTaskRequestSchema, { title: 'T', prompt: 'P', variants: two })).toEqual([]);
    expect(paths(createTaskRequestSchema, { title: 'T', prompt: 'P', retries: 6 })).toEqual(['retries']);
    expect(paths(createTaskRequestSchema, { title: 'T', prompt: 'P', variants: [{ agent: 'x' }] })).toEqual([
      'variants.0',
    ]);
    expect(paths(createTaskRequestSchema, { title: 'T', prompt: 'P', variants: [] })).toEqual(['variants']);
  });

  it('rejects unknown keys and statuses other than backlog and ready', () => {
    expect(paths(createTaskRequestSchema, { title: 'T', prompt: 'P', dependsOn: [] })).toEqual(['']);
    expect(paths(createTaskRequestSchema, { title: 'T', prompt: 'P', status: 'running' })).toEqual([
      'status',
    ]);
  });

  it('bounds the prompt at 100 000 characters', () => {
    expect(paths(createTaskRequestSchema, { title: 'T', prompt: 'p'.repeat(100_000) })).toEqual([]);
    expect(paths(createTaskRequestSchema, { title: 'T', prompt: 'p'.repeat(100_001) })).toEqual(['prompt']);
  });
});

describe('move and list', () => {
  it('moveTaskRequestSchema takes one known status', () => {
    expect(moveTaskRequestSchema.parse({ status: 'done' })).toEqual({ status: 'done' });
    expect(paths(moveTaskRequestSchema, { status: 'finished' })).toEqual(['status']);
    expect(paths(moveTaskRequestSchema, { status: 'done', force: true })).toEqual(['']);
  });

  it('listTasksQuerySchema filters by status and workspace', () => {
    expect(listTasksQuerySchema.parse({})).toEqual({});
    expect(listTasksQuerySchema.parse({ status: 'ready', workspace: 'shop' })).toEqual({
      status: 'ready',
      workspace: 'shop',
    });
    expect(paths(listTasksQuerySchema, { state: 'ready' })).toEqual(['']);
  });
});

describe('taskSchema', () => {
  const view = {
    id: 'tk-7k2m9x4q1p',
    title: 'Orders API',
    prompt: 'Add /orders endpoints.',
    workspace: 'shop',
    workspaceId: 'ws-1',
    status: 'running',
    priority: 0,
    dependsOn: ['tk-db'],
    attempts: 1,
    variants: [],
    retries: null,
    reuseIdle: false,
    labels: [],
    fixChecks: null,
    pullRequests: [],
    round: 1,
    agents: ['ag-1'],
    runs: [
      {
        attempt: 1,
        try: 1,
        round: 1,
        agentId: 'ag-1',
        agent: 'task-7k2m9x4q',
        profile: 'claude',
        model: null,
        reused: false,
        status: 'running',
        reason: null,
        startedAt: '2025-01-01T00:00:01.000Z',
        endedAt: null,
      },
    ],
    createdAt: '2025-01-01T00:00:00.000Z',
    updatedAt: '2025-01-01T00:00:01.000Z',
    startedAt: '2025-01-01T00:00:01.000Z',
    endedAt: null,
    blocked: null,
  };

  it('accepts a task view, with or without the optional fields', () => {
    expect(taskSchema.parse(view)).toEqual(view);
    const full = { ...view, profile: 'claude', model: 'opus', statusReason: 'dispatched' };
    expect(taskSchema.parse(full)).toEqual(full);
  });

  it('says why a task waits: a known reason, its message, the dependencies not done', () => {
    const waiting = {
      ...view,
      status: 'ready',
      blocked: {
        reason: 'dependencies',
        message: 'Waiting for "db" (running)',
        waitingOn: [{ id: 'tk-db', title: 'db', status: 'running', waiting: false }],
      },
    };
    expect(taskSchema.parse(waiting)).toEqual(waiting);
    const held = { reason: 'usage_limit', message: 'm', waitingOn: [], vendor: 'anthropic', resumeAt: null };
    expect(taskSchema.parse({ ...view, blocked: held }).blocked).toEqual(held);
    expect(paths(taskSchema, { ...view, blocked: { ...held, reason: 'tired' } })).toEqual(['blocked.reason']);
    expect(paths(taskSchema, { ...view, blocked: undefined })).toEqual(['blocked']);
  });

  it('rejects attempts outside 1-8 and unknown statuses', () => {
    expect(paths(taskSchema, { ...view, attempts: 0, status: 'paused' }).sort()).toEqual([
      'attempts',
      'status',
    ]);
  });
});
