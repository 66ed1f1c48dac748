import { describe, expect, it } from 'vitest';
import { agentWords } from './agent-words.js';

describe('agentWords', () => {
  it('prefers the message, else quotes a status record or a Notification hook', () => {
    expect(agentWords({ message: 'Claude needs your permission', evidence: 'msg="x"' })).toBe(
      'Claude needs your permission',
    );
    expect(
      agentWords({ evidence: 'status 7501 state=blocked kind=permission msg="approve Bash: echo \\"hi\\""' }),
    ).toBe('approve Bash: echo \\"hi\\"');
    expect(agentWords({ evidence: 'hook Notification permission_prompt "Claude needs you"' })).toBe(
      'Claude needs you',
    );
    expect(agentWords({ evidence: 'screen claude/spinner line 12' })).toBeUndefined();
    expect(agentWords({})).toBeUndefined();
  });
});
