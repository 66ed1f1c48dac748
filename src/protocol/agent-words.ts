import type { StateDetail } from './agent.js';

/**
 * The agent's own words behind its state: the detail's message, or what a status record or hook
 * quoted in the evidence (`msg="approve Bash: echo hi > out.txt"`). Notifications and the
 * dashboard show these.
 */
export function agentWords(detail: Pick<StateDetail, 'message' | 'evidence'>): string | undefined {
  if (detail.message !== undefined) return detail.message;
  const m = /(?:msg=|Notification \w+ )"((?:[^"\\]|\\.)*)"/.exec(detail.evidence ?? '');
  return m?.[1];
}
