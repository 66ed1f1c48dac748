import type { AgentState, StateDetail, StateReason } from './agent.js';
import { agentWords } from './agent-words.js';
import { oneLine, requestWords } from './request-words.js';

/** How a lifecycle reason reads after the agent's state (`exited: its pane was closed`). */
const LIFECYCLE_WORDS: Readonly<Partial<Record<StateReason, string>>> = {
  created: 'created, not started yet',
  adopted: 'found running again after a restart of the daemon',
  spawned: 'its process started',
  stopped: 'stopped by you',
  pane_closed: 'its pane was closed',
  mux_gone: 'its terminal server went away',
  restarting: 'restarting',
  crash_loop: 'kept crashing: not restarted again',
  host_lost: 'its host process was lost',
  host_timeout: 'its host process stopped answering',
  spawn_failed: 'could not be started',
  setup_failed: 'its setup failed',
  restarted_by_user: 'restarted by you',
};

/** How an activity reason reads, by state (`idle` + `turn_done`: done with its turn). */
const ACTIVITY_WORDS: Readonly<Record<string, string>> = {
  'idle/turn_done': 'done with its turn, at its prompt',
  'idle/at_prompt': 'at its prompt',
  'idle/interrupted': 'interrupted, back at its prompt',
  'idle/error': 'stopped on an error, at its prompt',
  'needs_permission/trust': 'asks whether you trust this folder',
  'needs_permission/auth': 'asks you to sign in',
  'needs_input/auth': 'asks you to sign in',
  'needs_input/question': 'asks a question',
};

/** Where the state was told, said as words (`wtp why` keeps the raw signal). */
const SOURCE_WORDS: Readonly<Record<string, string>> = {
  hook: 'its hook',
  status: 'its CLI itself',
  stream: 'its output stream',
  screen: 'its screen',
  process: 'its process',
};

type Agent = { state: AgentState; stateDetail: StateDetail; cwd?: string };

/**
 * A file the agent asks about, relative to its folder when inside it (`src/a.ts`, not
 * `/home/u/.local/state/wtp/worktrees/api/src/a.ts`, which a list cuts to `…/workt…`).
 */
function inFolder(about: string | undefined, cwd: string | undefined): string | undefined {
  if (about === undefined || cwd === undefined || cwd === '' || cwd === '/') return about;
  const base = cwd.endsWith('/') ? cwd : `${cwd}/`;
  return about.startsWith(base) && about.length > base.length ? about.slice(base.length) : about;
}

/**
 * What the agent does or asks, in words, for every list (the TUI's, the dashboard's Fleet "Why"):
 * what it asks (its request), what it said (its message or a hook's or status record's words),
 * else its state's reason as a sentence, with where it was told ("working · told by its hook").
 * Never the raw signal (`status 7501 state=blocked kind=permission…`): `wtp why` shows that.
 */
export function stateWhy(a: Agent, max = 200): string {
  const d = a.stateDetail;
  const request = d.request && { ...d.request, about: inFolder(d.request.about, a.cwd) };
  const asks = requestWords(request, max - 'asks '.length);
  if (asks !== undefined) return `asks ${asks}`;
  const words = agentWords(d);
  if (words !== undefined) return oneLine(words, max);
  return oneLine(reasonWords(a), max);
}

function reasonWords(a: Agent): string {
  const d = a.stateDetail;
  const told = d.source !== undefined && SOURCE_WORDS[d.source] ? ` · told by ${SOURCE_WORDS[d.source]}` : '';
  if (d.reason === 'usage_limit') return `hit a usage limit${d.resetsAt ? `, resets ${d.resetsAt}` : ''}`;
  switch (a.state) {
    case 'exited':
    case 'crashed': {
      const how =
        d.signal != null ? `ended by ${d.signal}` : d.exitCode != null ? `exit code ${d.exitCode}` : '';
      const why = d.message ?? LIFECYCLE_WORDS[d.reason];
      const said = lastLine(d.lastWords);
      const ended = [why, how].filter(Boolean).join(', ') || a.state;
      return said === undefined ? ended : `${ended}; it said: ${said}`;
    }
    case 'starting':
      if (d.reason === 'restarting') {
        return `restarting${d.attempt === undefined ? '' : ` (attempt ${d.attempt})`}${d.restartAt ? ` at ${d.restartAt}` : ''}`;
      }
      return 'starting its CLI';
    case 'running':
      return d.reason === 'adopted'
        ? 'found running again after a restart of the daemon'
        : 'running; its CLI tells no more';
    case 'working':
      if (d.stalled) return 'working, but no output and no CPU for a while: stuck?';
      return `${d.tool ? `working: uses ${d.tool}` : 'working'}${told}`;
    case 'needs_permission':
      return `${ACTIVITY_WORDS[`needs_permission/${d.reason}`] ?? (d.tool ? `asks to use ${d.tool}` : 'asks for permission')}${told}`;
    case 'needs_input':
      return `${ACTIVITY_WORDS[`needs_input/${d.reason}`] ?? 'waits for your answer'}${told}`;
    case 'idle':
      return `${ACTIVITY_WORDS[`idle/${d.reason}`] ?? 'at its prompt'}${told}`;
    default:
      return String(a.state);
  }
}

/** The last of an exit's last words (the line that says why, as a rule). */
export function lastLine(words: string | undefined): string | undefined {
  return words?.split('\n').at(-1);
}
