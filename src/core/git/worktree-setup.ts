import type { EventSource } from '../../protocol/events.js';
import { AppError } from '../errors.js';
import { agentEvent } from '../model/agent-event.js';
import type { AgentRecord } from '../model/agent-record.js';
import { worktreeEnv, type WorktreeDeps } from './agent-worktree.js';

/**
 * Runs the repository's setup script in a new worktree (approved by hash, else refused before
 * anything is created), its output going to the agent's log as it comes (`write`). Returns the
 * failure message, or null when it passed or there is none.
 */
export async function runWorktreeSetup(
  agent: AgentRecord,
  d: WorktreeDeps & { baseEnv: Record<string, string>; write: (text: string) => void },
  source: EventSource,
): Promise<string | null> {
  const wt = agent.worktree;
  if (!wt?.owned) return null;
  const script = d.git.setupScript(wt.repo);
  if (!script || script.commands.length === 0) return null;
  const started = d.clock.now();
  try {
    await d.git.runSetup(wt, { ...d.baseEnv, ...agent.env, ...worktreeEnv(wt) }, (line) =>
      d.write(`${line}\r\n`),
    );
    await d.registry.record([
      agentEvent(agent, source, 'agent.setupRan', {
        commands: script.commands,
        ok: true,
        ms: d.clock.now() - started,
        output: null,
      }),
    ]);
    return null;
  } catch (err) {
    const output =
      err instanceof AppError && typeof err.details?.output === 'string' ? err.details.output : '';
    const message = err instanceof Error ? err.message : String(err);
    d.write(`\r\nsetup failed: ${message}\r\n`);
    await d.registry.record([
      agentEvent(agent, source, 'agent.setupRan', {
        commands: script.commands,
        ok: false,
        ms: d.clock.now() - started,
        output: output.slice(-4000),
      }),
    ]);
    return output ? `${message}\n${output.slice(-2000)}` : message;
  }
}
