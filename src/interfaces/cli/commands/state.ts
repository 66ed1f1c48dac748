import { sandboxLines } from '../sandbox-text.js';
import type { Command } from 'commander';
import { usageLines } from '../../../protocol/usage-words.js';
import type { CliSupportInfo, ProfileInfo } from '../../../protocol/profiles.js';
import { oneLine, requestWords } from '../../../protocol/request-words.js';
import type { Signal } from '../../../protocol/signals.js';
import { actsUnasked, permissionLine } from '../../../protocol/permission-words.js';
import { SCREENS_ONLY } from '../../../protocol/version-range.js';
import type { CliContext } from '../context.js';
import { duration, paint, stateColor, stateLabel, table } from '../format.js';
import { runAction } from '../run-action.js';
import { runHook } from './hook.js';
import { cellText } from '../../../protocol/terminal-text.js';
import { verdictWords } from '../../../protocol/turn-words.js';

const clockTime = (iso: string): string => iso.slice(11, 19);

/** `wtp why`, `wtp profiles`, and `wtp hook` (the command-hook fallback of agent CLIs). */
export function registerStateCommands(program: Command, ctx: CliContext): void {
  program
    .command('why')
    .description('why an agent is in its state: the signal that decided it, its evidence, the last signals')
    .argument('<agent>', 'name, workspace/name or id')
    .option('--json', 'machine-readable output')
    .action((ref: string, raw: { json?: boolean }) =>
      runAction(ctx, raw.json, async () => {
        const why = await ctx.client().call('agentWhy', { params: { agent: ref } });
        if (ctx.json) {
          ctx.emit('why', why);
          return;
        }
        const a = why.agent;
        const d = a.stateDetail;
        const since = Date.now() - Date.parse(a.stateSince);
        ctx.line(
          `${a.name} is ${paint(ctx.color, stateColor(a), stateLabel(a))} since ${clockTime(a.stateSince)} (${duration(since)})`,
        );
        // What agents, hooks and screens said: one line each, shown as it is (issue 30).
        const c = cellText;
        ctx.line(`  reason:    ${c(d.reason)}${d.tool ? ` (tool ${c(d.tool)})` : ''}`);
        if (d.source) ctx.line(`  signal:    ${d.source}${d.signalAt ? ` at ${clockTime(d.signalAt)}` : ''}`);
        if (d.evidence) ctx.line(`  evidence:  ${c(d.evidence)}`);
        if (d.message) ctx.line(`  message:   ${c(d.message)}`);
        for (const [i, l] of (d.lastWords?.split('\n') ?? []).entries())
          ctx.line(`  ${i === 0 ? 'said:     ' : '          '} ${c(l)}`);
        if (d.resetsAt) ctx.line(`  resets:    ${c(d.resetsAt)}`);
        if (d.overrode) ctx.line(`  note:      ${c(d.overrode)}`);
        const asked = requestWords(d.request);
        if (asked !== undefined) ctx.line(`  asks:      ${c(asked)}`);
        if (d.verdict) ctx.line(`  decided:   ${c(verdictWords(d.verdict))}`);
        if (a.permission) {
          const line = permissionLine(a.permission);
          ctx.line(
            `  mode:      ${actsUnasked(a.permission.mode) ? paint(ctx.color, 'yellow', line) : line}`,
          );
        }
        if (a.sandbox) for (const line of sandboxLines(a.sandbox, ctx.env.userHome)) ctx.line(line);
        if (why.team?.lead)
          ctx.line(
            `  lead:      started by ${c(why.team.lead.name)} (${why.team.lead.id}) through its MCP tools`,
          );
        if (why.team && why.team.workers.length > 0)
          ctx.line(
            `  team:      started ${why.team.workers.map((w) => c(w.name)).join(', ')} through its MCP tools`,
          );
        if (a.parseErrors)
          ctx.line(
            `  terminal:  ${a.parseErrors} escape sequence(s) in its output its terminal emulator could not parse (counted; host.log notes the first)`,
          );
        // What it cost (issue 35): tokens, money, the context window's fill.
        for (const [i, l] of (a.usage ? usageLines(a.usage) : []).entries())
          ctx.line(`  ${i === 0 ? 'usage:    ' : '          '} ${c(l)}`);
        if (why.trust) {
          const t = why.trust;
          const line = t.preTrusted ? t.why : paint(ctx.color, 'yellow', t.why);
          ctx.line(`  trust:     ${line}`);
        }
        if (d.request?.diff !== undefined)
          ctx.line(
            `  change:    ${d.request.diff.replace(/\n$/, '').split('\n').length} line(s) (--json has it)`,
          );
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
            ),
          );
        }
        for (const m of why.hookMisses) {
          ctx.line(
            `${paint(ctx.color, 'yellow', 'hook missed')}: ${clockTime(m.at)} a dialog announced by its ${m.announcedBy} came without its ${m.event} hook (the CLI's hook call failed)`,
          );
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
      }),
    );

  program
    .command('profiles')
    .description(
      'agent profiles: the signals each one uses, the tested versions of its CLI, the version installed, and the program found',
    )
    .option('--json', 'machine-readable output')
    .action((raw: { json?: boolean }) =>
      runAction(ctx, raw.json, async () => {
        const { profiles } = await ctx.client().call('listProfiles', {});
        if (ctx.json) {
          ctx.emit('profiles', { profiles });
          return;
        }
        ctx.line(
          table(
            ['PROFILE', 'SIGNALS', 'STATES', 'TESTED', 'INSTALLED', 'PROGRAM'],
            profiles.map((p) => [
              p.name,
              p.signals.join(' > '),
              p.agentAware ? 'working/needs_*/idle' : 'running',
              testedText(p.cli),
              installedText(p.cli),
              p.program === null ? '(the command given)' : (p.found ?? `${p.program} (not found)`),
            ]),
          ),
        );
        for (const w of profileWarnings(profiles)) ctx.line(`${paint(ctx.color, 'yellow', 'warning')}: ${w}`);
      }),
    );

  program
    .command('hook', { hidden: true })
    .description('forward an agent CLI hook call (JSON on stdin, or as the argument) to the daemon')
    .requiredOption('--agent <id>', 'the agent id the hook belongs to')
    .argument('[json]', 'the payload, when the CLI passes it as an argument (Codex notify)')
    .option(
      '--decide',
      'a decision hook: print the daemon’s answer (an approval rule’s) for the CLI; always exit 0',
    )
    .option('--json', 'machine-readable output')
    .action((payload: string | undefined, raw: { agent: string; json?: boolean; decide?: boolean }) =>
      runHook(ctx, {
        agent: raw.agent,
        decide: raw.decide === true,
        json: raw.json === true,
        ...(payload === undefined ? {} : { payload }),
      }),
    );
}

