import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, devices, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { answerWords, isAnswerEvent } from '../../src/protocol/answer-words.js';
import { pushMessageSchema, type PushMessage as Pushed } from '../../src/protocol/push.js';
import { REAL_CLI_TESTS, newAgent } from '../support/agent-steps.js';
import { CHROMIUM, screenshot } from '../support/browser.js';
import { claudeBinary, claudeEnv, prepareClaudeHome } from '../support/claude-cli.js';
import { FakeAnthropic, type FakeRequest, type FakeTurn } from '../support/fake-anthropic.js';
import { eventually, TestHome } from '../support/harness.js';
import { PushService, untilPush, type PushMessage } from '../support/push-service.js';

const API_KEY = 'sk-ant-test-0000000000000000000000000000wtp-e2e-key';
const bash = (command: string): FakeTurn => ({
  toolUse: { name: 'Bash', input: { command, description: 'run a command' } },
});

/** One agent's day: a command to approve, a question at the turn's end, a second command. */
function script(req: FakeRequest): FakeTurn {
  if (req.hasToolResult) {
    if (req.toolResultText.includes('tests-ran'))
      return { text: 'The tests pass. Which file next, alpha or beta?' };
    return { text: 'Done.' };
  }
  if (req.lastUserText.includes('run the tests')) return bash('echo tests-ran | tee tests.txt');
  if (/\bbeta\b/.test(req.lastUserText)) return bash('echo beta | tee beta.txt');
  return { text: 'ok' };
}

/** true once `file` holds `text` (undefined before: for eventually). */
const written = (file: string, text: string): true | undefined =>
  existsSync(file) && readFileSync(file, 'utf8') === text ? true : undefined;

/** The SHA-256 of the listener's public key, as Chromium's --ignore-certificate-errors-spki-list takes it. */
function spkiHash(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port, rejectUnauthorized: false }, () => {
      const key = s.getPeerX509Certificate()?.publicKey.export({ type: 'spki', format: 'der' });
      s.end();
      if (key) resolve(createHash('sha256').update(key).digest('base64'));
      else reject(new Error('no certificate'));
    });
    s.once('error', reject);
  });
}

/**
 * A phone (Chromium with a Pixel's touch viewport and user agent) paired through the link of `wtp
 * remote pair`, with the dashboard's service worker, answering the real Claude Code (pinned,
 * offline): a permission approved from its notification's action, a question replied to and a
 * second permission approved in the Inbox, each taking effect on the agent and audited with the
 * device. Pushes go to a push service that checks VAPID and decrypts; the browser's own push
 * service is out of reach here, so each decrypted payload is delivered to the service worker
 * through DevTools, as a push service would.
 */
