import type { HookReading } from '../../core/agents/profiles.js';
import { hookSignals, stopFailureSignal, str } from '../hook-signal.js';
import { askedWords, permissionRequest, questionRequest } from '../tool-request.js';

/** The tool Qwen Code asks the user a question with (it goes through the permission path). */
const QUESTION_TOOL = 'ask_user_question';

/** Sessions whose last hook event is remembered (the oldest is forgotten first). */
const SESSIONS_KEPT = 256;

/** Events after which an idle_prompt says nothing new: the turn's end (or the prompt) was already told. */
const TURN_ENDED = new Set(['Stop', 'StopFailure', 'Notification idle_prompt']);

/**
 * A reader of Qwen Code hook payloads (the JSON its command hooks get on stdin; seen with 0.24.4,
 * hooks from the per-agent system-defaults file, setup.ts), mapped to signals. SessionStart →
 * only the session id; UserPromptSubmit, PreToolUse, PostToolUse(Failure) → working;
 * PermissionRequest and Notification(permission_prompt) → needs_permission, about the command or
 * file (the tool `ask_user_question` → needs_input question); Stop → idle turn_done; StopFailure
 * (an API error ended the turn) rate_limit/billing_error → needs_input usage_limit, others →
 * idle error. Notification(idle_prompt) fires whenever the TUI is back at its prompt: right after
 * Stop (nothing new), and alone when Esc cut a turn or a dialog. So the reader remembers each
 * session's last event: idle_prompt after Stop, StopFailure or idle_prompt says nothing (the
 * turn's end, or the usage limit, stands), after any other event of a turn → idle interrupted,
 * else (at start) → idle at_prompt.
 */
export function qwenHookReader(): (body: Record<string, unknown>, at: number) => HookReading {
  const last = new Map<string, string>();
  return (body, at) => {
    const reading = readQwenHook(body, at);
    const sid = reading.sessionId ?? '';
    const before = last.get(sid);
    last.delete(sid);
    const type = reading.event === 'Notification' ? str(body.notification_type) : undefined;
    last.set(sid, type === undefined ? reading.event : `Notification ${type}`);
    if (last.size > SESSIONS_KEPT) last.delete(last.keys().next().value ?? '');
    const s = reading.signal;
    if (s?.reason !== 'at_prompt' || before === undefined || before === 'SessionStart') return reading;
    if (TURN_ENDED.has(before)) return { ...reading, signal: null };
    return { ...reading, signal: { ...s, reason: 'interrupted' } };
  };
}

/**
 * One Qwen Code hook payload as a signal, on its own (qwenHookReader adds what the events before
 * it tell): Notification(idle_prompt) → idle at_prompt; the other events as qwenHookReader says.
 */
export function readQwenHook(body: Record<string, unknown>, at: number): HookReading {
  const event = str(body.hook_event_name) ?? 'unknown';
  const sessionId = str(body.session_id) ?? null;
  const tool = str(body.tool_name);
  const { sig, reading } = hookSignals({ event, sessionId, tool, at });
  switch (event) {
    case 'UserPromptSubmit':
      return reading(sig('working', undefined, undefined));
    case 'PreToolUse':
    case 'PostToolUse':
    case 'PostToolUseFailure':
      return reading(sig('working', undefined, tool));
    case 'PermissionRequest': {
      if (tool === QUESTION_TOOL) {
        return reading(
          sig('needs_input', 'question', tool, { request: questionRequest(tool, body.tool_input) }),
        );
      }
      const request = permissionRequest(tool, body.tool_input);
      return reading(sig('needs_permission', 'permission', askedWords(request), { request }));
    }
    case 'Notification': {
      const type = str(body.notification_type);
      const msg = str(body.message);
      const text = [type, msg ? JSON.stringify(msg.slice(0, 160)) : undefined].filter(Boolean).join(' ');
      if (type === 'permission_prompt') {
        // "Qwen Code needs your permission to use ask_user_question": a question, not a permission.
        return reading(
          msg?.endsWith(` ${QUESTION_TOOL}`)
            ? sig('needs_input', 'question', text, { request: { kind: 'question', tool: QUESTION_TOOL } })
            : sig('needs_permission', 'permission', text, { request: { kind: 'permission' } }),
        );
      }
      if (type === 'idle_prompt') return reading(sig('idle', 'at_prompt', text));
      return reading(null);
    }
    case 'Stop':
      return reading(sig('idle', 'turn_done', undefined));
    case 'StopFailure':
      return reading(stopFailureSignal(body, sig));
    default:
      // SessionStart (the session id only: it fires before the composer takes keys), SessionEnd
      // (the process exit tells), anything newer.
      return reading(null);
  }
}
