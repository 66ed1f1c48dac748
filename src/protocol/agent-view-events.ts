import type { EventType } from './events.js';

/** Agent events that change nothing an agent's view shows (a live list fetches nothing for them). */
const UNCHANGED: ReadonlySet<EventType> = new Set<EventType>([
  'agent.removed',
  'agent.inputSent',
  'agent.dialogKeysSent',
  'agent.attached',
  'agent.detached',
]);

/** The agent whose view an event changes, or null (no zod: the TUI and the page import it). */
export const agentViewChangedBy = (e: { agentId: string | null; type: EventType }): string | null =>
  e.agentId !== null && !UNCHANGED.has(e.type) ? e.agentId : null;
