import type { HookReading } from '../../core/agents/profiles.js';
import { hookSignals, str, turnEnding } from '../hook-signal.js';
import { askedWords, permissionRequest, questionRequest } from '../tool-request.js';

const obj = (v: unknown): Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
const quoted = (s: string | undefined): string | undefined =>
  s === undefined ? undefined : JSON.stringify(s.slice(0, 160));

/**
 * A retry whose message (the provider's error message) says it limits us, or whose action is
 * OpenCode's own limit (`account_rate_limit`, `free_tier_limit`). OpenCode 1.18.33 retries by
 * itself (up to 5 times, waiting as `retry-after` says), then ends the turn with the error.
 */
const USAGE_LIMIT = /rate.?limit|usage.?limit|quota|too.?many.?requests|\b429\b/i;

/** The permissions whose dialog (1.18.33) draws what it asks about, as the plugin names it. */
const DRAWN_TARGET = new Set(['bash', 'edit', 'read', 'glob', 'grep', 'webfetch', 'external_directory']);

/**
 * Maps an event our OpenCode plugin forwarded (setup.ts: `{hook_event_name, session_id, subagent,
 * error?, properties}`) to a signal. A retry with a rate-limit message is the usage limit (it resets
 * at the next attempt); `session.idle` is interrupted after a MessageAbortedError (Esc Esc), an error
 * after another error, else the turn's end. A subagent's session (task tool) only tells its dialogs:
 * its busy and idle are not the agent's, nor is its id the one to resume.
 */
export function readOpencodeHook(body: Record<string, unknown>, at: number): HookReading {
  const event = str(body.hook_event_name) ?? 'unknown';
  const subagent = body.subagent === true;
  const sessionId = subagent ? null : (str(body.session_id) ?? null);
  const p = obj(body.properties);
  const tool = str(p.permission);
  const { sig, reading } = hookSignals({ event, sessionId, tool, at });
  switch (event) {
    case 'session.status': {
      if (subagent) return reading(null);
      const type = str(p.type);
      if (type === 'busy') return reading(sig('working', undefined, ['busy']));
      if (type === 'idle') return reading(sig('idle', 'turn_done', ['idle']));
      if (type !== 'retry') return reading(null);
      const message = str(p.message);
      const text = [`retry #${String(p.attempt ?? '?')}`, quoted(message)];
      if (USAGE_LIMIT.test(`${message ?? ''} ${str(p.action) ?? ''}`)) {
        const next = typeof p.next === 'number' && p.next > 0 ? new Date(p.next).toISOString() : undefined;
        return reading(sig('needs_input', 'usage_limit', text, next === undefined ? {} : { resetsAt: next }));
      }
      return reading(sig('working', undefined, text));
    }
    case 'session.idle': {
      if (subagent) return reading(null);
      const error = str(body.error);
      // The turn's last assistant text, as our plugin kept it.
      if (error === undefined)
        return turnEnding(
          reading(sig('idle', 'turn_done', [])),
          body.last_assistant_message,
          'hook session.idle last_assistant_message (plugin)',
        );
      const reason = error === 'MessageAbortedError' ? 'interrupted' : 'error';
      return reading(sig('idle', reason, [`after ${error}`]));
    }
    case 'permission.asked': {
      // What the dialog is about, as it draws it (detectors.ts `about`): the command, the file, the
      // URL, the outside folder, a search's pattern. Every other dialog names no target the screen
      // can confirm: an MCP tool's pattern is `*`, a subagent's (`task`) is its type, drawn as its
      // title ("# General Task"), a repeated call's (`doom_loop`) is the tool, a skill's its name,
      // an lsp call's its file — their dialogs draw "Call tool <name>" or their title alone.
      // The plugin says whether it cut the target (`aboutCut`; a plugin written before it did not
      // say, and cut at 300 characters): only one it says it did not cut is complete.
      const about = tool !== undefined && DRAWN_TARGET.has(tool) ? p.about : undefined;
      const request = permissionRequest(
        tool,
        { command: about },
        about !== undefined && p.aboutCut === false,
      );
      return reading(sig('needs_permission', 'permission', askedWords(request), { request }));
    }
    case 'question.asked': {
      // The plugin forwards the first question and its options' labels (setup.ts `brief`).
      const request = questionRequest(undefined, { questions: [p] });
      return reading(sig('needs_input', 'question', [quoted(str(p.question))], { request }));
    }
    case 'permission.replied':
    case 'question.replied':
    case 'question.rejected':
      return reading(sig('working', undefined, [str(p.reply)]));
    default:
      // session.created: only the session id.
      return reading(null);
  }
}
