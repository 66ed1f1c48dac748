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

export const API_PROMPT = 'make the api: add api.txt';
export const DOCS_PROMPT = 'write the docs: add docs.md';

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

/** The result's JSON, or null when it is none (an error text). */
function json(text: string): Record<string, unknown> | null {
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return null;
  }
}

export class McpLead {
  private stage: Stage = 'startApi';
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
        return { tool: 'start_agent', args: { profile: 'codex', name: 'api', prompt: API_PROMPT } };
      case 'startDocs':
        return { tool: 'start_agent', args: { profile: 'qwen', name: 'docs', prompt: DOCS_PROMPT } };
      case 'waitApi':
        return wait('api', ['idle', 'needs_permission']);
      case 'answerApi':
        return { tool: 'answer_dialog', args: { agent: 'api', action: 'approve' } };
      case 'waitDocs':
        return wait('docs', ['idle', 'needs_permission']);
      case 'answerDocs':
        return { tool: 'answer_dialog', args: { agent: 'docs', action: 'approve' } };
      case 'diffApi':
        return { tool: 'get_diff', args: { agent: 'api', stat: true } };
      case 'diffDocs':
        return { tool: 'get_diff', args: { agent: 'docs', stat: true } };
      case 'mergeApi':
        return {
          tool: 'merge',
          args: { agent: 'api', strategy: 'merge', commit: 'api: from the codex worker' },
        };
      case 'report':
      case 'done': {
        this.stage = 'done';
        const merged = json(this.exchanges.at(-1)?.result ?? '');
        this.report = `Team report: api (codex) merged into ${String(merged?.target ?? '?')} as ${String(merged?.commit ?? '?').slice(0, 7)}; docs (qwen) is idle with its change, left for your review.`;
        return { text: this.report };
      }
    }
  }
}
