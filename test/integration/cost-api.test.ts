import { inject as lightInject } from 'light-my-request';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { environmentForChildren, readEnv } from '../../src/config/env.js';
import { startDaemon, type RunningDaemon } from '../../src/daemon/main.js';
import { errorBodySchema } from '../../src/protocol/errors.js';
import { routes } from '../../src/protocol/routes.js';
import { ENTRY, TestHome } from '../support/harness.js';

/**
 * The cost routes against the daemon graph in-process (issue 35): budgets set, listed and
 * removed; what a bad budget gets (the field named, nothing stored); the cost report's groups and
 * its refusals; and a daemon with `cost.enabled: false` refusing them all with COST_DISABLED.
 */
describe('cost and budget routes (in-process daemon)', () => {
  const homes: TestHome[] = [];
  const daemons: RunningDaemon[] = [];
  const start = async (config: string): Promise<RunningDaemon> => {
    const home = new TestHome();
    homes.push(home);
    home.writeConfig(`notifications:\n  enabled: false\napi:\n  tcp: false\n${config}`);
    const d = await startDaemon({
      entry: ENTRY,
      env: readEnv(home.env),
      childEnv: environmentForChildren(home.env),
    });
    daemons.push(d);
    return d;
  };
  const call = async (d: RunningDaemon, method: 'GET' | 'POST', url: string, payload?: unknown) => {
    const r = await lightInject(d.api.dispatch, {
      method,
      url,
      ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
    });
    return { status: r.statusCode, body: r.json<unknown>() };
  };
  let d: RunningDaemon;

  beforeAll(async () => {
    d = await start('budget:\n  dayUsd: 20\n  workspaces:\n    default: 7\n');
  });
  afterAll(async () => {
    for (const x of daemons) await x.stop({ stopAgents: true });
    for (const h of homes) await h.cleanup();
  });

  it('lists the config budgets, sets one over them, removes it again', async () => {
    const before = routes.listBudgets.response.parse((await call(d, 'GET', '/api/v1/budgets')).body);
    expect(before.budgets.map((b) => [b.scope, b.name, b.limitUsd, b.from, b.state])).toEqual([
      ['day', before.budgets[0]?.key, 20, 'config', 'ok'],
      ['workspace', 'default', 7, 'config', 'ok'],
    ]);
    const set = await call(d, 'POST', '/api/v1/budgets', {
      scope: 'workspace',
      target: 'default',
      limitUsd: 3,
    });
    expect(set.status).toBe(200);
    const after = routes.setBudget.response.parse(set.body);
    expect(after.budgets.find((b) => b.scope === 'workspace')).toMatchObject({ limitUsd: 3, from: 'cli' });
    const rm = routes.setBudget.response.parse(
      (await call(d, 'POST', '/api/v1/budgets', { scope: 'workspace', target: 'default', limitUsd: null }))
        .body,
    );
    expect(rm.budgets.find((b) => b.scope === 'workspace')).toMatchObject({ limitUsd: 7, from: 'config' });
  });

  it('refuses a bad budget, naming what is wrong, and stores nothing', async () => {
    for (const [payload, code] of [
      [{ scope: 'month', limitUsd: 1 }, 'INVALID_INPUT'],
      [{ scope: 'day', limitUsd: -1 }, 'INVALID_INPUT'],
      [{ scope: 'day', limitUsd: '5' }, 'INVALID_INPUT'],
      [{ scope: 'day', limitUsd: 1, extra: true }, 'INVALID_INPUT'],
      [{ scope: 'workspace', target: 'nope', limitUsd: 1 }, 'WORKSPACE_NOT_FOUND'],
      [{ scope: 'task', target: 'tk-nope', limitUsd: 1 }, 'TASK_NOT_FOUND'],
    ] as const) {
      const r = await call(d, 'POST', '/api/v1/budgets', payload);
      expect(errorBodySchema.parse(r.body).code, JSON.stringify(payload)).toBe(code);
    }
    const list = routes.listBudgets.response.parse((await call(d, 'GET', '/api/v1/budgets')).body);
    expect(list.budgets.every((b) => b.from === 'config')).toBe(true);
  });

  it('reports cost by the groups asked, refusing an unknown group or a bad time', async () => {
    const r = routes.costReport.response.parse(
      (await call(d, 'GET', '/api/v1/report/cost?by=agent,model')).body,
    );
    expect(Object.keys(r.groups)).toEqual(['agent', 'model']);
    expect(r.total.costUsd).toBe(0);
    expect(r.prices.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    for (const url of ['/api/v1/report/cost?by=agent,money', '/api/v1/report/cost?since=yesterday']) {
      expect(errorBodySchema.parse((await call(d, 'GET', url)).body).code, url).toBe('INVALID_INPUT');
    }
    const series = routes.costSeries.response.parse(
      (await call(d, 'GET', '/api/v1/report/cost/series')).body,
    );
    expect(series.points).toEqual([]);
  });

  it('a daemon that reads no usage says so on every cost route (COST_DISABLED)', async () => {
    const off = await start('cost:\n  enabled: false\n');
    for (const [method, url, body] of [
      ['GET', '/api/v1/budgets', undefined],
      ['GET', '/api/v1/report/cost', undefined],
      ['GET', '/api/v1/report/cost/series', undefined],
      ['POST', '/api/v1/budgets', { scope: 'day', limitUsd: 1 }],
    ] as const) {
      const r = await call(off, method, url, body);
      expect([r.status, errorBodySchema.parse(r.body).code], url).toEqual([409, 'COST_DISABLED']);
    }
  });
});
