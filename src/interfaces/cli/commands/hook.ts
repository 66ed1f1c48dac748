import type { CliContext } from '../context.js';
import { readStdin } from '../read-stdin.js';
import { runAction } from '../run-action.js';

/** One `wtp hook` call: the agent it belongs to, whether it is a decision hook, its payload. */
export interface HookCall {
  agent: string;
  /** A decision hook: print the daemon's answer for the CLI; always exit 0. */
  decide: boolean;
  /** The payload when the CLI passes it as an argument (Codex notify); else stdin. */
  payload?: string;
  json: boolean;
}

/**
 * The forms agent CLIs run (the hook commands this tool writes into their settings, src/vendors/*):
 * `hook --agent ID [--decide] [--json] [payload]`, nothing else. They take the fast path in
 * src/bin.ts, without the CLI's program: every tool call of every agent runs one, and on a loaded
 * machine the whole program's start is seconds its CLI waits. Any other form (a
 * misspelt option, `--help`) returns null and goes to the whole CLI, which explains it.
 */
export function fastHookCall(argv: readonly string[]): HookCall | null {
  if (argv[0] !== 'hook' || argv[1] !== '--agent') return null;
  const agent = argv[2];
  if (agent === undefined || agent === '' || agent.startsWith('-')) return null;
  const call: HookCall = { agent, decide: false, json: false };
  for (const arg of argv.slice(3)) {
    if (arg === '--decide' && !call.decide) call.decide = true;
    else if (arg === '--json' && !call.json) call.json = true;
    else if (!arg.startsWith('-') && call.payload === undefined) call.payload = arg;
    else return null;
  }
  return call;
}

/** Runs a hook call: a decision hook (`decideHook`) or an event forwarded to the daemon. */
export function runHook(ctx: CliContext, call: HookCall): Promise<void> {
  if (call.decide) return decideHook(ctx, call.agent, call.payload);
  return runAction(ctx, call.json, async () => {
    const text = call.payload ?? (await readStdin(ctx));
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      ctx.note('wtp hook: the payload is not JSON; ignored');
      return;
    }
    body = withEventName(body);
    await ctx.client().call('agentHook', { params: { agentId: call.agent }, body: body as never });
    if (ctx.json) ctx.emit('hook', { agent: call.agent, event: String(body.hook_event_name) });
  });
}

/**
 * The payload with `hook_event_name`, which the daemon routes on: a CLI that names its event
 * otherwise gives it as `type` (Codex notify) or `hookName` (Copilot CLI's camelCase payloads).
 */
function withEventName(body: Record<string, unknown>): Record<string, unknown> {
  if (typeof body.hook_event_name === 'string') return body;
  const name = typeof body.type === 'string' ? body.type : body.hookName;
  return typeof name === 'string' ? { ...body, hook_event_name: name } : body;
}

/**
 * How long `wtp hook --decide` waits for the daemon's answer: inside the time its CLI gives the
 * decision hook (30 s from Gemini CLI's, Qwen Code's and Copilot CLI's setups; Copilot CLI denies
 * the tool when a hook times out), with room for this process's own start on a loaded machine, so
 * that a slow daemon means no decision (the dialog), not a hook that timed out.
 */
const DECIDE_TIMEOUT_MS = 20_000;

/**
 * `wtp hook --agent ID --decide`: a decision hook (Claude Code's PermissionRequest over the command
 * transport; Gemini CLI's BeforeTool, Qwen Code's PermissionRequest and PreToolUse, Copilot CLI's
 * permissionRequest). The daemon's answer — an approval rule's decision — is printed for the CLI to read;
 * nothing is printed when no rule decides. It exits 0 whatever happens: a CLI may read another exit
 * status as a denial, and a failure must only leave the dialog to the user.
 */
async function decideHook(ctx: CliContext, agent: string, payload: string | undefined): Promise<void> {
  try {
    const body = withEventName(JSON.parse(payload ?? (await readStdin(ctx))) as Record<string, unknown>);
    const answer = await ctx
      .client(DECIDE_TIMEOUT_MS)
      .call('agentHook', { params: { agentId: agent }, body: body as never });
    if (Object.keys(answer).length > 0) ctx.out.write(`${JSON.stringify(answer)}\n`);
  } catch (err) {
    ctx.note(`wtp hook: not decided (${err instanceof Error ? err.message : String(err)}); the dialog shows`);
  }
  ctx.exitCode = 0;
}
