/**
 * The lead of issue 34's scenario as a scripted model: it drives wezterm-parallel's MCP tools the
 * way a model would, one tool call per turn, deciding each from the last tool result. The vendor's
 * scripted server (FakeAnthropic, FakeOpenAIChat, …) turns each step into its own wire format.
 *
 * The scenario: start a Codex worker (api) and a Qwen Code worker (docs), each with its prompt;
 * wait for both to be idle (approving a worker's permission dialog when it asks, through the
 * verified answer path); read both diff stats; merge api; report.
 */

export type LeadStep = { tool: string; args: Record<string, unknown> } | { text: string };

/** One exchange of the run, for the test's checks and the transcript in docs/mcp.md. */
export interface LeadExchange {
  tool: string;
  args: Record<string, unknown>;
  result: string;
}

/** What the workers are asked (the file to add is named in the prompt: a second lead's are others). */
export const API_PROMPT = 'make the api: add';
export const DOCS_PROMPT = 'write the docs: add';
/** The file a worker's prompt names. */
export const fileOf = (prompt: string): string | undefined => / add (\S+)$/m.exec(prompt)?.[1];

type Stage =
  | 'startApi'
  | 'startDocs'
  | 'waitApi'
  | 'answerApi'
  | 'waitDocs'
  | 'answerDocs'
  | 'diffApi'
  | 'diffDocs'
  | 'mergeApi'
  | 'report'
  | 'done';

/**
 * The result's JSON, or null when it has none. A CLI may hand the tool's text to its model in a
 * wrapper of its own (words around it, or the MCP result itself: `{content: [{type, text}]}`).
 */
export function resultJson(text: string): Record<string, unknown> | null {
  const from = text.indexOf('{');
  const to = text.lastIndexOf('}');
  if (from < 0 || to < from) return null;
  let doc: unknown;
  try {
    doc = JSON.parse(text.slice(from, to + 1));
  } catch {
    return null;
  }
  const inner = (doc as { content?: { text?: unknown }[] }).content?.[0]?.text;
  return typeof inner === 'string' ? resultJson(inner) : (doc as Record<string, unknown>);
}
const json = resultJson;

export class McpLead {
  private stage: Stage = 'startApi';
  /** The workers' names: api and docs, with `suffix` (a second lead in the same repository). */
  readonly api: string;
  readonly docs: string;
  /** The files the workers are asked to add. */
  readonly apiFile: string;
  readonly docsFile: string;

  constructor(suffix = '') {
    this.api = `api${suffix}`;
    this.docs = `docs${suffix}`;
    this.apiFile = `api${suffix}.txt`;
    this.docsFile = `docs${suffix}.md`;
  }

  private pending: { tool: string; args: Record<string, unknown> } | null = null;
  readonly exchanges: LeadExchange[] = [];
  /** What the lead said at the end. */
  report: string | null = null;

  /** The lead's next step, given the result of its last tool call (null on its first turn). */
  next(lastResult: string | null): LeadStep {
    if (this.pending && lastResult !== null) {
      this.exchanges.push({ ...this.pending, result: lastResult });
      this.advance(this.pending.tool, json(lastResult));
    }
    const step = this.step();
    this.pending = 'tool' in step ? step : null;
    return step;
  }

  private advance(tool: string, r: Record<string, unknown> | null): void {
    const agent = (r?.agent ?? {}) as { state?: string };
    const reached = r?.reached === true;
    switch (this.stage) {
      case 'startApi':
        this.stage = 'startDocs';
        break;
      case 'startDocs':
        this.stage = 'waitApi';
        break;
      case 'waitApi':
        if (reached && agent.state === 'needs_permission') this.stage = 'answerApi';
        else if (reached && agent.state === 'idle') this.stage = 'waitDocs';
        break;
      case 'answerApi':
        this.stage = 'waitApi';
        break;
      case 'waitDocs':
        if (reached && agent.state === 'needs_permission') this.stage = 'answerDocs';
        else if (reached && agent.state === 'idle') this.stage = 'diffApi';
        break;
      case 'answerDocs':
        this.stage = 'waitDocs';
        break;
      case 'diffApi':
        this.stage = 'diffDocs';
        break;
      case 'diffDocs':
        this.stage = 'mergeApi';
        break;
      case 'mergeApi':
        this.stage = 'report';
        break;
      default:
        void tool;
    }
  }

  private step(): LeadStep {
    const wait = (agent: string, states: string[]): LeadStep => ({
      tool: 'wait_for_state',
      args: { agent, states, timeoutMs: 40_000 },
    });
    switch (this.stage) {
      case 'startApi':
        return {
          tool: 'start_agent',
          args: { profile: 'codex', name: this.api, prompt: `${API_PROMPT} ${this.apiFile}` },
        };
      case 'startDocs':
        return {
          tool: 'start_agent',
          args: { profile: 'qwen', name: this.docs, prompt: `${DOCS_PROMPT} ${this.docsFile}` },
        };
      case 'waitApi':
        return wait(this.api, ['idle', 'needs_permission']);
      case 'answerApi':
        return { tool: 'answer_dialog', args: { agent: this.api, action: 'approve' } };
      case 'waitDocs':
        return wait(this.docs, ['idle', 'needs_permission']);
      case 'answerDocs':
        return { tool: 'answer_dialog', args: { agent: this.docs, action: 'approve' } };
      case 'diffApi':
        return { tool: 'get_diff', args: { agent: this.api, stat: true } };
      case 'diffDocs':
        return { tool: 'get_diff', args: { agent: this.docs, stat: true } };
      case 'mergeApi':
        return {
          tool: 'merge',
          args: { agent: this.api, strategy: 'merge', commit: `${this.api}: from the codex worker` },
        };
      case 'report':
      case 'done': {
        this.stage = 'done';
        const merged = json(this.exchanges.at(-1)?.result ?? '');
        this.report = `Team report: ${this.api} (codex) merged into ${String(merged?.target ?? '?')} as ${String(merged?.commit ?? '?').slice(0, 7)}; ${this.docs} (qwen) is idle with its change, left for your review.`;
        return { text: this.report };
      }
    }
  }
}
