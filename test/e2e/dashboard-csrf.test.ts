import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { cliOutputSchemas } from '../../src/protocol/cli-output.js';
import type { TaskView } from '../../src/protocol/tasks.js';
import { launchChromium, signIn } from '../support/browser.js';
import { cookiePair, rawHttp } from '../support/dashboard-rig.js';
import { sleep, TestHome } from '../support/harness.js';
import { gitRepo, taskSteps, upWithWorkspace } from '../support/task-steps.js';

/**
 * Another page in the user's browser must not use the dashboard's session: a page served from
 * another port of 127.0.0.1 is same-site, so the SameSite=Strict cookie goes along with its
 * `<img>` requests. A GET runs nothing, and a cookie request that is not the page's own is refused.
 * Real daemon process, real task in a real git worktree, Debian's Chromium.
 */
describe('cookie requests from other pages (CSRF)', () => {
  let home: TestHome;
  let port: number;
  let task: TaskView;
  let cookie: string;
  let browser: Browser | undefined;
  let evil: Server | undefined;

  beforeAll(async () => {
    home = new TestHome();
    home.writeConfig('tasks:\n  defaultProfile: cmd\n  retries: 0\n');
    const { repo } = gitRepo(home, 'shop');
    await upWithWorkspace(home, 'shop', repo);
    const status = cliOutputSchemas.status.parse((await home.json(['status'])).doc);
    port = Number(new URL(status.daemon?.api.tcp ?? '').port);
    const add = await home.run(['task', 'add', 'probe', '-w', 'shop', '--prompt', 'echo v > answer.txt']);
    expect(add.code, add.stderr).toBe(0);
    task = await taskSteps(home).untilTask('probe', 'to be in review', (t) => t.status === 'review');
    const link = await home.json<{ url: string }>(['dashboard', '--print-url']);
    const url = new URL(link.doc.url);
    const login = await rawHttp(port, url.pathname + url.search, { headers: { 'sec-fetch-site': 'none' } });
    expect(login.status).toBe(303);
    cookie = cookiePair(login.headers['set-cookie'] as string[] | undefined);
  });
  afterAll(async () => {
    await browser?.close();
    evil?.close();
    await home?.cleanup();
  });

  const comparePath = (marker: string): string =>
    `/api/v1/tasks/${task.id}/compare?test=${encodeURIComponent(`touch ${marker}`)}`;

  it('a cookie GET of compare with ?test= runs nothing, from another page or from the dashboard itself', async () => {
    const marker = home.path('marker-get');
    // What an <img> on a page at http://127.0.0.1:<other port>/ sends.
    const img = {
      cookie,
      'sec-fetch-site': 'same-site',
      'sec-fetch-mode': 'no-cors',
      'sec-fetch-dest': 'image',
    };
    const fromImg = await rawHttp(port, comparePath(marker), { headers: img });
    expect(existsSync(marker), 'the test command ran').toBe(false);
    expect(fromImg.status).toBe(403);
    expect(JSON.parse(fromImg.body)).toMatchObject({ code: 'FORBIDDEN_ORIGIN' });
    const bare = await rawHttp(port, comparePath(marker), { headers: { cookie } });
    expect(bare.status).toBe(403);
    // Even as the page's own request, a GET takes no test command.
    const own = await rawHttp(port, comparePath(marker), {
      headers: { cookie, 'sec-fetch-site': 'same-origin' },
    });
    expect(own.status).toBe(400);
    expect(JSON.parse(own.body)).toMatchObject({ code: 'INVALID_INPUT' });
    await sleep(500);
    expect(existsSync(marker)).toBe(false);
    // The side-effect-free GET still answers the dashboard.
    const plain = await rawHttp(port, `/api/v1/tasks/${task.id}/compare`, {
      headers: { cookie, 'sec-fetch-site': 'same-origin' },
    });
    expect(plain.status).toBe(200);
    expect(JSON.parse(plain.body)).toMatchObject({ attempts: [{ attempt: 1, test: null }] });
  });

  it('runs the test command on POST, for the dashboard page itself only', async () => {
    const marker = home.path('marker-post');
    const post = (headers: Record<string, string>) =>
      rawHttp(port, `/api/v1/tasks/${task.id}/compare`, {
        method: 'POST',
        body: JSON.stringify({ test: `touch ${marker}` }),
        headers: { cookie, ...headers },
      });
    const foreign = await post({ 'sec-fetch-site': 'same-site', origin: `http://127.0.0.1:${port + 1}` });
    expect(foreign.status).toBe(403);
    expect(existsSync(marker)).toBe(false);
    const ok = await post({ 'sec-fetch-site': 'same-origin', origin: `http://127.0.0.1:${port}` });
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body)).toMatchObject({
      attempts: [{ test: { command: `touch ${marker}`, passed: true } }],
    });
    expect(existsSync(marker)).toBe(true);
  });

  it('in Chromium, an <img> on a page from another 127.0.0.1 port triggers nothing', async () => {
    const marker = home.path('marker-browser');
    const target = `http://127.0.0.1:${port}${comparePath(marker)}`;
    const probe = `http://127.0.0.1:${port}/api/v1/agents`;
    evil = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(
        `<!doctype html><title>loading</title>` +
          `<img src="${target}" onload="document.title='loaded'" onerror="document.title='refused'">` +
          `<script>fetch(${JSON.stringify(probe)}, { credentials: 'include', mode: 'no-cors' }).finally(() => document.body.dataset.fetched = '1');</script>`,
      );
    });
    await new Promise<void>((resolve) => evil?.listen(0, '127.0.0.1', resolve));
    const address = evil.address();
    const evilPort = typeof address === 'object' && address ? address.port : 0;
    browser = await launchChromium();
    const page = await browser.newPage();
    await signIn(home, page); // the browser holds the session cookie for 127.0.0.1
    const names = (await page.context().cookies()).map((c) => c.name);
    expect(names.filter((n) => n.startsWith('wtp_session'))).toHaveLength(1);
    await page.goto(`http://127.0.0.1:${evilPort}/`);
    await page.waitForFunction(() => document.title !== 'loading' && document.body.dataset.fetched === '1');
    await sleep(500);
    expect(existsSync(marker), 'the test command ran').toBe(false);
    expect(await page.title()).toBe('refused');
  });
});
