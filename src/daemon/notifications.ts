import { CommandNotifier } from '../adapters/notify/command-notifier.js';
import { DesktopNotifier } from '../adapters/notify/desktop-notifier.js';
import { WebhookNotifier } from '../adapters/notify/webhook-notifier.js';
import type { Core } from '../core/create-core.js';
import {
  composeNotification,
  Notifier,
  type AgentNotification,
  type NotificationChannel,
} from '../core/reports/notifier.js';
import { paneChannel } from '../core/reports/pane-notifier.js';
import { budgetNotification } from '../core/usage/budget-notice.js';
import type { Clock, Logger } from '../core/ports/daemon.js';
import type { WtpConfig } from '../config/schema.js';
import { agentWords } from '../protocol/agent-words.js';

/**
 * Notifications on state changes (needs_permission, needs_input, idle after working, crashed):
 * desktop (notify-send), the WezTerm toast and the bell in the agent's pane (through its host),
 * an ntfy-compatible webhook, and a command of the user's (for the states they choose). Returns
 * the function that stops it.
 */
export function startNotifications(o: {
  core: Core;
  config: WtpConfig;
  env: Readonly<Record<string, string>>;
  clock: Clock;
  log: Logger;
  /** Channels made elsewhere (Web Push, by the API's remote listener). */
  extra?: NotificationChannel[];
}): { stop(): void; notifier: Notifier } {
  const { core } = o;
  const nc = o.config.notifications;
  const toHost = (agentId: string, n: AgentNotification, kind: 'toast' | 'bell'): Promise<void> => {
    const link = core.hosts.get(agentId);
    if (!link) return Promise.reject(new Error('the agent has no connected host'));
    link.send({
      type: 'notify',
      title: n.title,
      message: n.message,
      toast: kind === 'toast',
      bell: kind === 'bell',
    });
    return Promise.resolve();
  };
  const channels: NotificationChannel[] = [
    new DesktopNotifier({ pathVar: o.env.PATH, env: o.env }),
    paneChannel('toast', toHost),
    paneChannel('bell', toHost),
  ];
  if (nc.webhook.url) channels.push(new WebhookNotifier({ url: nc.webhook.url, token: nc.webhook.token }));
  const command = nc.command.argv
    ? new CommandNotifier({
        argv: nc.command.argv,
        states: nc.command.states,
        timeoutMs: nc.command.timeoutMs,
        env: { ...o.env },
        log: o.log,
      })
    : null;
  if (command) channels.push(command);
  channels.push(...(o.extra ?? []));
  const notifier = new Notifier({
    clock: o.clock,
    log: o.log,
    channels,
    settings: {
      enabled: nc.enabled,
      channels: {
        desktop: nc.desktop,
        toast: nc.toast,
        bell: nc.bell,
        webhook: nc.webhook.enabled && nc.webhook.url !== undefined,
        command: nc.command.enabled && command !== null,
        push: nc.push.enabled,
      },
      dedupeMs: nc.dedupeMs,
      maxPerMinute: nc.maxPerMinute,
    },
  });
  const unsubscribe = core.bus.subscribe((e) => {
    if (e.type === 'agent.removed' && e.agentId) {
      notifier.forget(e.agentId);
      return;
    }
    if (e.type === 'budget.nearing' || e.type === 'budget.reached') {
      const spender = e.agentId === null ? undefined : core.registry.get(e.agentId);
      const n = budgetNotification(
        e,
        spender
          ? {
              id: spender.id,
              name: spender.name,
              workspace: core.registry.workspaceName(spender.workspaceId),
            }
          : null,
      );
      if (n) void notifier.notify(n);
      return;
    }
    if (e.type !== 'agent.stateChanged' || !e.agentId) return;
    const agent = core.registry.get(e.agentId);
    if (!agent) return;
    const d = e.data.detail;
    const n = composeNotification({
      agentId: agent.id,
      agent: agent.name,
      workspace: core.registry.workspaceName(agent.workspaceId),
      from: e.data.from ?? '',
      to: e.data.to,
      reason: d.reason,
      message: agentWords(d),
      tool: d.tool,
      request: d.request,
      resetsAt: d.resetsAt,
      exitCode: d.exitCode,
      signal: d.signal,
      evidence: d.evidence,
      seq: e.seq,
      at: Date.parse(e.ts),
    });
    if (n) void notifier.notify(n);
  });
  const stop = (): void => {
    unsubscribe();
    command?.close();
  };
  return { stop, notifier };
}
