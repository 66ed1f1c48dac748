import type { Command } from 'commander';
import { answerWords } from '../../../protocol/answer-words.js';
import type { WtpEvent } from '../../../protocol/events.js';
import { requestWords } from '../../../protocol/request-words.js';
import { modeName } from '../../../protocol/permission-words.js';
import type { CliContext } from '../context.js';
import { paint } from '../format.js';
import { cellText } from '../../../protocol/terminal-text.js';
import { openSocket } from '../open-socket.js';
import { runAction } from '../run-action.js';
import { checkOptions } from '../check-options.js';
import { ROUTE_FIELDS } from '../route-fields.generated.js';

function summary(e: WtpEvent): string {
  switch (e.type) {
    case 'agent.stateChanged': {
      const d = e.data.detail;
      const extra = d.exitCode !== undefined || d.signal ? ` (exit ${d.signal ?? d.exitCode ?? '?'})` : '';
      return `${e.data.from ?? '-'} → ${e.data.to} ${d.reason}${extra}${d.message ? `: ${d.message}` : ''}`;
    }
    case 'agent.exited':
      return `pid ${e.data.pid ?? '?'} exit ${e.data.exit.signal ?? e.data.exit.exitCode ?? '?'} after ${e.data.ranMs} ms`;
    case 'agent.inputSent':
      return `${JSON.stringify(e.data.text)}${e.data.enter ? ' + Enter' : ''}${e.data.via ? ` (typed in ${e.data.via})` : ''}${e.data.forced ? ' [forced]' : ''}`;
    case 'agent.dialogKeysSent':
      return `keys ${JSON.stringify(e.data.keys)}${e.data.enter ? ' + Enter' : ''} sent by hand to its ${e.data.unknownDialog ? 'unknown ' : ''}${e.data.reason} dialog${e.data.about === null ? '' : ` about ${JSON.stringify(e.data.about)}`} after ${(e.data.waitedMs / 1000).toFixed(1)} s (not checked against the screen)`;
    case 'agent.diffChanged':
      return `${e.data.files} file(s) changed, +${e.data.insertions} −${e.data.deletions}`;
    case 'agent.approved':
    case 'agent.denied':
    case 'agent.answered':
      return answerWords(e);
    case 'agent.requestChanged':
      return `asks ${requestWords(e.data.request) ?? `(a ${e.data.request.kind})`}`;
    case 'agent.permissionModeChanged': {
      const p = e.data.permission;
      return `${e.data.from ?? '?'} → ${modeName(p)} (${p.originDetail}; ${p.evidence})`;
    }
    case 'agent.created':
      return `${e.data.agent.profile} ${e.data.agent.command} ${e.data.agent.args.join(' ')}`.trim();
    default:
      return JSON.stringify(e.data);
  }
}

export function registerEventsCommand(program: Command, ctx: CliContext): void {
  program
    .command('events')
    .description('the event log: state changes, exits, inputs sent, attaches (-f to follow)')
    .option('--since <seq>', 'only events after this sequence number', '0')
    .option('--agent <agent>', 'only events of this agent (name or id)')
    .option('--type <types>', 'comma-separated event types, e.g. agent.stateChanged,agent.exited')
    .option('--limit <n>', 'at most this many (without -f)', '1000')
    .option('-f, --follow', 'keep streaming new events (Ctrl-C to stop)')
    .option('--json', 'machine-readable output (one JSON document per event)')
    .action((raw: { agent?: string; type?: string; follow?: boolean; json?: boolean }, cmd: Command) =>
      runAction(ctx, raw.json, async () => {
        const o = checkOptions(cmd, ROUTE_FIELDS.listEvents?.query) as { since: number; limit: number };
        const client = ctx.client();
        const names = new Map((await client.call('listAgents')).agents.map((a) => [a.id, a.name]));
        const agentId =
          raw.agent === undefined
            ? undefined
            : (await client.call('getAgent', { params: { agent: raw.agent } })).agent.id;
        const print = (e: WtpEvent): void => {
          if (ctx.json) return ctx.emit('event', { event: e });
          const who = e.agentId ? (names.get(e.agentId) ?? e.agentId) : '-';
          const time = e.ts.slice(11, 23);
          ctx.line(
            `${paint(ctx.color, 'gray', `#${e.seq} ${time}`)}  ${e.type}  ${cellText(who)}  ${cellText(summary(e))}  ${paint(ctx.color, 'gray', `[${e.source}]`)}`,
          );
        };
        const query = { since: o.since, types: raw.type, agent: agentId };
        if (!raw.follow) {
          const page = await client.call('listEvents', { query: { ...query, limit: o.limit } });
          return page.events.forEach(print);
        }
        const { eventSchema } = await import('../../../protocol/events.js');
        const onMessage = (data: Buffer): void => {
          const msg = JSON.parse(data.toString('utf8')) as { type: string; event?: unknown };
          if (msg.type !== 'event') return;
          const parsed = eventSchema.safeParse(msg.event); // what streams in is validated
          if (parsed.success) print(parsed.data);
        };
        const ws = await openSocket(client, '/api/v1/events', query, onMessage);
        await new Promise<void>((resolve) => {
          ws.on('close', () => resolve());
          process.once('SIGINT', () => ws.close());
        });
      }),
    );
}
