import type { Browser, Page } from 'playwright-core';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentView } from '../../src/protocol/agent.js';
import type { FleetStatus } from '../../src/protocol/fleet.js';
import { launchChromium, signIn } from '../support/browser.js';
import { FleetRig } from '../support/fleet-rig.js';
import { eventually } from '../support/harness.js';

/**
 * One malformed fleet row must not blank every machine's dashboard (issue 30): as m2's role, rows
 * are written that the probe wrote — a pull request without `checksState`, a terminal escape, an
 * unknown state — beside ones an older and a newer version would write. m1's daemon skips the
 * invalid ones (counted and listed by `wtp fleet`), keeps the others, and its dashboard in a real
 * Chromium draws every agent it has and says how many rows it skipped; an agent that reaches the
 * page malformed anyway (its response altered on the way) is a line saying so, not a blank page.
 */
describe('malformed fleet rows and the dashboard', () => {
  const rig = new FleetRig();
  let browser: Browser | undefined;
  let page: Page;
  let good: Record<string, unknown>;
  /** A pull request as the probe wrote it: everything but its checksState. */
  const pr = {
    forge: 'github',
    number: 7,
    url: 'https://github.com/team/app/pull/7',
    remote: 'origin',
    head: 'wtp/x',
    base: 'main',
    title: 'x',
    draft: false,
    state: 'open',
    reviewDecision: null,
    checks: [],
    headCommit: 'abc1234',
    createdAt: '2026-11-24T00:00:00.000Z',
    polledAt: null,
    pollError: null,
    nextPollAt: null,
    mergedAt: null,
    fixRounds: 0,
    awaitingFix: false,
  };

  /** An agent row of m2 written straight with m2's role: its view as given. */
  const plant = async (id: string, name: string, view: Record<string, unknown>): Promise<void> => {
    const c = new pg.Client({ connectionString: rig.urls.m2 as string });
    await c.connect();
    try {
      await c.query(
        `INSERT INTO wtp.agents (id, machine, name, workspace, state, view) VALUES ($1, 'm2', $2, 'default', 'running', $3::jsonb)`,
        [id, name, JSON.stringify({ ...view, id, name })],
      );
    } finally {
      await c.end();
    }
  };

  beforeAll(async () => {
    await rig.setUp(['m1', 'm2']);
    await rig.up('m2');
    const made = await rig.home('m2').run(['new', 'cmd', '--name', 'good', '--', 'sleep', '600']);
    expect(made.code, made.stderr).toBe(0);
    good = await eventually('m2 to publish its agent', async () => {
      const rows = await rig.pg.admin<{ view: Record<string, unknown> }>(
        "SELECT view FROM wtp.agents WHERE name = 'good'",
        [],
        'fleet',
      );
      return rows[0]?.view;
    });
    // What the probe wrote: a pull request without checksState.
    await plant('ag-nochecks', 'nochecks', { ...good, pullRequest: pr });
    // A terminal escape in a field `wtp ls` prints.
    await plant('ag-escape', 'escape', { ...good, cwd: '/tmp/\u001b]0;pwned\u0007' });
    // A state this version does not know (a newer machine's), and a view cut short.
    await plant('ag-newstate', 'newstate', { ...good, state: 'levitating' });
    await plant('ag-cut', 'cut', { id: 'ag-cut', name: 'cut', workspace: 'default' });
    // An older version's view (no pullRequest, no permission) and a newer one's (a field more): both fine.
    const older = { ...good };
    delete older['pullRequest'];
    delete older['permission'];
    await plant('ag-older', 'older', older);
    await plant('ag-newer', 'newer', { ...good, somethingNew: { a: 1 } });
    await rig.up('m1');
  });
  afterAll(async () => {
    await browser?.close();
    await rig.cleanup();
  });

  it('m1 skips the invalid rows, keeps the others, and `wtp fleet` lists what it skipped', async () => {
    const names = await eventually('m1 to read m2’s agents', async () => {
      const r = await rig.home('m1').json<{ agents: AgentView[] }>(['ls']);
      const seen = r.doc.agents.filter((a) => a.machine === 'm2').map((a) => a.name);
      return seen.includes('good') ? seen.sort() : undefined;
    });
    expect(names).toEqual(['good', 'newer', 'older']);
    const status = await eventually('the skipped rows to be counted', async () => {
      const r = await rig.home('m1').json<{ fleet: FleetStatus }>(['fleet']);
      return r.doc.fleet.rows.skipped >= 4 ? r.doc.fleet : undefined;
    });
    expect(status.rows.byTable).toMatchObject({ agents: 4 });
    const issues = Object.fromEntries(status.rows.recent.map((r) => [r.key, r.issue]));
    expect(issues['ag-nochecks']).toMatch(/^view\.pullRequest\.checksState: /);
    expect(issues['ag-escape']).toMatch(/^view\.cwd: must not contain ESC/);
    expect(issues['ag-newstate']).toMatch(/^view\.state: /);
    expect(issues['ag-cut']).toMatch(/^view\./);
    const text = await rig.home('m1').run(['fleet']);
    expect(text.stdout).toMatch(/invalid rows skipped: 4 \(4 agents\) \[FLEET_ROW_INVALID\]/);
    expect(text.stdout).toContain('agents ag-nochecks of m2: view.pullRequest.checksState');
    expect(text.stdout + text.stderr).not.toContain('\u001b]0;pwned');
  });

  it('the dashboard draws every agent it has and says how many rows it skipped; a malformed one is a line', async () => {
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    // An agent that reaches the page malformed anyway (the probe's row, past the daemon): the page
    // must still draw the rest. The page's own fetch is wrapped, so its requests stay its own.
    await page.addInitScript((pr: Record<string, unknown>) => {
      const original = window.fetch.bind(window);
      window.fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
        const res = await original(input, init);
        const url = new URL(input instanceof Request ? input.url : String(input), location.href);
        if (url.pathname !== '/api/v1/agents' || !res.ok) return res;
        const body = (await res.json()) as { agents: Record<string, unknown>[] };
        const first = body.agents[0] ?? {};
        body.agents.push(
          { ...first, id: 'ag-page-pr', name: 'page-pr', pullRequest: pr },
          {
            ...first,
            id: 'ag-page-broken',
            name: 'page-broken',
            state: 'levitating',
            stateDetail: null,
            worktree: 5,
          },
        );
        return new Response(JSON.stringify(body), { status: res.status, headers: res.headers });
      };
    }, pr);
    await signIn(rig.home('m1'), page);
    for (const name of ['good', 'older', 'newer']) {
      await page.locator(`[data-testid="agent"][data-agent="${name}"]`).waitFor();
    }
    expect(await page.locator('[data-testid="fleet-invalid-rows"]').textContent()).toMatch(
      /^4 invalid row\(s\) of the fleet database skipped/,
    );
    for (const name of ['nochecks', 'escape', 'newstate', 'cut']) {
      expect(await page.locator(`[data-agent="${name}"]`).count(), name).toBe(0);
    }
    // The malformed ones that got through: a badge that says it does not know, or a line saying so.
    const badge = page.locator('[data-testid="agent"][data-agent="page-pr"] [data-testid="checks-badge"]');
    expect(await badge.textContent()).toBe('checks unknown');
    await page
      .locator('[data-testid="unrenderable"]', { hasText: 'agent page-broken cannot be shown' })
      .waitFor();
    expect(await page.locator('[data-testid="agent"]').count()).toBeGreaterThanOrEqual(4);
    expect(errors).toEqual([]);
  });
});
