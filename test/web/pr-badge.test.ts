import { describe, expect, it } from 'vitest';
import type { AgentView } from '../../src/protocol/agent.js';
import { checksBadge } from '../../web/src/fleet/pr-badge.js';

type Pr = NonNullable<AgentView['pullRequest']>;

/** The pull request badge (web/src/fleet/pr-badge.tsx) on what another machine published. */
describe('the pull request badge', () => {
  it('says a checks state it does not know (or none) instead of throwing (issue 30)', () => {
    const open = { state: 'open' } as Pr;
    expect(checksBadge({ ...open, checksState: 'failing' })).toEqual({ color: 'red', label: 'checks fail' });
    // A row without checksState blanked every machine's dashboard.
    expect(checksBadge(open)).toEqual({ color: 'gray', label: 'checks unknown' });
    expect(checksBadge({ ...open, checksState: 'constructor' as Pr['checksState'] })).toEqual({
      color: 'gray',
      label: 'checks unknown',
    });
    expect(checksBadge({ ...open, state: 'merged' })).toEqual({ color: 'grape', label: 'merged' });
  });
});
