import type { DecisionHook, HookReading } from '../../core/agents/profiles.js';
import { firedAt, hookSignals, sessionStart, str, turnEnding } from '../hook-signal.js';
import { aboutFields, decisionRequest } from '../tool-request.js';

/**
 * Gemini CLI's BeforeTool hook as a decision channel, deny only. 0.61.0 runs it and waits before every
 * tool call, before its policy check and any dialog, even for a call it would run unasked
 * (hook-utils.ts evaluateBeforeToolHook). `decision: "deny"` blocks the call (the model gets "Tool
 * execution blocked: <reason>") with no dialog; there is no approving decision (`"allow"` only goes
 * on to the policy check), so an allow rule's approval is answered on the screen by the policy
 * answerer. No output, an unreadable one, a timeout or a failed hook are as no hook. `ask_user` (a
 * question) is not for rules.
 */
export const GEMINI_DECISION_HOOK: DecisionHook = {
  events: ['BeforeTool'],
  request(body) {
    const tool = str(body.tool_name);
    if (tool === undefined || tool === 'ask_user') return null;
    return decisionRequest(tool, body.tool_input);
  },
  respond: (action, message) => (action === 'deny' ? { decision: 'deny', reason: message } : null),
};

/**
 * The tool a permission notification is for: 0.61.0's details name no tool but an MCP one's
 * (`toolName`), so it is told by the dialog's type and title, as its tools set them (the shell's
 * "Confirm Shell Command", replace's "Confirm Edit: …", write_file's "Confirm Write: …"); any
 * other is left unnamed, and no rule that names a tool decides it.
 */
function dialogTool(details: Record<string, unknown>): string | undefined {
  const title = str(details.title) ?? '';
  if (details.type === 'mcp') return str(details.toolName);
  if (details.type === 'exec' && title === 'Confirm Shell Command') return 'run_shell_command';
  if (details.type === 'edit' && title.startsWith('Confirm Edit: ')) return 'replace';
  if (details.type === 'edit' && title.startsWith('Confirm Write: ')) return 'write_file';
  return undefined;
}

/** Sessions whose last BeforeTool is remembered (the oldest is forgotten first). */
const SESSIONS_KEPT = 256;

/** The kind of confirmation (Notification `details.type`) each tool's dialog is, by the tool's name. */
const dialogOf = (tool: string): string =>
  tool === 'run_shell_command'
    ? 'exec'
    : tool === 'write_file' || tool === 'replace'
      ? 'edit'
      : tool.startsWith('mcp_')
        ? 'mcp'
        : 'info';

/**
 * A reader of Gemini CLI hook payloads that names the tool a permission dialog asks for: its
 * Notification carries the dialog's details (the command, the file), not the tool, but the
 * BeforeTool hook of that call fired just before it (Gemini runs a call's hooks one at a time
 * and waits for each). So the reader remembers each session's last BeforeTool, and gives its
 * tool to the Notification that follows when the dialog is of that tool's kind (a shell command
 * is `exec`, a write or an edit `edit`, an MCP tool `mcp`, the others `info`) — for an MCP tool
 * its full name (`mcp_probe_ping`) rather than the dialog's short one (`ping`).
 */
export function geminiHookReader(): (body: Record<string, unknown>, at: number) => HookReading {
  const lastTool = new Map<string, string>();
  return (body, at) => {
    const reading = readGeminiHook(body, at);
    const sid = reading.sessionId ?? '';
    if (reading.event === 'BeforeTool') {
      lastTool.delete(sid);
      const tool = str(body.tool_name);
      if (tool !== undefined) lastTool.set(sid, tool);
      if (lastTool.size > SESSIONS_KEPT) lastTool.delete(lastTool.keys().next().value ?? '');
      return reading;
    }
    const s = reading.signal;
    if (reading.event !== 'Notification' || s?.request?.kind !== 'permission') return reading;
    const tool = lastTool.get(sid);
    const details = body.details as { type?: unknown } | undefined;
    const shown = s.request.tool;
    const same = shown === undefined || tool === shown || tool?.endsWith(`_${shown}`) === true;
    if (tool === undefined || details?.type !== dialogOf(tool) || !same) return reading;
    return { ...reading, signal: { ...s, request: { ...s.request, tool } } };
  };
}

/** What Gemini CLI puts in AfterAgent's `prompt_response` when the turn gave no text (it failed). */
const NO_RESPONSE = '[no response text]';

/**
 * Maps a Gemini CLI hook payload (stdin of its command hooks, seen with 0.61.0; setup.ts) to a signal.
 * A resumed session's SessionStart means idle at its prompt, its start-up over: it fires as Gemini
 * begins to load the old turns ("Resuming session..."), which a typed prompt must wait for. BeforeTool
 * also fires before a permission dialog; the Notification that follows says so. An AfterAgent with
 * no text (an API error, a usage limit) says nothing: the screen tells which. Esc fires no hook: the
 * screen's newer verdict wins (core/state/state-resolve.ts).
 */
export function readGeminiHook(body: Record<string, unknown>, received: number): HookReading {
  const event = str(body.hook_event_name) ?? 'unknown';
  // Esc during a slow BeforeAgent hook would otherwise leave the agent "working" for good.
  const at = firedAt(body.timestamp, received);
  const sessionId = str(body.session_id) ?? null;
  const tool = str(body.tool_name);
  const { sig, reading } = hookSignals({ event, sessionId, tool, at });
  switch (event) {
    case 'SessionStart':
      return sessionStart(
        reading(body.source === 'resume' ? sig('idle', 'at_prompt', 'resume') : null),
        body,
      );
    case 'BeforeAgent':
      return reading(sig('working', undefined));
    case 'BeforeTool':
    case 'AfterTool':
      return reading(sig('working', undefined, tool));
    case 'Notification': {
      const type = str(body.notification_type);
      if (type !== 'ToolPermission') return reading(null);
      const details = (
        typeof body.details === 'object' && body.details !== null ? body.details : {}
      ) as Record<string, unknown>;
      const what =
        str(details.command) ?? str(details.fileName) ?? str(details.toolName) ?? str(body.message);
      const text = `${type}${what ? ` ${JSON.stringify(what.slice(0, 160))}` : ''}`;
      // ask_user's details are its type and title alone: the question is on the screen.
      if (details.type === 'ask_user') {
        return reading(sig('needs_input', 'question', text, { request: { kind: 'question' } }));
      }
      // The request: the command, or the edited file (`filePath`) and its `fileDiff`; an MCP tool's name.
      // A fetch's (an `info` dialog's) first URL — the whole request only when it is the only one.
      const urls = Array.isArray(details.urls) ? (details.urls as unknown[]) : [];
      const named = str(details.command) ?? str(details.filePath) ?? str(details.fileName);
      const about = named ?? str(urls[0]);
      const diff = str(details.fileDiff)?.slice(0, 8_000);
      const tool = dialogTool(details);
      const request = {
        kind: 'permission' as const,
        ...(tool === undefined ? {} : { tool }),
        ...aboutFields(about, named !== undefined || urls.length <= 1),
        ...(diff === undefined ? {} : { diff }),
      };
      return reading(sig('needs_permission', 'permission', text, { request }));
    }
    case 'AfterAgent':
      if (body.prompt_response === NO_RESPONSE) return reading(null);
      return turnEnding(
        reading(sig('idle', 'turn_done')),
        body.prompt_response,
        'hook AfterAgent prompt_response',
      );
    default:
      // SessionStart (the session id), SessionEnd (the process exit tells), anything newer.
      return reading(null);
  }
}
