import type { DecisionHook, HookReading } from '../../core/agents/profiles.js';
import { firedAt, hookSignals, str, turnEnding } from '../hook-signal.js';
import { decisionRequest } from '../tool-request.js';

/**
 * Copilot CLI's permissionRequest hook as a decision channel. 1.0.102 fires it, and waits, before its
 * permission service (rules, session approvals, modes, the dialog) for every tool call that needs a
 * permission but reads (`view`): `{"behavior": "allow"}` runs the call without a dialog,
 * `{"behavior": "deny", "message"}` refuses it (the model gets the message), no output or a timeout
 * goes on to its dialog. Unreadable output or a non-zero exit denies the tool, so `wtp hook --decide`
 * prints one whole JSON document or nothing and always exits 0.
 */
export const COPILOT_DECISION_HOOK: DecisionHook = {
  events: ['PermissionRequest'],
  request(body) {
    const tool = str(body.toolName) ?? str(body.tool_name);
    if (tool === undefined || tool === 'ask_user') return null;
    return decisionRequest(tool, body.toolInput ?? body.tool_input);
  },
  respond: (action, message) =>
    action === 'approve' ? { behavior: 'allow' } : { behavior: 'deny', message },
};

/** An error Copilot reports for a model call that hit a rate or usage limit. */
const LIMIT = /\b(?:429|rate[_ ]limit|usage[_ ]limit|quota|insufficient_quota)\b/i;

/**
 * Maps a GitHub Copilot CLI hook payload to a signal (seen with 1.0.102, hooks from a `--plugin-dir`
 * plugin, setup.ts). Hooks named in PascalCase get the VS Code-compatible payload (`hook_event_name`,
 * `session_id`); `permissionRequest` keeps the camelCase one, whatever its key's case. SessionStart
 * fires only at the first prompt. While Copilot retries (`recoverable`) an error says nothing. Seen:
 * after a 429 every ErrorOccurred, the last retry's too, said `recoverable: true` and no Stop
 * followed: the screen tells that turn's end (detectors.ts `usage-limit`/`error`), as it tells Esc.
 */
export function readCopilotHook(body: Record<string, unknown>, received: number): HookReading {
  // A late UserPromptSubmit must not outrank the usage-limit screen drawn after it fired.
  const at = firedAt(body.timestamp, received);
  const raw = str(body.hook_event_name) ?? str(body.hookName) ?? 'unknown';
  const event = raw.charAt(0).toUpperCase() + raw.slice(1);
  const sessionId = str(body.session_id) ?? str(body.sessionId) ?? null;
  const tool = str(body.tool_name) ?? str(body.toolName);
  const { sig, reading } = hookSignals({ event, sessionId, tool, at });
  switch (event) {
    case 'UserPromptSubmit':
      return reading(sig('working', undefined));
    case 'PreToolUse':
    case 'PostToolUse':
    case 'PostToolUseFailure':
      return reading(sig('working', undefined, tool));
    case 'PermissionRequest':
      // The decision hook (COPILOT_DECISION_HOOK): it also fires for calls that then run unasked
      // (a session's "don't ask again", a mode), so it tells no wait; Notification(permission_prompt) does.
      return reading(null);
    case 'Notification': {
      const type = str(body.notification_type);
      const msg = str(body.message);
      const text = [type, msg ? JSON.stringify(msg.slice(0, 160)) : undefined].filter(Boolean).join(' ');
      if (type === 'permission_prompt') {
        return reading(sig('needs_permission', 'permission', text, { request: { kind: 'permission' } }));
      }
      if (type === 'elicitation_dialog') {
        return reading(sig('needs_input', 'question', text, { request: { kind: 'question' } }));
      }
      return reading(null);
    }
    case 'Stop':
      return turnEnding(
        reading(sig('idle', 'turn_done')),
        body.last_assistant_message,
        'hook Stop last_assistant_message',
      );
    case 'ErrorOccurred': {
      if (body.recoverable === true) return reading(null);
      const error = body.error as { message?: unknown } | undefined;
      const message = str(error?.message) ?? 'unknown';
      const text = JSON.stringify(message.slice(0, 160));
      return reading(
        LIMIT.test(message) ? sig('needs_input', 'usage_limit', text) : sig('idle', 'error', text),
      );
    }
    default:
      // SessionStart (the session id), SessionEnd (the process exit tells), anything newer.
      return reading(null);
  }
}
