import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../test/support/fake-clock.js';
import { MemoryLogger } from '../../../test/support/fake-ports.js';
import {
  type AgentNotification,
  type ChannelName,
  type NotificationChannel,
  type NotifierSettings,
  type TransitionInput,
  BUDGET_STATE,
  channelWants,
  composeNotification,
  formatResetTime,
  Notifier,
} from './notifier.js';
import { paneChannel } from './pane-notifier.js';

/** A channel that records what it was sent; `fail` makes it reject. */
class Recorder implements NotificationChannel {
  readonly got: AgentNotification[] = [];
  fail: Error | null = null;
  constructor(readonly name: ChannelName) {}
  send(n: AgentNotification): Promise<void> {
    if (this.fail) return Promise.reject(this.fail);
    this.got.push(n);
    return Promise.resolve();
  }
}

const ALL_ON: Record<ChannelName, boolean> = {
  desktop: true,
  toast: true,
  bell: true,
  webhook: true,
  command: true,
  push: true,
};

function setup(over: Partial<NotifierSettings> = {}) {
  const clock = new FakeClock();
  const log = new MemoryLogger();
  const ch = {
    desktop: new Recorder('desktop'),
    toast: new Recorder('toast'),
    bell: new Recorder('bell'),
    webhook: new Recorder('webhook'),
  };
  const settings: NotifierSettings = {
    enabled: true,
    channels: { ...ALL_ON },
    dedupeMs: 30_000,
    maxPerMinute: 12,
    ...over,
  };
  const notifier = new Notifier({ clock, log, channels: Object.values(ch), settings });
  return { clock, log, ch, notifier };
}

const base = { agentId: 'ag-1', agent: 'api', workspace: 'app', at: 0 };
const compose = (over: Partial<TransitionInput>) =>
  composeNotification({ ...base, from: 'working', to: 'needs_input', ...over });
const note = (over: Partial<AgentNotification> = {}): AgentNotification => ({
  ...base,
  from: 'working',
  state: 'needs_permission',
  reason: 'permission',
  title: 'api needs your permission',
  message: 'wants to use Bash',
  urgency: 'critical',
  ...over,
});