/** The TESTED column: the tested ranges, `screens only, not run`, or `-` (shell, cmd). */
function testedText(cli: CliSupportInfo | null): string {
  if (cli === null) return '-';
  return cli.support === 'screens-only' ? SCREENS_ONLY : cli.testedVersions.join(', ');
}

/** The INSTALLED column: the version and whether it is a tested one. */
function installedText(cli: CliSupportInfo | null): string {
  if (cli === null) return '-';
  if (cli.version === null) return cli.versionError === 'not found' ? '-' : '? (--version failed)';
  return `${cli.version} (${cli.inRange === true ? 'tested' : 'untested'})`;
}

/** A warning per installed agent CLI outside its tested versions, never run here, or broken. */
function profileWarnings(profiles: readonly ProfileInfo[]): string[] {
  return profiles.flatMap((p) => {
    const cli = p.cli;
    if (cli === null || p.found === null) return [];
    if (cli.version === null)
      return [`${p.name}: ${cli.versionError ?? 'no version'}; its agents cannot start (AGENT_CLI_BROKEN)`];
    return cli.warning === null ? [] : [cli.warning];
  });
}

/** A signal the daemon took in well after it was observed (a slow hook call, a busy host). */
export function lateBy(s: Signal): string {
  const late = s.receivedAt === undefined ? 0 : s.receivedAt - s.at;
  return late >= LATE_SIGNAL_MS ? ` (reached the daemon ${(late / 1000).toFixed(1)} s later)` : '';
}

const LATE_SIGNAL_MS = 2_000;
