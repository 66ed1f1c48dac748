import { describe, expect, it } from 'vitest';
import type { AgentView } from '../../src/protocol/agent.js';
import { askOf } from '../../web/src/inbox-words.js';

const agent = (state: AgentView['state'], stateDetail: AgentView['stateDetail']): AgentView =>
  ({ name: 'a1', state, stateDetail }) as AgentView;
const permission = (d: Partial<AgentView['stateDetail']>) =>
  askOf(agent('needs_permission', { reason: 'permission', ...d }));

/** What the inbox says an agent asks (web/src/inbox-words.ts), for every signal source. */
describe('the inbox’s words', () => {
  it('a dialog found on screen: its question, and the command it is about', () => {
    expect(
      permission({
        source: 'screen',
        evidence:
          'screen claude/permission-dialog line 31: "Do you want to proceed?" about "echo hi > out.txt"',
      }),
    ).toEqual({ text: 'asks “Do you want to proceed?”', about: 'echo hi > out.txt' });
    expect(
      permission({
        source: 'screen',
        evidence: 'screen codex/approval line 8: "Would you like to run the following command?"',
      }),
    ).toEqual({ text: 'asks “Would you like to run the following command?”' });
    // A matched row that is no question: what the rule stands for, and what the screen shows.
    expect(
      askOf(
        agent('needs_permission', {
          reason: 'trust',
          source: 'screen',
          evidence: 'screen claude/trust-dialog line 4: "Yes, I trust this folder"',
        }),
      ),
    ).toEqual({ text: 'asks whether you trust this folder' });
    expect(
      permission({ source: 'screen', evidence: 'screen gemini/confirm line 3: "● 1. Allow once"' }).text,
    ).toBe('asks for permission; the screen shows “● 1. Allow once”');
  });

  it('the agent’s own words from a status record or hook; else the tool it named', () => {
    expect(
      permission({
        source: 'status',
        evidence: 'status 7501 state=blocked kind=permission msg="approve Bash: ls"',
      }).text,
    ).toBe('approve Bash: ls');
    expect(
      permission({
        source: 'hook',
        evidence: 'hook Notification permission_prompt "Claude needs your permission to use Bash"',
      }).text,
    ).toBe('Claude needs your permission to use Bash');
    expect(permission({ source: 'hook', evidence: 'hook PermissionRequest Bash', tool: 'Bash' }).text).toBe(
      'asks to use Bash',
    );
    expect(
      permission({ source: 'stream', evidence: 'stream control_request can_use_tool Edit', tool: 'Edit' })
        .text,
    ).toBe('asks to use Edit');
    expect(permission({ source: 'process' }).text).toBe('asks for permission');
  });

  it('the request first: the tool, with the command or file shown apart; a question’s text', () => {
    const status = {
      source: 'status' as const,
      evidence: 'status 7501 state=blocked kind=permission msg="approve Bash: npm test"',
    };
    expect(
      permission({ ...status, request: { kind: 'permission', tool: 'Bash', about: 'npm test' } }),
    ).toEqual({
      text: 'asks to run Bash',
      about: 'npm test',
    });
    expect(
      permission({
        source: 'hook',
        evidence: 'hook PermissionRequest Write "/p/a.txt"',
        request: { kind: 'permission', tool: 'Write', about: '/p/a.txt', diff: 'hi\n' },
      }),
    ).toEqual({ text: 'asks to use Write', about: '/p/a.txt' });
    expect(
      askOf(
        agent('needs_input', {
          reason: 'question',
          source: 'status',
          request: { kind: 'question', question: 'Which colour?', options: ['Red', 'Blue'] },
        }),
      ),
    ).toEqual({ text: 'asks “Which colour?”' });
    // A target from the screen without its tool: the dialog's question, and the target.
    expect(
      permission({
        source: 'screen',
        evidence: 'screen codex/approval line 8: "Would you like to run the following command?"',
        request: { kind: 'permission', about: 'ls -la' },
      }),
    ).toEqual({ text: 'asks “Would you like to run the following command?”', about: 'ls -la' });
    // Only the kind: as before, from the evidence.
    expect(permission({ ...status, request: { kind: 'permission' } }).text).toBe('approve Bash: npm test');
  });

  it('questions, sign-in, usage limits and crashes', () => {
    expect(askOf(agent('needs_input', { reason: 'question', source: 'hook' })).text).toBe('asks a question');
    expect(askOf(agent('needs_input', { reason: 'auth', source: 'status' })).text).toBe(
      'asks you to sign in',
    );
    expect(askOf(agent('needs_input', { reason: 'usage_limit', resetsAt: '3pm' })).text).toBe(
      'hit a usage limit, resets 3pm',
    );
    expect(askOf(agent('crashed', { reason: 'crash_loop', exitCode: 1 })).text).toBe(
      'keeps crashing (exit 1)',
    );
    expect(askOf(agent('crashed', { reason: 'exited', signal: 'SIGKILL' })).text).toBe('crashed (SIGKILL)');
    expect(askOf(agent('crashed', { reason: 'spawn_failed', message: 'no such program: claude' })).text).toBe(
      'could not start: no such program: claude',
    );
  });
});