describe('wtp remote: a phone answers the real Claude Code', REAL_CLI_TESTS, () => {
  let home: TestHome;
  let api: FakeAnthropic;
  let service: PushService;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let origin: string;
  let received: PushMessage[];
  let proj: string;

  const inbox = () => page.locator('[data-testid="inbox-item"][data-agent="phone"]');
  const pushOf = async (kind: string): Promise<Pushed> =>
    pushMessageSchema.parse(
      (await untilPush(received, (m) => (m.payload as Pushed).kind === kind, 90_000)).payload,
    );
  const answers = async () => (await home.events('phone')).filter(isAnswerEvent).map((e) => answerWords(e));

  // Buttons are clicked, not tapped: an emulated tap is a touch gesture, which a loaded machine can
  // stretch into a long press (no click); the page's handlers are the click a real tap makes.
  beforeAll(async () => {
    [api, service] = await Promise.all([FakeAnthropic.start(script), PushService.start()]);
    home = new TestHome({ WTP_CLAUDE_BIN: claudeBinary() });
    proj = home.path('proj');
    mkdirSync(proj);
    prepareClaudeHome(home.path('home'), { cwd: proj, apiKey: API_KEY });
    Object.assign(home.env, claudeEnv({ home: home.path('home'), baseUrl: api.url, apiKey: API_KEY }));
    writeFileSync(home.path('push-ca.pem'), service.ca);
    home.writeConfig(
      `notifications:\n  desktop: false\n  push:\n    extraServices: ["127.0.0.1:${service.port}"]\n    caFile: ${home.path('push-ca.pem')}\n`,
    );
    await home.up();
    const on = await home.json<{ url: string }>(['remote', 'on', '--listen', '127.0.0.1:0', '--json']);
    expect(on.code, on.stderr).toBe(0);
    origin = new URL(on.doc.url).origin;
    const spki = await spkiHash(Number(new URL(origin).port));
    // Trusting exactly the listener's key: what installing the local CA's root does on a phone.
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', `--ignore-certificate-errors-spki-list=${spki}`],
    });
    // A phone in India (UTC+5:30, no summer time): quiet hours are kept in its own time.
    context = await browser.newContext({ ...devices['Pixel 7'], timezoneId: 'Asia/Kolkata' });
    await context.grantPermissions(['notifications'], { origin });
    page = await context.newPage();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await home?.cleanup();
    await Promise.all([api?.close(), service?.close()]);
  });

  it('pairs through the link, installs the service worker and opens on the Inbox', async () => {
    const pair = await home.json<{ url: string }>(['remote', 'pair', '--json']);
    expect(pair.code, pair.stderr).toBe(0);
    await page.goto(pair.doc.url);
    await page.locator('#name').fill('pixel-9');
    await page.locator('button[type="submit"]').click();
    await page.waitForURL(/\/dashboard\/#\/inbox$/);
    const sw = await page.evaluate(async () => (await navigator.serviceWorker.ready).active?.scriptURL);
    expect(sw).toBe(`${origin}/dashboard/sw.js`);
    const devs = await home.json<{ devices: { name: string }[] }>(['remote', 'devices', '--json']);
    expect(devs.doc.devices.map((d) => d.name)).toEqual(['pixel-9']);
    // The phone's subscription, made with the daemon's VAPID key, at the test's push service.
    const { publicKey } = await page.evaluate(async () => (await fetch('/api/v1/push')).json());
    const sub = service.subscribe({ applicationServerKey: publicKey });
    received = sub.received;
    const status = await page.evaluate(
      async (subscription) =>
        (
          await fetch('/api/v1/push/subscription', {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ subscription, prefs: {} }),
          })
        ).status,
      sub.subscription,
    );
    expect(status).toBe(200);

    // Its settings, on the phone: no finished turns, and quiet hours set, then off again.
    await page.reload();
    await page.locator('[data-testid="push-prefs-toggle"]').click();
    await page.locator('[data-kind="done"]').uncheck();
    await page.locator('[data-testid="push-quiet"]').check();
    await page.locator('[data-testid="push-quiet-from"]').fill('23:30');
    await page.locator('[data-testid="push-prefs-save"]').click();
    await page.locator('[data-testid="push-prefs-note"]', { hasText: 'Saved.' }).waitFor();
    await page.locator('[data-testid="push-prefs"]').scrollIntoViewIfNeeded();
    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshot(page, home, 'remote-phone-settings', { fullPage: false });
    const prefs = async () => (await page.evaluate(async () => (await fetch('/api/v1/push')).json())).prefs;
    expect(await prefs()).toEqual({
      kinds: ['permission', 'question', 'error', 'budget'],
      workspaces: [],
      quietHours: { from: '23:30', to: '07:00', utcOffsetMinutes: 330 },
      lockScreenDetail: false,
    });
    await page.locator('[data-testid="push-quiet"]').uncheck();
    await page.locator('[data-testid="push-prefs-save"]').click();
    await eventually('quiet hours off', async () => ((await prefs()).quietHours === null ? true : undefined));
    await page.locator('[data-testid="push-prefs-toggle"]').click();
  });

  it('approves a permission from its notification, without opening the app', async () => {
    await newAgent(home, 'claude', 'phone', proj, [
      '--permission-mode',
      'default',
      '--prompt',
      'run the tests',
    ]);
    const msg = await pushOf('permission');
    expect(msg).toMatchObject({ title: 'phone needs permission', body: '', actions: ['approve', 'deny'] });
    await inbox().waitFor({ timeout: 30_000 });
    await screenshot(page, home, 'remote-phone-permission', { fullPage: false });

    // The push service hands the payload to the service worker, which shows the notification.
    const cdp = await context.newCDPSession(page);
    const registered = new Promise<string>((resolve) =>
      cdp.on('ServiceWorker.workerRegistrationUpdated', (e) => {
        const r = e.registrations.find((x) => x.scopeURL === `${origin}/dashboard/` && !x.isDeleted);
        if (r) resolve(r.registrationId);
      }),
    );
    // What the service worker went through, for a failure to show.
    const dbg: string[] = [];
    cdp.on('ServiceWorker.workerVersionUpdated', (e) =>
      dbg.push(...e.versions.map((v) => `${Date.now()} ${v.runningStatus}/${v.status}`)),
    );
    cdp.on('ServiceWorker.workerErrorReported', (e) => dbg.push(`error: ${e.errorMessage.errorMessage}`));
    await cdp.send('ServiceWorker.enable');
    const registrationId = await registered;
    dbg.push(`${Date.now()} deliver`);
    await cdp.send('ServiceWorker.deliverPushMessage', { origin, registrationId, data: JSON.stringify(msg) });
    let shown: unknown;
    try {
      shown = await eventually('the notification', async () => {
        const n = await page.evaluate(async () =>
          (await (await navigator.serviceWorker.ready).getNotifications()).map((x) => ({
            title: x.title,
            body: x.body,
            // `actions` is not in TypeScript's DOM library yet.
            actions: (x as unknown as { actions: { action: string }[] }).actions.map((a) => a.action),
          })),
        );
        return n.length > 0 ? n : undefined;
      });
    } catch (err) {
      const perm = await page.evaluate(() => Notification.permission);
      // Whether the worker can show one now: if so, the push event was lost on its way.
      const probe = await context
        .serviceWorkers()[0]
        ?.evaluate(async () => {
          const reg = (self as unknown as { registration: ServiceWorkerRegistration }).registration;
          const before = (await reg.getNotifications()).length;
          await reg.showNotification('probe', { tag: 'probe' });
          return `${before} shown before a probe, ${(await reg.getNotifications()).length} after`;
        })
        .catch((e: unknown) => `probe failed: ${String(e)}`);
      throw new Error(
        `${String(err)}; notification permission ${perm}; worker: ${dbg.join(', ')}; ${probe ?? 'no worker'}`,
      );
    }
    expect(shown).toEqual([{ title: 'phone needs permission', body: '', actions: ['approve', 'deny'] }]);

    // Its Approve, as the service worker handles the tap.
    const [worker] = context.serviceWorkers();
    await worker?.evaluate(async () => {
      const scope = self as unknown as {
        registration: { getNotifications(): Promise<Notification[]> };
        clicked(n: Notification, action: string): Promise<void>;
      };
      const [n] = await scope.registration.getNotifications();
      if (n) await scope.clicked(n, 'approve');
    });
    await eventually(
      'the approved command to run',
      () => written(`${proj}/tests.txt`, 'tests-ran\n'),
      60_000,
    );
    expect(await answers()).toEqual([
      expect.stringMatching(/^approved .*via dashboard from device "pixel-9"/),
    ]);
  });

  it('replies to a question and approves the next command in the Inbox', async () => {
    const msg = await pushOf('question');
    expect(msg).toMatchObject({ title: 'phone asks you', actions: [] });
    const card = inbox();
    await card
      .locator('[data-testid="inbox-ask"]', { hasText: 'alpha or beta' })
      .waitFor({ timeout: 30_000 });
    await screenshot(page, home, 'remote-phone-question', { fullPage: false });
    await card.locator('[data-testid="answer-text"]').fill('beta, please');
    await card.locator('[data-testid="answer-send"]').click();
    await card.locator('[data-testid="inbox-about"]', { hasText: 'beta.txt' }).waitFor({ timeout: 60_000 });
    await card.locator('[data-testid="answer-approve"]').click();
    // `tee` makes the file before it writes: the content is what shows the command ran.
    await eventually('the second command to run', () => written(`${proj}/beta.txt`, 'beta\n'), 60_000);
    await home.untilState('phone', 'idle', 'the agent to finish its turn');
    expect(await answers()).toEqual([
      expect.stringMatching(/^approved .*from device "pixel-9"/),
      expect.stringMatching(/^answered .*from device "pixel-9"/),
      expect.stringMatching(/^approved .*from device "pixel-9"/),
    ]);
  });

  it('shows a finished turn, marked seen with a swipe and back with Undo, and a budget that holds runs', async () => {
    const done = page.locator('[data-testid="inbox-finished"][data-agent="phone"]');
    await done.waitFor({ timeout: 30_000 });
    await screenshot(page, home, 'remote-phone-finished', { fullPage: false });
    // A swipe to the left (pointer events: a finger's and a mouse's take the same path).
    const box = await done.boundingBox();
    if (!box) throw new Error('the card has no box');
    const [x, y] = [box.x + box.width / 2, box.y + box.height / 2];
    await page.mouse.move(x, y);
    await page.mouse.down();
    await page.mouse.move(x - 140, y, { steps: 4 });
    await page.mouse.up();
    await done.waitFor({ state: 'detached' });
    await page.locator('[data-testid="finished-undo"]').click();
    await done.waitFor();
    await done.locator('[data-testid="finished-seen"]').click();
    await done.waitFor({ state: 'detached' });

    const set = await home.run(['budget', 'set', 'day', '0']);
    expect(set.code, set.stderr).toBe(0);
    await page.locator('[data-testid="inbox-budget"]', { hasText: 'no new task runs start' }).waitFor();
  });
});
