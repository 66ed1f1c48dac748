import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInPage } from '../support/browser.js';
import { FleetRig } from '../support/fleet-rig.js';
import { eventually } from '../support/harness.js';
import { isAlive } from '../support/processes.js';
import { TuiPane } from '../support/tui-pane.js';

/**
 * The fleet in the terminal UI and the dashboard (issue 21): on bravo, alpha's agents are listed
 * under their machine and follow alpha's changes live (a `fleet` message on the events stream);
 * alpha killed, they stay, marked unreachable.
 */
describe('the fleet in wtp tui and the dashboard', () => {
  const rig = new FleetRig();
  let browser: Browser | undefined;
  let page: Page;
  let tui: TuiPane;

  beforeAll(async () => {
    await rig.setUp(['alpha', 'bravo']);
    await rig.up('alpha');
    await rig.up('bravo');
    const alpha = rig.home('alpha');
    expect((await alpha.run(['new', 'shell', '--name', 'far-shell'])).code).toBe(0);
    expect((await rig.home('bravo').run(['new', 'cmd', '--name', 'near', '--', 'sleep', '600'])).code).toBe(
      0,
    );
    await eventually('bravo to see alpha’s agent', async () =>
      (await rig.home('bravo').run(['ls'])).stdout.includes('far-shell'),
    );
    ({ browser, page } = await signedInPage(rig.home('bravo')));
    tui = await TuiPane.start(rig.home('bravo'), { cols: 120, rows: 30 });
  });
  afterAll(async () => {
    await tui?.close();
    await browser?.close();
    await rig.cleanup();
  });

  it('lists the other machine’s agents under it, and follows their changes live', async () => {
    await tui.see('alpha · default');
    await tui.see('bravo · default');
    const row = page.locator('[data-testid="agent"][data-agent="far-shell"]');
    await row.waitFor();
    expect(await row.locator('[data-testid="agent-place"]').textContent()).toBe('alpha · default');
    // Its screen, read through the fleet (its terminal is not streamed across machines).
    expect(
      (await rig.home('alpha').run(['send', 'far-shell', 'echo far-$((6*7))-preview', '--enter'])).code,
    ).toBe(0);
    await tui.see('far-shell on alpha');
    await tui.see('far-42-preview');
    // A change on alpha: the agent stops there.
    expect((await rig.home('alpha').run(['stop', 'far-shell'])).code).toBe(0);
    await tui.until('far-shell exited in the TUI', (s) => /far-shell\s+exited/.test(s));
    await row.locator('text=exited').first().waitFor({ timeout: 20_000 });
  });

  it('a machine that stops is marked unreachable; its agents stay as last seen', async () => {
    const alpha = rig.home('alpha');
    const pid = (await alpha.json<{ daemon: { pid: number } }>(['status'])).doc.daemon.pid;
    process.kill(pid, 'SIGKILL');
    await eventually('alpha’s daemon to die', () => !isAlive(pid));
    await tui.see('alpha · default  1 agent  ✖ unreachable since', 30_000);
    const row = page.locator('[data-testid="agent"][data-agent="far-shell"]');
    await row.locator('[data-testid="machine-unreachable"]').waitFor({ timeout: 30_000 });
    expect(
      await page
        .locator('[data-testid="agent"][data-agent="near"] [data-testid="machine-unreachable"]')
        .count(),
    ).toBe(0);
  });
});
