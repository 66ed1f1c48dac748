import { describe, expect, it } from 'vitest';
import type { AgentState, StateDetail } from './agent.js';
import { stateWhy } from './state-why.js';

const agent = (state: AgentState, d: Partial<StateDetail>) => ({
  state,
  stateDetail: { reason: 'spawned', ...d } as StateDetail,
});

describe('stateWhy: what an agent does or asks, in words', () => {
  it('never shows a raw signal: a status record without words reads as what it means', () => {
    const raw = 'status 7501 state=blocked kind=permission';
    const why = stateWhy(
      agent('needs_permission', { reason: 'permission', source: 'status', evidence: raw }),
    );
    expect(why).toBe('asks for permission · told by its CLI itself');
    expect(
      stateWhy(
        agent('working', {
          reason: 'working',
          source: 'hook',
          evidence: 'hook PreToolUse Bash',
          tool: 'Bash',
        }),
      ),
    ).toBe('working: uses Bash · told by its hook');
    expect(
      stateWhy(
        agent('idle', {
          reason: 'turn_done',
          source: 'screen',
          evidence: 'screen qwen/composer line 12: ">"',
        }),
      ),
    ).toBe('done with its turn, at its prompt · told by its screen');
  });

  it('says what the agent asks, then its own words', () => {
    expect(
      stateWhy(
        agent('needs_permission', {
          reason: 'permission',
          source: 'hook',
          evidence: 'hook PermissionRequest Bash "npm test"',
          request: { kind: 'permission', tool: 'Bash', about: 'npm test' },
        }),
      ),
    ).toBe('asks to run Bash: npm test');
    expect(
      stateWhy(
        agent('needs_permission', {
          reason: 'permission',
          source: 'status',
          evidence: 'status 7501 state=blocked kind=permission msg="approve deploy?"',
        }),
      ),
    ).toBe('approve deploy?');
  });

  it('names a file inside the agent’s folder relative to it (a list has no room for the whole path)', () => {
    const cwd = '/home/u/.local/state/wtp/worktrees/api';
    const asking = (about: string) => ({
      ...agent('needs_permission', {
        reason: 'permission',
        request: { kind: 'permission', tool: 'Write', about },
      }),
      cwd,
    });
    expect(stateWhy(asking(`${cwd}/src/a.ts`))).toBe('asks to use Write: src/a.ts');
    expect(stateWhy(asking('/etc/passwd'))).toBe('asks to use Write: /etc/passwd');
    expect(stateWhy(asking(`${cwd}-other/x`))).toBe(`asks to use Write: ${cwd}-other/x`);
  });

  it('says how an agent ended, and a usage limit', () => {
    expect(stateWhy(agent('exited', { reason: 'stopped', signal: 'SIGTERM', exitCode: null }))).toBe(
      'stopped by you, ended by SIGTERM',
    );
    expect(stateWhy(agent('exited', { reason: 'exited', exitCode: 3, signal: null }))).toBe('exit code 3');
    // What it said last, its last line: the one that says why, as a rule.
    expect(
      stateWhy(agent('exited', { reason: 'exited', exitCode: 1, lastWords: 'Usage: x\nError: no key' })),
    ).toBe('exit code 1; it said: Error: no key');
    expect(stateWhy(agent('crashed', { reason: 'crash_loop', exitCode: 1 }))).toBe(
      'kept crashing: not restarted again, exit code 1',
    );
    expect(stateWhy(agent('needs_input', { reason: 'usage_limit', source: 'screen', resetsAt: '3pm' }))).toBe(
      'hit a usage limit, resets 3pm',
    );
  });

  it('is one line of at most max characters', () => {
    const long = stateWhy(
      agent('needs_permission', {
        reason: 'permission',
        request: { kind: 'permission', tool: 'Bash', about: `a\n${'b'.repeat(300)}` },
      }),
      80,
    );
    expect(long).not.toContain('\n');
    expect(long.length).toBeLessThanOrEqual(80);
  });
});
