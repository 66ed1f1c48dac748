import type { Browser, Page } from 'playwright-core';
import type { AnswerMode } from './answer-modes.js';
import { sessionCookie } from './dashboard-figures.js';
import { launchChromium, signedInContext } from './dashboard-page.js';
import { nowMs } from './proc.js';
import type { RigAgent } from './rig-agent.js';

const OUTCOME_MS = 60_000;

/**
 * The `answers` part's fourth mode: the dashboard's Approve button in the inbox, clicked in
 * Debian's Chromium (signed in with the one-time link as a user is). `sentAt` is taken once the
 * button is on the page and enabled, just before the click: the time counts from the click, as a
 * user's would. The page's own outcome line (the answer's result, shown once the agent left the
 * inbox) is `doneAt`, and a refusal there makes the round no sample.
 */
export async function dashboardMode(r: RigAgent): Promise<AnswerMode> {
  const browser: Browser = await launchChromium();
  let page: Page;
  try {
    const status = await r.session.client.call('status');
    if (status.api.tcp === null) throw new Error('the daemon does not listen on TCP');
    const origin = status.api.tcp;
    const ctx = await signedInContext(browser, origin, await sessionCookie(browser, r.session));
    page = await ctx.newPage();
    await page.goto(`${origin}/dashboard/`);
    await page.locator('[data-testid="tab-inbox"]').click();
  } catch (err) {
    await browser.close();
    throw err;
  }
  return {
    name: 'dashboard',
    what: 'a click on Approve in the dashboard inbox (Debian Chromium, playwright-core): POST …/answer {"action":"approve","via":"dashboard","expect":{state, since, about}}',
    act: async (a) => {
      const item = page.locator(`[data-testid="inbox-item"][data-agent="${a.name}"]`);
      const approve = item.locator('[data-testid="answer-approve"]');
      await approve.waitFor({ state: 'visible', timeout: OUTCOME_MS });
      await page.waitForFunction(
        (name: string) => {
          const b = document.querySelector(
            `[data-testid="inbox-item"][data-agent="${name}"] [data-testid="answer-approve"]`,
          );
          return b instanceof HTMLButtonElement && !b.disabled;
        },
        a.name,
        { timeout: OUTCOME_MS },
      );
      const sentAt = nowMs();
      await approve.click();
      const outcome = page.locator('[data-testid="inbox-answered"] [data-testid="answer-outcome"]');
      await outcome.waitFor({ timeout: OUTCOME_MS });
      const doneAt = nowMs();
      const ok = (await outcome.getAttribute('data-ok')) === 'true';
      const code = await outcome.getAttribute('data-code');
      // One outcome per agent on the page: cleared for the next round.
      await page.locator('[data-testid="inbox-answered"] button').first().click();
      return ok ? { sentAt, doneAt } : { sentAt, doneAt, failed: code ?? 'refused' };
    },
    close: () => browser.close(),
  };
}
