import type { EventSource } from '../../protocol/events.js';
import type { AgentService } from './agent-service.js';
import { isLive } from '../model/agent-state.js';
import type { AgentRegistry } from '../model/registry.js';

/**
 * Sends `text` (and Enter) to every idle agent (of a workspace), through the safe-input path;
 * live agents that are working or waiting on a dialog are skipped and listed.
 */
export async function broadcast(
  d: { registry: AgentRegistry; service: AgentService },
  text: string,
  workspace: string | undefined,
  source: EventSource,
): Promise<{ sent: string[]; skipped: { agent: string; state: string }[] }> {
  const ws = workspace === undefined ? undefined : d.registry.resolveWorkspace(workspace);
  const sent: string[] = [];
  const skipped: { agent: string; state: string }[] = [];
  for (const a of d.registry.all()) {
    if (ws && a.workspaceId !== ws.id) continue;
    if (a.state !== 'idle') {
      if (isLive(a.state)) skipped.push({ agent: a.name, state: a.state });
      continue;
    }
    await d.service.sendInput(a.id, text, true, source);
    sent.push(a.name);
  }
  return { sent, skipped };
}
