import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../test/support/fake-clock.js';
import { MemoryLogger } from '../../../test/support/fake-ports.js';
import {
  type AgentNotification,
  type ChannelName,
  type NotificationChannel,
  type NotifierSettings,
  type TransitionInput,
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

const ALL_ON: Record<ChannelName, boolean> = { desktop: true, toast: true, bell: true, webhook: true };

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

  it('notifies idle only after working (a finished turn, not startup)', () => {
    expect(compose({ from: 'working', to: 'idle' })).not.toBeNull();
    for (const from of ['starting', 'running', 'needs_input', 'needs_permission', 'idle', '']) {
      expect(compose({ from, to: 'idle' })).toBeNull();
    }
  });

  it('ignores other states and repeats of the same state', () => {
    for (const to of ['starting', 'running', 'working', 'exited', 'restarting']) {
      expect(compose({ to })).toBeNull();
    }
    expect(compose({ from: 'needs_input', to: 'needs_input' })).toBeNull();
    expect(compose({ from: 'needs_input', to: 'needs_permission' })).not.toBeNull();
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
    const none = setup({ channels: { desktop: false, toast: false, bell: false, webhook: false } });
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
