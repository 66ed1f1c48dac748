import type { AgentNotification } from '../../core/reports/notifier.js';
import type { PushKind, PushMessage, PushPrefs } from '../../protocol/push.js';

const KINDS: Record<string, PushKind> = {
  needs_permission: 'permission',
  needs_input: 'question',
  idle: 'done',
  crashed: 'error',
  budget: 'budget',
};
const WORDS: Record<Exclude<PushKind, 'budget'>, string> = {
  permission: 'needs permission',
  question: 'asks you',
  done: 'is done',
  error: 'crashed',
};

/** A budget's notice may name no agent (a workspace's or the day's budget), and may only be near. */
function budgetTitle(n: AgentNotification): string {
  const words = n.reason?.startsWith('budget_nearing') ? 'a budget is nearly spent' : 'a budget is spent';
  return n.agent ? `${n.agent}: ${words}` : words[0]?.toUpperCase() + words.slice(1);
}

/** The push kind of a notification, or null for a state no push is for. */
export const pushKindOf = (n: AgentNotification): PushKind | null => KINDS[n.state] ?? null;

/** Whether `now` falls in the quiet hours, in the device's own time (a span may cross midnight). */
export function inQuietHours(q: PushPrefs['quietHours'], now: number): boolean {
  if (!q) return false;
  const minute = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3));
  const local = (((Math.floor(now / 60_000) + q.utcOffsetMinutes) % 1440) + 1440) % 1440;
  const from = minute(q.from);
  const to = minute(q.to);
  return from <= to ? local >= from && local < to : local >= from || local < to;
}

/** Whether a device with `prefs` takes a push of `kind` about `n` at `now`. */
export function wants(prefs: PushPrefs, kind: PushKind, n: AgentNotification, now: number): boolean {
  if (!prefs.kinds.includes(kind)) return false;
  if (prefs.workspaces.length > 0 && !prefs.workspaces.includes(n.workspace)) return false;
  return !inQuietHours(prefs.quietHours, now);
}

/**
 * What the service worker gets. The lock screen shows the title (the agent and the kind); what it
 * asks only when the device opted in. A permission carries approve and deny, and the dialog they
 * answer (state and since): an answer to another dialog is refused by the answer path.
 */
export function pushMessage(
  n: AgentNotification,
  kind: PushKind,
  prefs: PushPrefs,
  dialog: { state: string; since: string; about: string | null } | null,
): PushMessage {
  const answerable = kind === 'permission' && dialog?.state === 'needs_permission';
  return {
    v: 1,
    kind,
    agentId: kind === 'budget' ? null : n.agentId,
    title: kind === 'budget' ? budgetTitle(n) : `${n.agent} ${WORDS[kind]}`,
    body: prefs.lockScreenDetail ? n.message.slice(0, 300) : '',
    expect:
      dialog === null
        ? null
        : {
            state: dialog.state,
            since: dialog.since,
            ...(dialog.about === null ? {} : { about: dialog.about }),
          },
    actions: answerable ? ['approve', 'deny'] : [],
    url: '/dashboard/#/inbox',
  };
}
