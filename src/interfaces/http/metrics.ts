import type { ApiContext } from '../server/api-context.js';
import type { HttpCounters } from '../server/http-counters.js';

const esc = (v: string): string => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

/** What /metrics reads. */
export type MetricsSources = Pick<
  ApiContext,
  'agents' | 'events' | 'storage' | 'terminals' | 'notifications' | 'turnVerdicts'
>;

/** Prometheus text exposition (format 0.0.4) of daemon and agent metrics. */
export async function renderMetrics(
  api: MetricsSources,
  counters: HttpCounters,
  startedAt: number,
): Promise<string> {
  const lines: string[] = [];
  const metric = (name: string, type: string, help: string, samples: [string, number][]): void => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [labels, value] of samples) lines.push(`${name}${labels} ${value}`);
  };
  const counts = api.agents.counts();
  metric(
    'wtp_agents',
    'gauge',
    'Agents by state',
    Object.entries(counts.byState).map(([state, n]) => [`{state="${state}"}`, n]),
  );
  metric('wtp_hosts_connected', 'gauge', 'Host processes connected to the daemon', [
    ['', counts.hostsConnected],
  ]);
  metric('wtp_events_total', 'counter', 'Events appended to the event log', [
    ['', await api.events.latestSeq()],
  ]);
  const agents = api.agents.list();
  const label = (a: { workspace: string; name: string }): string =>
    `{agent="${esc(a.name)}",workspace="${esc(a.workspace)}"}`;
  metric(
    'wtp_agent_output_bytes_total',
    'counter',
    'Terminal output received from each agent',
    agents.map((a) => [label(a), a.outputBytes]),
  );
  metric(
    'wtp_agent_restarts_total',
    'counter',
    'Automatic restarts of each agent',
    agents.map((a) => [label(a), a.restarts]),
  );
  metric(
    'wtp_agent_terminal_parse_errors_total',
    'counter',
    "Escape sequences of each agent's output its host's terminal emulator could not parse (since the host started)",
    agents.map((a) => [label(a), a.parseErrors ?? 0]),
  );
  const running = agents.filter((a) => a.stats);
  metric(
    'wtp_agent_cpu_percent',
    'gauge',
    'CPU of the agent process tree (percent of one core)',
    running.map((a) => [label(a), a.stats?.cpuPercent ?? 0]),
  );
  metric(
    'wtp_agent_rss_bytes',
    'gauge',
    'Resident memory of the agent process tree',
    running.map((a) => [label(a), a.stats?.rssBytes ?? 0]),
  );
  metric(
    'wtp_http_requests_total',
    'counter',
    'HTTP requests by route and status',
    [...counters.requests.entries()].map(([k, n]) => {
      const [route, status] = k.split('\u0000');
      return [`{route="${esc(route ?? '')}",status="${status ?? ''}"}`, n];
    }),
  );
  const storage = api.storage.status();
  metric('wtp_storage_ok', 'gauge', '1 while every write path works (state, logs, output), else 0', [
    ['', storage.ok ? 1 : 0],
  ]);
  metric(
    'wtp_storage_failed_writes_total',
    'counter',
    'Writes that failed (disk full, I/O error), by component',
    Object.entries(storage.counters.failedWrites).map(([c, n]) => [`{component="${c}"}`, n]),
  );
  metric('wtp_storage_dropped_bytes_total', 'counter', 'Bytes not written, by component', [
    ['{component="daemonLog"}', storage.counters.daemonLogDroppedBytes],
    ['{component="outputLog"}', storage.counters.outputLogDroppedBytes],
  ]);
  metric('wtp_storage_unsaved', 'gauge', 'Records and events kept in memory until the database takes them', [
    ['{kind="changes"}', storage.counters.unsavedChanges],
    ['{kind="events"}', storage.counters.unsavedEvents],
  ]);
  const notes = api.notifications();
  metric(
    'wtp_notifications_total',
    'counter',
    'Notifications by channel and outcome: sent, failed, dropped (rate limit)',
    Object.entries(notes.channels).flatMap(([channel, c]) =>
      (['sent', 'failed', 'dropped'] as const).map((outcome): [string, number] => [
        `{channel="${channel}",outcome="${outcome}"}`,
        c[outcome],
      ]),
    ),
  );
  metric('wtp_notifications_duplicates_total', 'counter', 'Notifications dropped as repeats', [
    ['', notes.duplicates],
  ]);
  const turns = api.turnVerdicts?.();
  if (turns !== undefined) {
    metric(
      'wtp_turn_verdicts_total',
      'counter',
      'End-of-turn verdicts from the last message, by classifier (rules, model) and word (question, done)',
      Object.entries(turns.verdicts).map(([k, n]): [string, number] => {
        const [by, says] = k.split('/');
        return [`{by="${by ?? ''}",says="${says ?? ''}"}`, n];
      }),
    );
    metric(
      'wtp_turn_model_calls_total',
      'counter',
      'Calls to the turn model (states.turnModel) by outcome',
      Object.entries(turns.modelCalls).map(([o, n]): [string, number] => [`{outcome="${o}"}`, n]),
    );
    metric('wtp_turn_model_tokens_total', 'counter', 'Tokens the turn model counted, input and output', [
      ['{kind="input"}', turns.modelTokens.input],
      ['{kind="output"}', turns.modelTokens.output],
    ]);
  }
  metric('wtp_websocket_clients', 'gauge', 'Open WebSocket connections', [['', counters.wsClients]]);
  metric('wtp_output_subscribers', 'gauge', 'Live output subscriptions (attach, follow)', [
    ['', api.terminals.subscriberCount()],
  ]);
  const mem = process.memoryUsage();
  metric('process_resident_memory_bytes', 'gauge', 'Resident memory of the daemon', [['', mem.rss]]);
  metric('nodejs_heap_used_bytes', 'gauge', 'V8 heap in use', [['', mem.heapUsed]]);
  metric('process_start_time_seconds', 'gauge', 'Daemon start time (unix seconds)', [
    ['', Math.floor(startedAt / 1000)],
  ]);
  return `${lines.join('\n')}\n`;
}
