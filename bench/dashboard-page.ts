import type { Browser, BrowserContext, Page } from 'playwright-core';

/** Debian's Chromium, as the dashboard's tests run it. */
export const CHROMIUM = '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/** A fresh browser context (cold HTTP cache) already signed in with the session cookie. */
export async function signedInContext(
  browser: Browser,
  origin: string,
  cookie: { name: string; value: string },
): Promise<BrowserContext> {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await ctx.addCookies([{ ...cookie, url: origin }]);
  return ctx;
}

/**
 * Loads the dashboard and resolves with the milliseconds from the navigation's start to the first
 * animation frame where the fleet shows `agents` agents (the tab's count, and a row or the empty
 * message) and the event stream is live.
 */
export async function firstLoad(page: Page, url: string, agents: number): Promise<number> {
  await page.goto(url, { waitUntil: 'commit' });
  const handle = await page.waitForFunction(
    (n: number) => {
      const tab = document.querySelector('[data-testid="tab-fleet"]')?.textContent ?? '';
      const live = document.querySelector('[data-testid="stream-status"]')?.textContent === 'live';
      const shown =
        n === 0
          ? document.body.textContent?.includes('No agents yet')
          : document.querySelector('[data-testid="agent"]');
      return tab.includes(`(${n})`) && live && shown ? performance.now() : false;
    },
    agents,
    { polling: 'raf', timeout: 60_000 },
  );
  return (await handle.jsonValue()) as number;
}

/** The static page the daemon serves for a refused sign-in: the floor of loading any page from it. */
export async function staticLoad(page: Page, origin: string): Promise<number> {
  await page.goto(`${origin}/dashboard/login?code=bench`, { waitUntil: 'load' });
  return page.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
    return nav?.loadEventEnd ?? Number.NaN;
  });
}

declare global {
  interface Window {
    __wtpPaint?: Promise<number>;
  }
}

/**
 * Arms a watcher in the page: it resolves with the wall-clock time (performance.timeOrigin +
 * now, in ms) once the frame in which the row of `agent` came to show `state` has been rendered.
 */
export async function armPaint(page: Page, agent: string, state: string): Promise<void> {
  await page.evaluate(
    ([name, want]) => {
      window.__wtpPaint = new Promise<number>((resolve) => {
        const badge = () =>
          document.querySelector<HTMLElement>(`[data-agent="${name}"] [data-testid="state"]`)?.dataset.state;
        const observer = new MutationObserver(() => {
          if (badge() !== want) return;
          observer.disconnect();
          // React commits the change in a task of its own: the frame that shows it is the next
          // one, and a task queued from that frame's requestAnimationFrame callback runs once
          // the frame has been rendered.
          requestAnimationFrame(() => {
            const ch = new MessageChannel();
            ch.port1.onmessage = () => resolve(performance.timeOrigin + performance.now());
            ch.port2.postMessage(0);
          });
        });
        observer.observe(document.body, {
          subtree: true,
          childList: true,
          attributes: true,
          attributeFilter: ['data-state'],
        });
      });
    },
    [agent, state] as const,
  );
}

export async function paintedAt(page: Page, timeoutMs: number): Promise<number> {
  return page.evaluate(
    (ms) =>
      Promise.race([
        window.__wtpPaint ?? Promise.reject(new Error('not armed')),
        new Promise<number>((_, reject) => setTimeout(() => reject(new Error('no paint')), ms)),
      ]),
    timeoutMs,
  );
}

/** JS heap in use after a full garbage collection, DOM nodes, and the page's event counters. */
export async function pageMemory(page: Page): Promise<{ heapMiB: number; nodes: number; documents: number }> {
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send('Performance.enable');
    await cdp.send('HeapProfiler.collectGarbage');
    const { metrics } = await cdp.send('Performance.getMetrics');
    const m = (name: string): number => metrics.find((x) => x.name === name)?.value ?? Number.NaN;
    return {
      heapMiB: Math.round((m('JSHeapUsedSize') / 1048576) * 100) / 100,
      nodes: m('Nodes'),
      documents: m('Documents'),
    };
  } finally {
    await cdp.detach();
  }
}

/** Starts counting long tasks (main-thread work over 50 ms: jank) in the page. */
export async function watchLongTasks(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { __wtpLong: number[] };
    w.__wtpLong = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) w.__wtpLong.push(e.duration);
    }).observe({ type: 'longtask', buffered: false });
  });
}

/** The long tasks seen since `watchLongTasks`: how many, and their total time over 50 ms each. */
export async function longTasks(page: Page): Promise<{ count: number; blockingMs: number; maxMs: number }> {
  return page.evaluate(() => {
    const d = (window as unknown as { __wtpLong: number[] }).__wtpLong;
    return {
      count: d.length,
      blockingMs: Math.round(d.reduce((n, x) => n + Math.max(0, x - 50), 0)),
      maxMs: Math.round(Math.max(0, ...d)),
    };
  });
}
