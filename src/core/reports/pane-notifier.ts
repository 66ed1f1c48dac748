import type { AgentNotification, NotificationChannel } from './notifier.js';

/**
 * The WezTerm toast or the terminal bell, both shown in the agent's own pane: the agent's host
 * (which owns the pane's terminal) does it when the daemon sends it the notification.
 * `sendToHost` is told which of the two this is, and rejects when the agent has no connected host.
 */
export function paneChannel(
  name: 'toast' | 'bell',
  sendToHost: (agentId: string, n: AgentNotification, kind: 'toast' | 'bell') => Promise<void>,
): NotificationChannel {
  return {
    name,
    inPane: true,
    send: (n) => sendToHost(n.agentId, n, name),
  };
}
