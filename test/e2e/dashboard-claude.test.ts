import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { cliOutputSchemas } from '../../src/protocol/cli-output.js';
import type { WtpEvent } from '../../src/protocol/events.js';
import { newAgent } from '../support/agent-steps.js';
import { freePort, screenshot, signedInPage } from '../support/browser.js';
import { claudeBinary, claudeEnv, prepareClaudeHome } from '../support/claude-cli.js';
import { FakeAnthropic, type FakeRequest, type FakeTurn } from '../support/fake-anthropic.js';
import { eventually, TestHome } from '../support/harness.js';

const API_KEY = 'sk-ant-test-0000000000000000000000000000wtp-e2e-key';

function script(req: FakeRequest): FakeTurn {
  if (req.hasToolResult) return { text: 'Done.' };
  if (req.lastUserText.includes('write the file')) {
    return {
      toolUse: { name: 'Bash', input: { command: 'echo hi > out.txt', description: 'write a file' } },
    };
  }
  if (req.lastUserText.includes('think for long')) return { hang: true };
  return { text: 'ok' };
}

/**
 * The real Claude Code (pinned) against the scripted Messages API, answered from the dashboard in
 * Debian's Chromium: a permission prompt found in the inbox and approved in the agent's terminal,
 * and text typed into a working agent held back until the user types anyway.
 */
