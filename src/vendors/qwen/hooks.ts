import type { DecisionHook, HookReading } from '../../core/agents/profiles.js';
import { firedAt, hookSignals, sessionStart, stopFailureSignal, str, turnEnding } from '../hook-signal.js';
import { askedWords, decisionRequest, permissionRequest, questionRequest } from '../tool-request.js';

/** The tool Qwen Code asks the user a question with (it goes through the permission path). */
const QUESTION_TOOL = 'ask_user_question';

/**
 * Tools whose dialog Qwen Code 0.24.4 keeps for the user (`requiresUserInteraction`): a hook's
 * "allow" is ignored there, so rules leave them alone.
 */
const USER_ONLY_TOOLS = new Set([QUESTION_TOOL, 'exit_plan_mode', 'propose_goal']);

/**
 * Qwen Code's decision hooks (0.24.4). PermissionRequest fires where it would show a dialog (after its
 * own rules and mode) and waits: `{behavior: "allow"}` runs the call without a dialog, `{behavior:
 * "deny", message}` refuses it (the model gets the message), and anything else (no output, a timeout,
 * a failed hook) shows the dialog. PreToolUse fires before every call runs, also those that never
 * ask, so a deny there (`permissionDecision: "deny"`) applies a deny rule to calls its mode runs
 * unasked. Questions and plan exits (USER_ONLY_TOOLS) are not for rules.
 */
export const QWEN_DECISION_HOOK: DecisionHook = {
  events: ['PermissionRequest', 'PreToolUse'],
  request(body) {
    const tool = str(body.tool_name);
    if (tool === undefined || USER_ONLY_TOOLS.has(tool)) return null;
    return decisionRequest(tool, body.tool_input);
  },
  respond(action, message, event) {
    if (event === 'PreToolUse') {
      return action === 'deny'
        ? {
            hookSpecificOutput: {
              hookEventName: 'PreToolUse',
              permissionDecision: 'deny',
              permissionDecisionReason: message,
            },
          }
        : null;
    }
    return {
      hookSpecificOutput: {
        hookEventName: 'PermissionRequest',
        decision: action === 'approve' ? { behavior: 'allow' } : { behavior: 'deny', message },
      },
    };
  },
};

/** Sessions whose last hook event is remembered (the oldest is forgotten first). */
const SESSIONS_KEPT = 256;

/** Events after which an idle_prompt says nothing new: the turn's end (or the prompt) was already told. */
const TURN_ENDED = new Set(['Stop', 'StopFailure', 'Notification idle_prompt']);

/**
 * A reader of Qwen Code hook payloads (stdin of its command hooks; seen with 0.24.4, hooks from the
 * per-agent system-defaults file, setup.ts). Notification(idle_prompt) fires whenever the TUI is back
 * at its prompt: right after Stop (nothing new), and alone when Esc cut a turn or a dialog. So the
 * reader remembers each session's last event: after Stop, StopFailure or idle_prompt it says nothing
 * (the turn's end or the usage limit stands), after another event of a turn it means interrupted,
 * and at start, idle at its prompt.
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
export function readQwenHook(body: Record<string, unknown>, received: number): HookReading {
  const at = firedAt(body.timestamp, received);
  const event = str(body.hook_event_name) ?? 'unknown';
  const sessionId = str(body.session_id) ?? null;
  const tool = str(body.tool_name);
  const { sig, reading } = hookSignals({ event, sessionId, tool, at });
  switch (event) {
    case 'SessionStart':
      // The session id only: it fires before the composer takes keys.
      return sessionStart(reading(null), body);
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
      return turnEnding(
        reading(sig('idle', 'turn_done', undefined)),
        body.last_assistant_message,
        'hook Stop last_assistant_message',
      );
    case 'StopFailure':
      return reading(stopFailureSignal(body, sig));
    default:
      // SessionEnd (the process exit tells), anything newer.
      return reading(null);
  }
}
