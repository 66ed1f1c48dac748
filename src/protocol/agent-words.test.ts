import { describe, expect, it } from 'vitest';
import { agentWords, askedAbout, screenEvidence, stateEvidence } from './agent-words.js';

const DIALOG = 'screen claude/permission-dialog line 31: "Do you want to proceed?"';

describe('agentWords', () => {
  it('prefers the message, else quotes a status record or a Notification hook', () => {
    expect(agentWords({ message: 'Claude needs your permission', evidence: 'msg="x"' })).toBe(
      'Claude needs your permission',
    );
    expect(
      agentWords({ evidence: 'status 7501 state=blocked kind=permission msg="approve Bash: echo \\"hi\\""' }),
    ).toBe('approve Bash: echo "hi"');
    expect(agentWords({ evidence: 'hook Notification permission_prompt "Claude needs you"' })).toBe(
      'Claude needs you',
    );
    expect(agentWords({ evidence: 'hook PermissionRequest run_shell_command "touch \\"a b\\""' })).toBe(
      'run_shell_command: touch "a b"',
    );
    expect(agentWords({ evidence: 'hook PermissionRequest Bash' })).toBeUndefined();
    expect(agentWords({ evidence: 'screen claude/spinner line 12' })).toBeUndefined();
    expect(agentWords({})).toBeUndefined();
  });

  it('says what a dialog found on screen asks, with the command it is about', () => {
    expect(agentWords({ evidence: DIALOG, reason: 'permission' })).toBe('Do you want to proceed?');
    expect(agentWords({ evidence: `${DIALOG} about "echo \\"hi\\" > out.txt"`, reason: 'permission' })).toBe(
      'Do you want to proceed? (echo "hi" > out.txt)',
    );
    // A row that made an idle or busy verdict is not the agent asking anything.
    expect(
      agentWords({ evidence: 'screen claude/turn-done line 9: "✻ Worked for 2s"', reason: 'turn_done' }),
    ).toBeUndefined();
  });
});

describe('screenEvidence', () => {
  it('reads the rule, the row and what it is about back from the evidence', () => {
    expect(screenEvidence(`${DIALOG} about "ls" resets 3pm`)).toEqual({
      rule: 'claude/permission-dialog',
      text: 'Do you want to proceed?',
      about: 'ls',
    });
    expect(screenEvidence('hook PermissionRequest Bash')).toBeUndefined();
    expect(screenEvidence(undefined)).toBeUndefined();
  });
});

describe('askedAbout', () => {
  it("reads a PermissionRequest hook's target or a screen dialog's about, else nothing", () => {
    expect(askedAbout('hook PermissionRequest run_shell_command "touch \\"x\\""')).toBe('touch "x"');
    expect(
      askedAbout('screen codex/approval line 9: "Would you like to run" about "echo hi > out.txt"'),
    ).toBe('echo hi > out.txt');
    expect(askedAbout('hook PermissionRequest Bash')).toBeUndefined();
    expect(askedAbout('status 7501 state=blocked:kind=permission')).toBeUndefined();
    expect(askedAbout(undefined)).toBeUndefined();
  });
});

describe('stateEvidence', () => {
  it('names the source once: evidence that starts with it is not prefixed again', () => {
    expect(stateEvidence({ source: 'screen', evidence: DIALOG, reason: 'permission' })).toBe(DIALOG);
    expect(
      stateEvidence({ source: 'hook', evidence: 'hook PermissionRequest Bash', reason: 'permission' }),
    ).toBe('hook PermissionRequest Bash');
    expect(stateEvidence({ source: 'status', evidence: 'status 7501 state=busy', reason: 'working' })).toBe(
      'status 7501 state=busy',
    );
    expect(stateEvidence({ source: 'lifecycle', reason: 'spawned' })).toBe('lifecycle spawned');
    expect(stateEvidence({ reason: 'stopped' })).toBe('stopped');
  });
});
