import type { HookReading } from '../../core/agents/profiles.js';

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** A thread id (a UUID): the only word that goes after `codex resume`. */
const THREAD_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The prompt of the side thread that names the task (codex 0.169), which also calls notify. */
const TITLE_PROMPT = /^Generate a concise, single-line task title\b/;

/**
 * Maps a Codex CLI `notify` call (setup.ts; `wtp hook` turns its `type` into the event name) to the
 * session it names. Seen with 0.169.0: an `agent-turn-complete` (`thread-id`, `input-messages`,
 * `last-assistant-message`, …) after every completed turn (not after Esc, a declined approval or an
 * error), and one more, in either order, for the side thread that names the task (its own thread id,
 * never resumable: no rollout file). The others' thread id is the session (`codex resume <id>`). No
 * signal: OSC 7501 records tell the state, and notify also fires mid-turn (the side thread).
 */
export function readCodexHook(body: Record<string, unknown>): HookReading {
  const event = str(body.hook_event_name) ?? str(body.type) ?? 'unknown';
  const input = Array.isArray(body['input-messages']) ? (body['input-messages'] as unknown[]) : [];
  const titleThread = input.some((m) => typeof m === 'string' && TITLE_PROMPT.test(m));
  const thread = str(body['thread-id']);
  const main = event === 'agent-turn-complete' && !titleThread;
  const sessionId = main && thread !== undefined && THREAD_ID.test(thread) ? thread : null;
  if (!main) return { signal: null, sessionId, event };
  // The turn's last message decides between done and a question; its OSC 7501 `done`
  // came 50-100 ms before (the engine holds it for this call: vendor.ts turnEnd).
  const message = body['last-assistant-message'];
  return {
    signal: null,
    sessionId,
    event,
    turnEnd: {
      message: typeof message === 'string' ? message : null,
      from: 'notify agent-turn-complete last-assistant-message',
    },
  };
}