describe('the dashboard with real Claude Code (Chromium)', () => {
  let home: TestHome;
  let api: FakeAnthropic;
  let browser: Browser;
  let page: Page;
  let port: number;
  let proj: string;
  const terminalText = () => page.locator('[data-testid="terminal"] .xterm-rows').innerText();
  const untilText = (what: string, needle: string) =>
    eventually(
      what,
      async () => ((await terminalText().catch(() => '')).includes(needle) ? true : undefined),
      60_000,
    );
  const inputs = async (name: string): Promise<WtpEvent[]> =>
    (await home.events(name)).filter((e) => e.type === 'agent.inputSent');
  const screenOf = async (name: string) =>
    cliOutputSchemas.peek.parse((await home.json(['peek', name])).doc).screen.lines.join('\n');

  beforeAll(async () => {
    api = await FakeAnthropic.start(script);
    port = await freePort();
    home = new TestHome({ WTP_API_PORT: String(port), WTP_CLAUDE_BIN: claudeBinary() });
    proj = home.path('proj');
    mkdirSync(proj);
    prepareClaudeHome(home.path('home'), { cwd: proj, apiKey: API_KEY });
    Object.assign(home.env, claudeEnv({ home: home.path('home'), baseUrl: api.url, apiKey: API_KEY }));
    await home.up();
    const args = (prompt: string) => ['--permission-mode', 'default', '--prompt', prompt];
    await Promise.all([
      newAgent(home, 'claude', 'perm', proj, args('write the file')),
      newAgent(home, 'claude', 'busy', proj, args('think for long')),
      // Without --permission-mode: Claude Code's default, auto (issue 29).
      newAgent(home, 'claude', 'loose', proj, []),
    ]);
    ({ browser, page } = await signedInPage(home));
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await home?.cleanup();
    await api?.close();
  });

  it('finds the permission prompt in the inbox and approves it in the agent’s terminal', async () => {
    await page.locator('[data-testid="inbox-count"]', { hasText: '1' }).waitFor({ timeout: 90_000 });
    await page.locator('[data-testid="tab-inbox"]').click();
    const item = page.locator('[data-testid="inbox-item"][data-agent="perm"]');
    await item.waitFor();
    expect(await item.textContent()).toContain('Bash');
    await screenshot(page, home, 'inbox-permission');
    await item.locator('[data-testid="open-terminal"]').click();
    expect(new URL(page.url()).hash).toBe('#/terminal/perm');
    await page.locator('[data-testid="terminal-panel"][data-status="live"]').waitFor({ timeout: 30_000 });
    await untilText('the permission prompt in view', 'Do you want to proceed?');
    await screenshot(page, home, 'terminal-permission');
    await page.locator('[data-testid="terminal"]').click();
    await page.keyboard.press('Enter'); // "1. Yes" is preselected
    await page.locator('[data-testid="terminal-state"][data-state="idle"]').waitFor({ timeout: 60_000 });
    expect(readFileSync(join(proj, 'out.txt'), 'utf8')).toBe('hi\n');
    expect(await page.locator('[data-testid="inbox-count"]').count()).toBe(0);
    const typed = (await inputs('perm')).filter((e) => e.type === 'agent.inputSent' && e.data.via);
    expect(typed.map((e) => e.type === 'agent.inputSent' && [e.data.enter, e.data.stateAtSend])).toEqual([
      [true, 'needs_permission'],
    ]);
  });

  it('holds text typed into a working agent until the user types anyway; Esc interrupts', async () => {
    await home.untilState('busy', 'working');
    await page.goto(`http://127.0.0.1:${port}/dashboard/#/terminal/busy`);
    await page.locator('[data-testid="terminal-panel"][data-status="live"]').waitFor({ timeout: 30_000 });
    await page.locator('[data-testid="terminal"]').click();
    await page.keyboard.type('held words');
    await page.locator('[data-testid="held"]').waitFor();
    expect(await page.locator('[data-testid="held"]').textContent()).toContain('busy is working');
    await screenshot(page, home, 'terminal-held');
    expect(await screenOf('busy')).not.toContain('held words');
    await page.locator('[data-testid="type-anyway"]').click();
    await page.locator('[data-testid="terminal"]').click();
    await page.keyboard.type('queued words');
    await eventually('the forced text on the agent’s screen', async () =>
      (await screenOf('busy')).includes('queued words') ? true : undefined,
    );
    await page.locator('[data-testid="quick-keys"] [data-key="Esc"]').click();
    await page.locator('[data-testid="terminal-state"][data-state="idle"]').waitFor({ timeout: 60_000 });
    const typed = await eventually('the audit of what was typed', async () => {
      const e = (await inputs('busy')).flatMap((x) =>
        x.type === 'agent.inputSent' && x.data.via ? [x.data] : [],
      );
      return e.length >= 2 ? e : undefined;
    });
    expect(typed.map((d) => d.text).join('')).not.toContain('held');
    expect(typed.find((d) => d.text === 'queued words')).toMatchObject({
      forced: true,
      stateAtSend: 'working',
    });
    expect(typed.find((d) => d.text === '\x1b')).toMatchObject({ stateAtSend: 'working' });
    expect(existsSync(join(proj, 'held words'))).toBe(false);
  });

  it('marks an agent that acts without asking, and follows a shift+tab typed in its terminal', async () => {
    await home.untilState('loose', 'idle');
    await page.goto(`http://127.0.0.1:${port}/dashboard/#/fleet`);
    const row = page.locator('[data-testid="agent"][data-agent="loose"]');
    const badge = row.locator('[data-testid="permission-mode"]');
    await badge.waitFor({ timeout: 30_000 });
    expect(await badge.getAttribute('data-mode')).toBe('auto');
    expect(await badge.textContent()).toContain('auto');
    // Agents that ask carry no mark in the fleet.
    expect(
      await page.locator('[data-testid="agent"][data-agent="perm"] [data-testid="permission-mode"]').count(),
    ).toBe(0);
    await badge.hover();
    await page.getByText('Permission mode: auto — runs the commands it judges safe without asking').waitFor();
    await page.goto(`http://127.0.0.1:${port}/dashboard/#/terminal/loose`);
    await page.locator('[data-testid="terminal-panel"][data-status="live"]').waitFor({ timeout: 30_000 });
    const header = page.locator('[data-testid="terminal-panel"] [data-testid="permission-mode"]');
    expect(await header.getAttribute('data-mode')).toBe('auto');
    await untilText('its mode line', 'auto mode on');
    await page.locator('[data-testid="terminal"]').click();
    await page.keyboard.press('Shift+Tab'); // auto → manual mode
    await page
      .locator('[data-testid="terminal-panel"] [data-testid="permission-mode"][data-mode="default"]')
      .waitFor({ timeout: 30_000 });
    expect(await header.getAttribute('data-unasked')).toBe('false');
    await screenshot(page, home, 'terminal-permission-mode');
    await page.goto(`http://127.0.0.1:${port}/dashboard/#/fleet`);
    await page.locator('[data-testid="agent"][data-agent="loose"]').waitFor();
    expect(await row.locator('[data-testid="permission-mode"]').count()).toBe(0);
  });
});
