import type { HookReading } from '../../core/agents/profiles.js';
import { hookSignals, sessionStart, stopFailureSignal, str, turnEnding } from '../hook-signal.js';
import { askedWords, permissionRequest, questionRequest } from '../tool-request.js';

/** Seconds its settings give the PermissionRequest hook: it draws its dialog meanwhile. */
export const CLAUDE_PERMISSION_HOOK_TIMEOUT_S = 600;

/**
 * Claude Code's PermissionRequest hook as a decision channel. It draws its dialog as the call goes
 * out and takes the first answer, the hook's or the dialog's (2.1.330, measured: a hook that slept
 * 3 s then allowed dismissed the dialog drawn at 1 s and the command ran; a key pressed on the
 * dialog while the hook slept ran it at once). So approval rules decide the whole request there
 * (the tool and its whole command or path), and a call no rule decides is held for the user's
 * answer: `hookSpecificOutput.decision.behavior` allow or deny (with the message it gives the
 * model). A question (AskUserQuestion) is not for rules.
 */
export const CLAUDE_DECISION_HOOK = {
  events: ['PermissionRequest'],
  request(body: Record<string, unknown>): { tool?: string; about?: string; complete?: boolean } | null {
    const tool = str(body.tool_name);
    if (tool === undefined || tool === 'AskUserQuestion') return null;
    const r = permissionRequest(tool, body.tool_input);
    return {
      tool,
      ...(r.about === undefined ? {} : { about: r.about }),
      ...(r.complete === true ? { complete: true } : {}),
    };
  },
  respond(action: 'approve' | 'deny', message: string): Record<string, unknown> {
    return permissionDecision(action === 'approve' ? { behavior: 'allow' } : { behavior: 'deny', message });
  },
  user: {
    // Its settings give the hook CLAUDE_PERMISSION_HOOK_TIMEOUT_S (setup.ts): let go well before.
    holdMs: (CLAUDE_PERMISSION_HOOK_TIMEOUT_S - 30) * 1000,
    // An allow of these needs the answers in `updatedInput` (it ignores a bare allow): their screen.
    screenOnly: ['AskUserQuestion', 'ExitPlanMode'],
    // A subagent's call (`agent_id`): for one running in the background it waits for the hook before
    // it draws the dialog, which a held call would hide. Those stay on the screen.
    holds: (body: Record<string, unknown>): boolean => body.agent_id === undefined,
    respond(action: 'approve' | 'deny', message: string | undefined): Record<string, unknown> {
      if (action === 'approve') return permissionDecision({ behavior: 'allow' });
      // Without a reason, the turn stops as after the dialog's own "No"; with one, the model reads it.
      return permissionDecision(
        message === undefined
          ? { behavior: 'deny', message: 'The user denied this request.', interrupt: true }
          : { behavior: 'deny', message },
      );
    },
  },
} as const;

const permissionDecision = (decision: Record<string, unknown>): Record<string, unknown> => ({
  hookSpecificOutput: { hookEventName: 'PermissionRequest', decision },
});

/**
 * Maps a Claude Code hook payload (a command hook's stdin, or an HTTP hook's body) to a signal.
 * PermissionRequest's `tool_input` is the request (tool-request.ts), and the evidence quotes what it
 * is about (`hook PermissionRequest Bash "npm test"`).
 */
export function readClaudeHook(body: Record<string, unknown>, at: number): HookReading {
  const event = str(body.hook_event_name) ?? 'unknown';
  const sessionId = str(body.session_id) ?? null;
  const tool = str(body.tool_name);
  const { sig, reading } = hookSignals({ event, sessionId, tool, at });
  switch (event) {
    case 'SessionStart':
      // Fires before the UI is at its prompt (typing then is lost): it only tells the session id.
      return sessionStart(reading(null), body);
    case 'UserPromptSubmit':
      return reading(sig('working', undefined, undefined));
    case 'PreToolUse':
    case 'PostToolUse':
    case 'PostToolUseFailure':
      return reading(sig('working', undefined, tool));
    case 'PermissionRequest': {
      if (tool === 'AskUserQuestion') {
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
        return reading(sig('needs_permission', 'permission', text, { request: { kind: 'permission' } }));
      }
      if (type === 'idle_prompt') return reading(sig('idle', 'at_prompt', text));
      if (type === 'elicitation_dialog' || type === 'agent_needs_input') {
        return reading(sig('needs_input', 'question', text, { request: { kind: 'question' } }));
      }
      return reading(null);
    }
    case 'Stop':
      // Its last_assistant_message decides between done and a question.
      return turnEnding(
        reading(sig('idle', 'turn_done', undefined)),
        body.last_assistant_message,
        'hook Stop last_assistant_message',
      );
    case 'StopFailure':
      return reading(stopFailureSignal(body, sig));
    default:
      return reading(null);
  }
}
