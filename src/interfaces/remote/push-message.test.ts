import { describe, expect, it } from 'vitest';
import type { AgentNotification } from '../../core/reports/notifier.js';
import { pushPrefsSchema } from '../../protocol/push.js';
import { inQuietHours, pushKindOf, pushMessage, wants } from './push-message.js';

const n: AgentNotification = {
  agentId: 'ag-1',
  agent: 'api',
  workspace: 'shop',
  from: 'working',
  state: 'needs_permission',
  title: 'api needs permission',
  message: 'asks to run Bash: rm -rf build',
  urgency: 'critical',
  at: 0,
};
const prefs = pushPrefsSchema.parse({});
const at = (hhmm: string): number => Date.parse(`2026-11-28T${hhmm}:00Z`);

describe('push messages', () => {
  it('shows the agent and the kind on the lock screen, what it asks only when the device opted in', () => {
    const dialog = { state: 'needs_permission', since: '2026-11-28T10:00:00.000Z', about: 'rm -rf build' };
    const m = pushMessage(n, 'permission', prefs, dialog);
    expect(m).toMatchObject({ title: 'api needs permission', body: '', actions: ['approve', 'deny'] });
    expect(m.expect).toEqual(dialog);
    expect(pushMessage(n, 'permission', { ...prefs, lockScreenDetail: true }, dialog).body).toBe(n.message);
    // The dialog already gone: nothing to approve from the notification.
    expect(pushMessage(n, 'permission', prefs, null).actions).toEqual([]);
    expect(pushKindOf({ ...n, state: 'idle' })).toBe('done');
    expect(pushKindOf({ ...n, state: 'working' })).toBeNull();
  });

  it('titles a budget whether or not it names an agent, and whether it is spent or near', () => {
    const b = { ...n, agentId: '', agent: '', state: 'budget', reason: 'budget_reached:day' };
    expect(pushMessage(b, 'budget', prefs, null)).toMatchObject({
      title: 'A budget is spent',
      agentId: null,
    });
    const near = { ...b, agent: 'api', reason: 'budget_nearing:agent' };
    expect(pushMessage(near, 'budget', prefs, null).title).toBe('api: a budget is nearly spent');
  });

  it('keeps quiet hours in the device’s own time, across midnight', () => {
    const q = { from: '22:00', to: '07:00', utcOffsetMinutes: 60 };
    expect(inQuietHours(q, at('21:30'))).toBe(true); // 22:30 there
    expect(inQuietHours(q, at('05:59'))).toBe(true); // 06:59 there
    expect(inQuietHours(q, at('06:00'))).toBe(false); // 07:00 there
    expect(inQuietHours(q, at('20:59'))).toBe(false);
    expect(inQuietHours({ from: '12:00', to: '13:00', utcOffsetMinutes: -300 }, at('17:30'))).toBe(true);
    expect(inQuietHours(null, at('03:00'))).toBe(false);
  });

  it('pushes only the kinds and workspaces a device asked for', () => {
    expect(wants(prefs, 'permission', n, 0)).toBe(true);
    expect(wants({ ...prefs, kinds: ['question'] }, 'permission', n, 0)).toBe(false);
    expect(wants({ ...prefs, workspaces: ['other'] }, 'permission', n, 0)).toBe(false);
    expect(wants({ ...prefs, workspaces: ['shop'] }, 'permission', n, 0)).toBe(true);
  });
});