describe('composeNotification', () => {
  it('words each state and reason on its own', () => {
    const titles = [
      compose({ to: 'needs_permission', reason: 'permission', tool: 'Bash' }),
      compose({ reason: 'question' }),
      compose({ reason: 'auth' }),
      compose({ reason: 'trust' }),
      compose({ reason: 'usage_limit' }),
      compose({ reason: 'error' }),
      compose({}),
      compose({ to: 'idle', reason: 'turn_done' }),
      compose({ to: 'idle', reason: 'interrupted' }),
      compose({ to: 'crashed', from: 'working', exitCode: 1 }),
      compose({ to: 'crashed', from: 'restarting', reason: 'crash_loop', signal: 'SIGSEGV' }),
      compose({ to: 'crashed', from: 'starting', reason: 'spawn_failed' }),
    ].map((n) => n?.title);
    expect(titles).toEqual([
      'api needs your permission',
      'api asks a question',
      'api needs you to sign in',
      'api waits for folder trust',
      'api hit a usage limit',
      'api stopped on an error',
      'api needs your input',
      'api finished its turn',
      'api was interrupted',
      'api crashed (exit 1)',
      'api keeps crashing (SIGSEGV)',
      'api could not start',
    ]);
  });

  it('says what permission is for, falls back without a tool, and prefers the hook message', () => {
    expect(compose({ to: 'needs_permission', tool: 'Bash' })).toMatchObject({
      state: 'needs_permission',
      message: 'wants to use Bash (workspace app)',
      urgency: 'critical',
    });
    expect(compose({ to: 'needs_permission' })?.message).toBe('approve or deny in its pane (workspace app)');
    expect(
      compose({ to: 'needs_permission', tool: 'Bash', message: 'Claude needs your\npermission to use Bash' })
        ?.message,
    ).toBe('Claude needs your permission to use Bash (workspace app)');
    expect(compose({ message: 'x'.repeat(500) })?.message.length).toBeLessThan(230);
  });

  it('says what a waiting agent asks, from its request: the tool and what it is about, or the question', () => {
    const message = 'approve Bash: npm test';
    expect(
      compose({
        to: 'needs_permission',
        tool: 'Bash',
        message,
        request: { kind: 'permission', tool: 'Bash', about: 'npm test' },
      })?.message,
    ).toBe('asks to run Bash: npm test (workspace app)');
    expect(
      compose({ to: 'needs_permission', request: { kind: 'permission', tool: 'Write', about: '/p/a.txt' } })
        ?.message,
    ).toBe('asks to use Write: /p/a.txt (workspace app)');
    expect(
      compose({
        to: 'needs_input',
        reason: 'question',
        request: { kind: 'question', question: 'Which colour?', options: ['Red', 'Blue'] },
      })?.message,
    ).toBe('asks “Which colour?” (Red · Blue) (workspace app)');
    // A request that names nothing but its kind: the agent's words, as before.
    expect(compose({ to: 'needs_permission', message, request: { kind: 'permission' } })?.message).toBe(
      'approve Bash: npm test (workspace app)',
    );
    // A long command: one line, cut.
    const long = compose({
      to: 'needs_permission',
      request: { kind: 'permission', tool: 'Bash', about: `echo\n${'y'.repeat(400)}` },
    });
    expect(long?.message).toMatch(/^asks to run Bash: echo y+… \(workspace app\)$/);
    expect(long?.message.length).toBeLessThan(230);
  });

  it('gives the usage-limit reset time, in local time', () => {
    const at = Date.UTC(2025, 0, 1, 12, 0);
    const resetsAt = new Date(at + 3 * 3_600_000).toISOString();
    const d = new Date(resetsAt);
    const hhmm = `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
    expect(compose({ reason: 'usage_limit', resetsAt, at })?.title).toBe(
      `api hit a usage limit (resets ${hhmm})`,
    );
    expect(formatResetTime(new Date(at + 3 * 86_400_000).toISOString(), at)).toMatch(
      /^\d{4}-\d\d-\d\d \d\d:\d\d$/,
    );
    expect(formatResetTime('3pm', at)).toBe('3pm');
  });

  it('maps urgency and keeps the reason', () => {
    expect(compose({ to: 'idle', reason: 'turn_done' })).toMatchObject({
      urgency: 'low',
      reason: 'turn_done',
    });
    expect(compose({ to: 'crashed' })?.urgency).toBe('critical');
    expect(compose({ reason: 'question' })?.urgency).toBe('normal');
    expect(compose({})).not.toHaveProperty('reason');
  });

  it('words the other states plainly, and carries the change: from, evidence, seq, exit', () => {
    expect(
      compose({ from: 'running', to: 'exited', exitCode: 3, evidence: 'process exit 3', seq: 41 }),
    ).toMatchObject({
      from: 'running',
      state: 'exited',
      title: 'api exited (exit 3)',
      evidence: 'process exit 3',
      seq: 41,
      exitCode: 3,
      urgency: 'low',
    });
    expect(compose({ from: 'running', to: 'exited', reason: 'stopped' })?.title).toBe('api was stopped');
    expect(compose({ from: 'idle', to: 'working' })?.title).toBe('api is working');
    expect(compose({ from: 'starting', to: 'running' })?.message).toBe(
      'wtp why api tells why (workspace app)',
    );
  });

  it('a repeat of the same state is not a transition', () => {
    expect(compose({ from: 'needs_input', to: 'needs_input' })).toBeNull();
    expect(compose({ from: 'needs_input', to: 'needs_permission' })).not.toBeNull();
  });
});

describe('channelWants', () => {
  const builtIn: NotificationChannel = { name: 'desktop', send: () => Promise.resolve() };
  const mine: NotificationChannel = { ...builtIn, name: 'command', states: ['exited', 'working', 'idle'] };
  const n = (from: string, to: string) => compose({ from, to }) as AgentNotification;

  it('gives the built-in channels needs_permission, needs_input, crashed and idle only', () => {
    for (const to of ['needs_permission', 'needs_input', 'crashed'])
      expect(channelWants(builtIn, n('working', to))).toBe(true);
    for (const to of ['starting', 'running', 'working', 'exited'])
      expect(channelWants(builtIn, n('idle', to))).toBe(false);
  });

  it('gives a channel the states it asks for, and none other', () => {
    expect(channelWants(mine, n('running', 'exited'))).toBe(true);
    expect(channelWants(mine, n('idle', 'working'))).toBe(true);
    expect(channelWants(mine, n('working', 'crashed'))).toBe(false);
  });

  it('idle only after working (a finished turn, not startup), on every channel', () => {
    for (const ch of [builtIn, mine]) {
      expect(channelWants(ch, n('working', 'idle'))).toBe(true);
      for (const from of ['starting', 'running', 'needs_input', 'needs_permission', '']) {
        expect(channelWants(ch, n(from, 'idle'))).toBe(false);
      }
    }
  });

  it('gives a pane channel (toast, bell) no budget notice without an agent: it has no pane', () => {
    const pane = paneChannel('bell', () => Promise.resolve());
    const day = { ...n('', BUDGET_STATE), agentId: '', state: BUDGET_STATE };
    expect(channelWants(pane, day)).toBe(false);
    expect(channelWants(builtIn, day)).toBe(true);
    expect(channelWants(pane, { ...day, agentId: 'ag-1' })).toBe(true);
  });
});

describe('Notifier', () => {
  it('sends to every enabled channel and counts it', async () => {
    const { notifier, ch } = setup();
    expect(await notifier.notify(note())).toEqual({
      sent: ['desktop', 'toast', 'bell', 'webhook'],
      failed: [],
      skipped: null,
    });
    expect(ch.webhook.got).toEqual([note()]);
    expect(notifier.stats().channels.desktop).toEqual({ sent: 1, failed: 0, dropped: 0 });
  });

  it('skips channels switched off, and everything when disabled', async () => {
    const { notifier, ch } = setup({ channels: { ...ALL_ON, desktop: false, webhook: false } });
    expect((await notifier.notify(note())).sent).toEqual(['toast', 'bell']);
    expect(ch.desktop.got).toEqual([]);
    const off = setup({ enabled: false });
    expect(await off.notifier.notify(note())).toEqual({ sent: [], failed: [], skipped: 'disabled' });
    expect(off.ch.toast.got).toEqual([]);
    const none = setup({
      channels: { desktop: false, toast: false, bell: false, webhook: false, command: false, push: false },
    });
    expect((await none.notifier.notify(note())).skipped).toBe('disabled');
  });

  it('drops the same agent + state + reason within dedupeMs', async () => {
    const { notifier, clock } = setup();
    expect((await notifier.notify(note())).skipped).toBeNull();
    clock.advance(29_999);
    expect((await notifier.notify(note())).skipped).toBe('duplicate');
    clock.advance(1);
    expect((await notifier.notify(note())).skipped).toBeNull();
    expect(notifier.stats().duplicates).toBe(1);
  });

  it('does not treat another agent, reason or state as a duplicate; a state in between resets it', async () => {
    const { notifier, clock } = setup();
    await notifier.notify(note());
    expect((await notifier.notify(note({ agentId: 'ag-2' }))).skipped).toBeNull();
    expect((await notifier.notify(note({ state: 'needs_input', reason: 'question' }))).skipped).toBeNull();
    clock.advance(1_000);
    expect((await notifier.notify(note())).skipped).toBeNull();
    expect((await notifier.notify(note())).skipped).toBe('duplicate');
    notifier.forget('ag-1');
    expect((await notifier.notify(note())).skipped).toBeNull();
  });

  it('rate-limits each channel in a sliding minute, counting drops and warning once per window', async () => {
    const { notifier, clock, log, ch } = setup({ maxPerMinute: 3, dedupeMs: 0 });
    for (let i = 0; i < 3; i++) {
      expect((await notifier.notify(note({ agentId: `ag-${i}` }))).skipped).toBeNull();
      clock.advance(10_000);
    }
    // t = 30 s: the minute holds 3 sends (0, 10, 20 s).
    expect(await notifier.notify(note({ agentId: 'x' }))).toEqual({
      sent: [],
      failed: [],
      skipped: 'rate_limited',
    });
    expect((await notifier.notify(note({ agentId: 'y' }))).skipped).toBe('rate_limited');
    const warnings = () => log.entries.filter((e) => e.msg.startsWith('notifications rate limited'));
    expect(warnings()).toHaveLength(4); // one per channel
    expect(notifier.stats().channels.bell).toEqual({ sent: 3, failed: 0, dropped: 2 });
    clock.advance(29_999); // t = 59.999 s: the send at 0 s is still in the window
    expect((await notifier.notify(note({ agentId: 'z' }))).skipped).toBe('rate_limited');
    clock.advance(1); // t = 60 s: it left
    expect((await notifier.notify(note({ agentId: 'z' }))).sent).toHaveLength(4);
    expect(ch.toast.got.map((n) => n.agentId)).toEqual(['ag-0', 'ag-1', 'ag-2', 'z']);
    expect(warnings()).toHaveLength(4);
  });

  it('with maxPerMinute 1 drops the second notification of the minute on every channel', async () => {
    const { notifier } = setup({ maxPerMinute: 1, dedupeMs: 0 });
    expect((await notifier.notify(note({ agentId: 'a' }))).sent).toHaveLength(4);
    expect((await notifier.notify(note({ agentId: 'b' }))).skipped).toBe('rate_limited');
  });

  it('sends a state only to the channels for it; dedupes each channel on its own', async () => {
    const { clock, log, ch } = setup();
    const got: AgentNotification[] = [];
    const command: NotificationChannel = {
      name: 'command',
      states: ['idle', 'working', 'exited'],
      send: (n) => {
        got.push(n);
        return Promise.resolve();
      },
    };
    const notifier = new Notifier({
      clock,
      log,
      channels: [ch.desktop, command],
      settings: { enabled: true, channels: ALL_ON, dedupeMs: 30_000, maxPerMinute: 12 },
    });
    const turn = (from: string, to: string) => notifier.notify(compose({ from, to }) as AgentNotification);
    expect(await turn('running', 'exited')).toMatchObject({ sent: ['command'] });
    expect(await turn('working', 'crashed')).toMatchObject({ sent: ['desktop'] });
    expect(await turn('idle', 'working')).toMatchObject({ sent: ['command'] });
    expect(await turn('working', 'idle')).toMatchObject({ sent: ['desktop', 'command'] });
    clock.advance(1_000);
    // The command saw working in between; the desktop did not: for it this idle is a repeat.
    expect(await turn('idle', 'working')).toMatchObject({ sent: ['command'] });
    expect(await turn('working', 'idle')).toMatchObject({ sent: ['command'] });
    expect(ch.desktop.got.map((n) => n.state)).toEqual(['crashed', 'idle']);
    expect(got.map((n) => n.state)).toEqual(['exited', 'working', 'idle', 'working', 'idle']);
    expect(await turn('starting', 'running')).toEqual({ sent: [], failed: [], skipped: 'disabled' });
  });

  it('logs a failing channel by name and still delivers to the others; never throws', async () => {
    const { notifier, ch, log } = setup();
    ch.webhook.fail = new Error('webhook POST answered 500');
    const thrower: NotificationChannel = {
      name: 'desktop',
      send: () => {
        throw new Error('sync boom');
      },
    };
    const mixed = new Notifier({
      clock: new FakeClock(),
      log,
      channels: [thrower, ch.toast, ch.webhook],
      settings: { enabled: true, channels: ALL_ON, dedupeMs: 30_000, maxPerMinute: 12 },
    });
    expect(await mixed.notify(note())).toEqual({
      sent: ['toast'],
      failed: ['desktop', 'webhook'],
      skipped: null,
    });
    expect(ch.toast.got).toHaveLength(1);
    expect(log.entries.filter((e) => e.level === 'warn').map((e) => [e.obj.channel, e.obj.err])).toEqual([
      ['desktop', 'sync boom'],
      ['webhook', 'webhook POST answered 500'],
    ]);
    expect(mixed.stats().channels.webhook).toEqual({ sent: 0, failed: 1, dropped: 0 });
    expect((await notifier.notify(note())).failed).toEqual(['webhook']);
  });
});

describe('paneChannel', () => {
  it('hands the notification to the host of its agent, saying which channel it is', async () => {
    const seen: [string, string, string | undefined][] = [];
    const toast = paneChannel('toast', (id, n, kind) => {
      seen.push([id, n.title, kind]);
      return Promise.resolve();
    });
    expect(toast.name).toBe('toast');
    await toast.send(note());
    await paneChannel('bell', () => Promise.reject(new Error('no host')))
      .send(note())
      .catch(() => undefined);
    expect(seen).toEqual([['ag-1', 'api needs your permission', 'toast']]);
  });
});
