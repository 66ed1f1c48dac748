/** A session id as Copilot CLI names its session folders (a UUID): the only word put in a path. */
const SESSION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Copilot CLI 1.0.102's own record of a session: its `Stop` hook brings no
 * `last_assistant_message`, but the session's `events.jsonl` (`$COPILOT_HOME`, else
 * `~/.copilot`, then `session-state/<session id>/events.jsonl`) has the turn's `assistant.message`
 * events, flushed on a timer of its own (100 ms; later on a busy machine) after the hook fires. The path is made here from the session id alone — never
 * the hook's `transcript_path` — and only for an id that is a UUID.
 */
export function copilotTranscript(
  env: Readonly<Record<string, string | undefined>>,
  home: string,
  sessionId: string,
): string | null {
  if (!SESSION_ID.test(sessionId)) return null;
  const root =
    env.COPILOT_HOME !== undefined && env.COPILOT_HOME.startsWith('/')
      ? env.COPILOT_HOME
      : `${home}/.copilot`;
  return `${root.replace(/\/+$/, '')}/session-state/${sessionId.toLowerCase()}/events.jsonl`;
}

/**
 * The last turn's last assistant text in a Copilot `events.jsonl`: the last `assistant.message`
 * with text content after the last `user.message` (null when the turn has none yet, or a line
 * cannot be read); and how many turn ends the file records (`ends`: a `hook.start` of its
 * `agentStop` hook, written before each Stop call goes out). Its writes can lag its hook calls: a
 * file that records fewer ends than Stop calls came does not have the turn yet. A line cut short
 * (a write under way) is skipped.
 */
export function lastCopilotMessage(jsonl: string): { message: string | null; ends: number } {
  let message: string | null = null;
  let ends = 0;
  for (const raw of jsonl.split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    let ev: unknown;
    try {
      ev = JSON.parse(line);
    } catch {
      continue;
    }
    const e = (typeof ev === 'object' && ev !== null ? ev : {}) as {
      type?: unknown;
      data?: { content?: unknown; hookType?: unknown };
    };
    if (e.type === 'hook.start' && e.data?.hookType === 'agentStop') ends++;
    if (e.type === 'user.message') message = null;
    if (
      e.type === 'assistant.message' &&
      typeof e.data?.content === 'string' &&
      e.data.content.trim() !== ''
    ) {
      message = e.data.content;
    }
  }
  return { message, ends };
}
