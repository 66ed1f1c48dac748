import { type Command, Option } from 'commander';
import { fieldError } from '../route-flags.js';
import type { AgentView } from '../../../protocol/agent.js';
import type { AnswerAction, AnswerResult } from '../../../protocol/answers.js';
import { ANSWER_VIA } from '../../../protocol/constants.js';
import type { ErrorBody } from '../../../protocol/errors.js';
import type { CliContext } from '../context.js';
import { toAppError } from '../errors.js';
import { runAction } from '../run-action.js';
import { describeAnswer } from '../../../protocol/answer-words.js';
import { type AnswerBodyOptions, answerBody, answerOne } from './answer-one.js';

interface AnswerOptions extends AnswerBodyOptions {
  all?: boolean;
  workspace?: string;
  tool?: string;
  profile?: string;
  always?: boolean;
  json?: boolean;
}

/** `--all`: the agents that wait for this kind of answer, narrowed by the filters. */
function waiting(agents: AgentView[], action: AnswerAction, o: AnswerOptions): AgentView[] {
  const state = action === 'answer' ? 'needs_input' : 'needs_permission';
  const tool = (a: AgentView) => a.stateDetail.tool ?? a.stateDetail.request?.tool;
  return agents.filter(
    (a) =>
      a.state === state &&
      a.stateDetail.reason !== 'usage_limit' &&
      (o.profile === undefined || a.profile === o.profile) &&
      (o.tool === undefined || tool(a)?.toLowerCase() === o.tool.toLowerCase()),
  );
}

async function run(
  ctx: CliContext,
  action: AnswerAction,
  ref: string | undefined,
  o: AnswerOptions,
  text?: string,
): Promise<void> {
  if (!o.all) {
    if (ref !== undefined) return answerOne(ctx, action, ref, o, text);
    const message = `Name the agent, or pass --all to ${action} every agent that waits.`;
    throw fieldError(message, '<agent>', 'required without --all');
  }
  if (ref !== undefined) throw fieldError('Give an agent or --all, not both.', '--all', 'not with an agent');
  const client = ctx.client();
  const { agents } = await client.call('listAgents', { query: { workspace: o.workspace } });
  const targets = waiting(agents, action, o);
  const answered: AnswerResult[] = [];
  const refused: { agent: string; error: ErrorBody }[] = [];
  for (const a of targets) {
    try {
      const r = await client.call('answerAgent', {
        params: { agent: a.id },
        body: answerBody(action, o, text, a),
      });
      answered.push(r);
      if (!ctx.json) ctx.line(describeAnswer(r));
    } catch (err) {
      const e = toAppError(err);
      refused.push({ agent: `${a.workspace}/${a.name}`, error: e.toBody() });
      if (!ctx.json) ctx.line(`${a.name}: not answered: ${e.code}: ${e.message}`);
    }
  }
  if (ctx.json) ctx.emit('answers', { answered, refused });
  else if (targets.length === 0)
    ctx.line(
      `no agent waits for ${action === 'answer' ? 'an answer' : 'permission'}${o.workspace ? ` in ${o.workspace}` : ''}`,
    );
  if (refused.length > 0) ctx.exitCode = 1;
}

function common(cmd: Command): Command {
  return cmd
    .option('--all', 'every agent that waits (with the filters below)')
    .option('--workspace <name>', '--all: only this workspace')
    .option('--tool <tool>', '--all: only requests for this tool (e.g. Bash)')
    .option('--profile <profile>', '--all: only agents of this profile (e.g. claude)')
    .addOption(
      new Option('--via <where>', 'where the answer is given (audit)').choices(ANSWER_VIA).hideHelp(),
    )
    .option('--json', 'machine-readable output');
}

/**
 * `wtp approve`, `wtp deny`, `wtp answer`: answer what agents wait on, verified against their
 * screens by the daemon (nothing is pressed when the dialog is not the one announced), audited.
 */
export function registerAnswerCommands(program: Command, ctx: CliContext): void {
  common(
    program
      .command('approve')
      .description("approve an agent's permission dialog (checked against its screen first)")
      .argument('[agent]', 'name, workspace/name or id')
      .option(
        '--always',
        'approve and stop asking, as the dialog’s own option says (e.g. this command prefix); refused when that option changes the session’s mode',
      )
      .option(
        '--accept-mode-change',
        '--always: press the option even when it changes the session’s permission mode (e.g. "switch to accept edits")',
      )
      .addHelpText(
        'after',
        `
Examples:
  wtp approve api                      "Yes" in api's permission dialog, if it is the one announced
  wtp approve api --always             approve, and its CLI stops asking, as the dialog's option says
  wtp approve api --always --accept-mode-change
                                       the same when that option switches the session's mode
  wtp approve --all --workspace shop   every agent of shop that waits for permission
  wtp deny api --message 'use the staging database'
                                       deny; the message is its next prompt
  wtp answer api 2                     pick option 2 of its question (or name it: wtp answer api Blue)
  wtp answer api 'use Postgres'        reply to the question its turn ended with: its next prompt`,
      ),
  ).action((ref: string | undefined, o: AnswerOptions) =>
    runAction(ctx, o.json, () => run(ctx, o.always ? 'always' : 'approve', ref, o)),
  );
  common(
    program
      .command('deny')
      .description("deny an agent's permission dialog; --message tells it why, as its next prompt")
      .argument('[agent]', 'name, workspace/name or id')
      .option('--message <text>', 'why: typed at its prompt once the denial took it back there'),
  ).action((ref: string | undefined, o: AnswerOptions) =>
    runAction(ctx, o.json, () => run(ctx, 'deny', ref, o)),
  );
  common(
    program
      .command('answer')
      .description(
        "answer an agent's question (needs_input): a dialog's option, or the reply to a question its turn ended with (typed as its next prompt)",
      )
      .argument('<agent>', 'name, workspace/name or id (or --all)')
      .argument('[text]', 'the option (its number or its label), or the reply'),
  ).action((first: string, second: string | undefined, o: AnswerOptions) =>
    runAction(ctx, o.json, async () => {
      if (o.all) return run(ctx, 'answer', undefined, o, first);
      if (!second)
        throw fieldError(
          'Give the answer: an option’s number or label (`wtp answer c1 2`), or the reply to its question (`wtp answer c1 "use Postgres"`).',
          '<text>',
          'required',
        );
      return run(ctx, 'answer', first, o, second);
    }),
  );
}
