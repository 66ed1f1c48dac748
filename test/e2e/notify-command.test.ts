import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WtpEvent } from '../../src/protocol/events.js';
import { eventually, TestHome } from '../support/harness.js';

/**
 * `notifications.command`: a real daemon runs a small script (no shell between) on state changes,
 * with the change in WTP_* variables; a failing or hung command is logged and never hurts the
 * daemon; the per-channel rate limit drops by count.
 */

/** The script: records its arguments and WTP_* environment per run, then fails or hangs on demand. */
function writeScript(home: TestHome): { script: string; out: string } {
  const out = home.path('runs');
  mkdirSync(out);
  const script = home.path('on-change.sh');
  writeFileSync(
    script,
    [
      '#!/bin/sh',
      'f="$1/$WTP_AGENT_NAME-$WTP_EVENT_SEQ.env"',
      `{ printf 'ARG2=%s\\n' "$2"; env | grep '^WTP_'; } > "$f.tmp" && mv "$f.tmp" "$f"`,
      'case "$WTP_AGENT_NAME" in',
      '  fail) echo "could not deliver" >&2; exit 4 ;;',
      '  hang) exec sleep 600 ;;',
      'esac',
      'echo "delivered $WTP_AGENT_NAME $WTP_STATE"',
      '',
    ].join('\n'),
  );
  chmodSync(script, 0o755);
  return { script, out };
}

/** The runs recorded, as name → variables. */
function runs(out: string): Map<string, Record<string, string>> {
  const m = new Map<string, Record<string, string>>();
  for (const f of readdirSync(out).filter((x) => x.endsWith('.env'))) {
    const vars: Record<string, string> = {};
    for (const line of readFileSync(join(out, f), 'utf8').split('\n')) {
      const i = line.indexOf('=');
      if (i > 0) vars[line.slice(0, i)] = line.slice(i + 1);
    }
    m.set(f.replace(/\.env$/, ''), vars);
  }
  return m;
}

const daemonLog = (home: TestHome): { msg: string; [k: string]: unknown }[] => {
  const file = home.path('logs', 'daemon.log');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { msg: string });
};

/** The daemon's /metrics (over its unix socket). */
function metrics(home: TestHome): Promise<string> {
  return new Promise((resolve, reject) => {
    get({ socketPath: home.path('run', 'api.sock'), path: '/metrics' }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    }).on('error', reject);
  });
}

/** The agent.stateChanged event that brought `name` into `state`. */
async function change(home: TestHome, name: string, state: string) {
  const ev = (await home.events(name)).filter(
    (e): e is Extract<WtpEvent, { type: 'agent.stateChanged' }> =>
      e.type === 'agent.stateChanged' && e.data.to === state,
  );
  const last = ev.at(-1);
  if (!last) throw new Error(`no change of ${name} to ${state}`);
  return last;
}

