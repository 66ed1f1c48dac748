import type { Command } from 'commander';
import type { CliSupportInfo, ProfileInfo } from '../../../protocol/profiles.js';
import { SCREENS_ONLY } from '../../../protocol/version-range.js';
import type { CliContext } from '../context.js';
import { paint, table } from '../format.js';
import { registerRouteCommands } from '../register-route-commands.js';
import { routeCommand } from '../route-command.js';
import { runHook } from './hook.js';
import { printWhy } from '../why-text.js';

/** `wtp why` and `wtp profiles`: one route each. */
export const stateCommands = [
  routeCommand({
    name: 'why',
    description:
      'why an agent is in its state, in one sentence, with its mode, cost and trust; --verbose adds the signal that decided it, its evidence and the last signals',
    route: 'agentWhy',
    args: [{ field: 'params.agent' }],
    local: [
      {
        flags: '-v, --verbose',
        help: 'the signals behind the state: which decided it, its evidence, the last of each source',
      },
    ],
    json: 'why',
    print: (ctx, why, sent) => printWhy(ctx, why, sent.local.verbose === true),
  }),
  routeCommand({
    name: 'profiles',
    description:
      'agent profiles: the signals each one uses, the tested versions of its CLI, the version installed, and the program found',
    route: 'listProfiles',
    json: 'profiles',
    print: (ctx, { profiles }) => {
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
    },
  }),
];

/** `wtp why`, `wtp profiles`, and `wtp hook` (the command-hook fallback of agent CLIs). */
export function registerStateCommands(program: Command, ctx: CliContext): void {
  registerRouteCommands(program, ctx, stateCommands);

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
