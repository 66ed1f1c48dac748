import type { FakeChatRequest } from './fake-openai-chat.js';
import { roundIn } from './dialog-rounds.js';

/**
 * Reading a Chat Completions conversation (Qwen Code, OpenCode, Copilot CLI) for the dialog
 * matrix's rounds (test/support/dialog-rounds.ts): which round a request belongs to, and the tool
 * results the model got in it.
 */

/** A message's text (string content, or its text parts joined). */
export function messageText(m: Record<string, unknown>): string {
  const c = m.content;
  if (typeof c === 'string') return c;
  if (!Array.isArray(c)) return '';
  return (c as { text?: unknown }[]).map((p) => (typeof p.text === 'string' ? p.text : '')).join('\n');
}

/** The round a request belongs to: the last "<name> round <n>" a user message says. */
export function chatRound(req: FakeChatRequest): { name: string; r: number } | null {
  for (const m of [...req.messages].reverse()) {
    const hit = m.role === 'user' ? roundIn(messageText(m)) : null;
    if (hit) return hit;
  }
  return null;
}

/** The tool results of the request's current round: the `tool` messages after its prompt. */
export function chatResults(req: FakeChatRequest): string[] {
  const out: string[] = [];
  for (const m of [...req.messages].reverse()) {
    if (m.role === 'user' && / round \d+/.test(messageText(m))) break;
    if (m.role === 'tool') out.unshift(messageText(m));
  }
  return out;
}

/** A subagent's request: its conversation's first user message is the prompt its lead gave it. */
export const isChatSubagent = (req: FakeChatRequest): boolean =>
  messageText(req.messages.find((m) => m.role === 'user') ?? {}).includes('SUBAGENT ');