describe('notifications.command on a real daemon', () => {
  let home: TestHome;
  let out: string;

  beforeAll(async () => {
    home = new TestHome();
    const s = writeScript(home);
    out = s.out;
    home.writeConfig(
      [
        'restart:',
        '  backoffBaseMs: 100',
        '  crashLoopCount: 2',
        'notifications:',
        '  desktop: false',
        '  toast: false',
        '  bell: false',
        '  dedupeMs: 0',
        '  maxPerMinute: 100',
        '  command:',
        `    argv: [${JSON.stringify(s.script)}, ${JSON.stringify(out)}, "$(touch pwned); echo"]`,
        '    states: [exited, crashed]',
        '    timeoutMs: 500',
        '',
      ].join('\n'),
    );
    await home.up();
  });
  afterAll(() => home?.cleanup());

  it('runs the command when a cmd agent exits, with the change in WTP_* variables', async () => {
    expect((await home.run(['new', 'cmd', '--name', 'ok', '--', 'sh', '-c', 'exit 3'])).code).toBe(0);
    const ok = await home.untilState('ok', 'exited');
    const e = await change(home, 'ok', 'exited');
    const run = await eventually('the command to run for ok', () => runs(out).get(`ok-${e.seq}`));
    expect(run).toMatchObject({
      ARG2: '$(touch pwned); echo', // an argument as written: no shell ever saw it
      WTP_AGENT_ID: ok.id,
      WTP_AGENT_NAME: 'ok',
      WTP_WORKSPACE: 'default',
      WTP_STATE: 'exited',
      WTP_OLD_STATE: e.data.from ?? '',
      WTP_REASON: 'exited',
      WTP_EXIT_CODE: '3',
      WTP_EVENT_SEQ: String(e.seq),
      WTP_TITLE: 'ok exited (exit 3)',
    });
    expect(run.WTP_EVIDENCE).toBe(e.data.detail.evidence);
    expect(existsSync(home.path('pwned'))).toBe(false);
    const logged = await eventually('its output in the daemon log', () =>
      daemonLog(home).find(
        (l) => l.msg === 'notification command output' && l.stdout === 'delivered ok exited\n',
      ),
    );
    expect(logged).toMatchObject({ channel: 'command', exitCode: 0, agentId: ok.id });
  });

  it('runs it when an agent crashes (crash loop) and when a shell agent is stopped', async () => {
    await home.run(['new', 'cmd', '--name', 'flaky', '--restart', 'on-failure', '--', 'sh', '-c', 'exit 7']);
    await home.untilState('flaky', 'crashed', 'the crash loop');
    const crashed = await change(home, 'flaky', 'crashed');
    const run = await eventually('the command to run for flaky', () => runs(out).get(`flaky-${crashed.seq}`));
    expect(run).toMatchObject({ WTP_STATE: 'crashed', WTP_REASON: 'crash_loop', WTP_EXIT_CODE: '7' });
    // The restarts in between went through `starting`, which the command is not for.
    expect([...runs(out).keys()].filter((k) => k.startsWith('flaky-'))).toEqual([`flaky-${crashed.seq}`]);

    expect((await home.run(['new', 'shell', '--name', 'sh'])).code).toBe(0);
    await home.untilState('sh', 'running');
    expect((await home.run(['stop', 'sh'])).code).toBe(0);
    const stopped = await change(home, 'sh', 'exited');
    const shRun = await eventually('the command to run for sh', () => runs(out).get(`sh-${stopped.seq}`));
    expect(shRun).toMatchObject({ WTP_STATE: 'exited', WTP_OLD_STATE: 'running', WTP_REASON: 'stopped' });
  });

  it('a failing command and a hung one are logged (the hung one killed); the daemon goes on', async () => {
    await home.run(['new', 'cmd', '--name', 'fail', '--', 'true']);
    await home.run(['new', 'cmd', '--name', 'hang', '--', 'true']);
    const ids = { fail: (await home.agent('fail')).id, hang: (await home.agent('hang')).id };
    const failed = (name: 'fail' | 'hang') =>
      daemonLog(home).find(
        (l) => l.msg === 'notification channel failed' && l.channel === 'command' && l.agentId === ids[name],
      );
    expect((await eventually('the failure to be logged', () => failed('fail'))).err).toMatch(
      /on-change\.sh exited with 4: could not deliver$/,
    );
    expect((await eventually('the hung command to be killed', () => failed('hang'))).err).toMatch(
      /on-change\.sh timed out after 500 ms \(killed\)$/,
    );
    expect(runs(out).has(`hang-${(await change(home, 'hang', 'exited')).seq}`)).toBe(true);
    expect((await home.run(['status'])).code).toBe(0);
    expect(await metrics(home)).toMatch(/^wtp_notifications_total\{channel="command",outcome="failed"\} 2$/m);
  });
});

describe('notifications.command rate limit', () => {
  let home: TestHome;

  afterAll(() => home?.cleanup());

  it('runs at most maxPerMinute commands; the rest are dropped and the drop logged', async () => {
    home = new TestHome();
    const { script, out } = writeScript(home);
    home.writeConfig(
      [
        'notifications:',
        '  desktop: false',
        '  toast: false',
        '  bell: false',
        '  maxPerMinute: 2',
        '  command:',
        `    argv: [${JSON.stringify(script)}, ${JSON.stringify(out)}]`,
        '    states: [exited]',
        '',
      ].join('\n'),
    );
    await home.up();
    for (const name of ['a', 'b', 'c']) await home.run(['new', 'cmd', '--name', name, '--', 'true']);
    for (const name of ['a', 'b', 'c']) await home.untilState(name, 'exited');
    await eventually('the drop to be logged', () =>
      daemonLog(home).find((l) => l.msg.startsWith('notifications rate limited') && l.channel === 'command'),
    );
    await eventually('two commands to have run', () => runs(out).size === 2);
    expect(runs(out).size).toBe(2);
    const counted = await eventually('both runs to be counted', async () => {
      const text = await metrics(home);
      return /outcome="sent"\} 2$/m.test(text) ? text : undefined;
    });
    expect(counted).toMatch(/^wtp_notifications_total\{channel="command",outcome="dropped"\} 1$/m);
    expect(counted).toMatch(/^wtp_notifications_total\{channel="desktop",outcome="sent"\} 0$/m);
  });
});
