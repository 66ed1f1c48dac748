import type { WhyResponse } from '../../protocol/profiles.js';
import { actsUnasked, permissionLine } from '../../protocol/permission-words.js';
import { oneLine, requestWords } from '../../protocol/request-words.js';
import type { Signal } from '../../protocol/signals.js';
import { stateWhy } from '../../protocol/state-why.js';
import { cellText } from '../../protocol/terminal-text.js';
import { verdictWords } from '../../protocol/turn-words.js';
import { usageLines } from '../../protocol/usage-words.js';
import type { CliContext } from './context.js';
import { duration, paint, stateColor, stateLabel, table } from './format.js';
import { sandboxLines } from './sandbox-text.js';

const clockTime = (iso: string): string => iso.slice(11, 19);

/**
 * `wtp why`: the state and one sentence in plain words (what it does or asks, what it said last),
 * then what a user acts on (its mode, sandbox, team, cost, trust, answers, missed hooks). The
 * signals behind the state — the one that decided it, its evidence, the last of each source — with
 * `--verbose`. What agents, hooks and screens said is shown as it is, one line each.
 */
export function printWhy(ctx: CliContext, why: WhyResponse, verbose: boolean): void {
  const a = why.agent;
  const d = a.stateDetail;
  const c = cellText;
  const since = Date.now() - Date.parse(a.stateSince);
  ctx.line(
    `${a.name} is ${paint(ctx.color, stateColor(a), stateLabel(a))} since ${clockTime(a.stateSince)} (${duration(since)})`,
  );
  ctx.line(`  why:       ${c(stateWhy(a, 500))}`);
  for (const [i, l] of (d.lastWords?.split('\n') ?? []).entries())
    ctx.line(`  ${i === 0 ? 'said:     ' : '          '} ${c(l)}`);
  if (verbose) {
    ctx.line(`  reason:    ${c(d.reason)}${d.tool ? ` (tool ${c(d.tool)})` : ''}`);
    if (d.source) ctx.line(`  signal:    ${d.source}${d.signalAt ? ` at ${clockTime(d.signalAt)}` : ''}`);
    if (d.evidence) ctx.line(`  evidence:  ${c(d.evidence)}`);
    if (d.message) ctx.line(`  message:   ${c(d.message)}`);
    if (d.resetsAt) ctx.line(`  resets:    ${c(d.resetsAt)}`);
    if (d.overrode) ctx.line(`  note:      ${c(d.overrode)}`);
    const asked = requestWords(d.request);
    if (asked !== undefined) ctx.line(`  asks:      ${c(asked)}`);
    if (d.verdict) ctx.line(`  decided:   ${c(verdictWords(d.verdict))}`);
  }
  if (a.permission) {
    const line = permissionLine(a.permission);
    ctx.line(`  mode:      ${actsUnasked(a.permission.mode) ? paint(ctx.color, 'yellow', line) : line}`);
  }
  if (a.sandbox) for (const line of sandboxLines(a.sandbox, ctx.env.userHome)) ctx.line(line);
  if (why.team?.lead)
    ctx.line(`  lead:      started by ${c(why.team.lead.name)} (${why.team.lead.id}) through its MCP tools`);
  if (why.team && why.team.workers.length > 0)
    ctx.line(
      `  team:      started ${why.team.workers.map((w) => c(w.name)).join(', ')} through its MCP tools`,
    );
  if (verbose && a.parseErrors)
    ctx.line(
      `  terminal:  ${a.parseErrors} escape sequence(s) in its output its terminal emulator could not parse (counted; host.log notes the first)`,
    );
  for (const [i, l] of (a.usage ? usageLines(a.usage) : []).entries())
    ctx.line(`  ${i === 0 ? 'usage:    ' : '          '} ${c(l)}`);
  if (why.trust) {
    const t = why.trust;
    ctx.line(`  trust:     ${t.preTrusted ? t.why : paint(ctx.color, 'yellow', t.why)}`);
  }
  if (verbose && d.request?.diff !== undefined)
    ctx.line(`  change:    ${d.request.diff.replace(/\n$/, '').split('\n').length} line(s) (--json has it)`);
  if (why.answers.length > 0) {
    ctx.line('recent answers (oldest first):');
    ctx.line(
      table(
        ['TIME', 'ANSWER', 'VIA', 'RULE', 'ABOUT'],
        why.answers.map((x) => [
          clockTime(x.at),
          x.detail === null ? x.action : `${x.action} ${oneLine(x.detail, 60)}`,
          x.via,
          x.rule ?? '-',
          oneLine([x.tool, x.about].filter((w) => w !== null).join(': ') || '-', 80),
        ]),
        undefined,
        { width: ctx.width, drop: ['RULE', 'VIA'], flex: 'ABOUT' },
      ),
    );
  }
  for (const m of why.hookMisses) {
    ctx.line(
      `${paint(ctx.color, 'yellow', 'hook missed')}: ${clockTime(m.at)} a dialog announced by its ${m.announcedBy} came without its ${m.event} hook (the CLI's hook call failed)`,
    );
  }
  if (!verbose) {
    ctx.line(`(\`wtp why ${a.name} --verbose\`: the signal that decided it, its evidence, the last signals)`);
    return;
  }
  if (why.signals.length === 0) {
    ctx.line('  no signals since the daemon started');
    return;
  }
  ctx.line('recent signals (oldest first):');
  ctx.line(
    table(
      ['TIME', 'SOURCE', 'SAYS', 'EVIDENCE'],
      why.signals.map((s: Signal) => [
        clockTime(new Date(s.at).toISOString()),
        s.source,
        s.reason ? `${s.state}(${s.reason})` : s.state,
        s.evidence + lateBy(s),
      ]),
    ),
  );
}

/** A signal the daemon took in well after it was observed (a slow hook call, a busy host). */
export function lateBy(s: Signal): string {
  const late = s.receivedAt === undefined ? 0 : s.receivedAt - s.at;
  return late >= LATE_SIGNAL_MS ? ` (reached the daemon ${(late / 1000).toFixed(1)} s later)` : '';
}

const LATE_SIGNAL_MS = 2_000;
