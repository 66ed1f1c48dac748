import { describe, expect, it } from 'vitest';
import { NO_KEY } from '../../../../test/support/ink-key.js';
import { openingView, routeKey, type KeyRouter } from './use-keys.js';

describe('the key router of the open view', () => {
  it('keeps keys typed with the one that opened a view for that view, never the view before', () => {
    const before: string[] = [];
    // The diff view closed, its cleanup not run yet: its handler is still in the router.
    const router: KeyRouter = { handler: (input) => before.push(input), pending: [['x', NO_KEY]] };
    openingView(router); // `m` opened the merge form
    routeKey(router, '\t', { ...NO_KEY, tab: true });
    expect(before).toEqual([]);
    expect(router.pending.map(([input]) => input)).toEqual(['\t']);
  });
});
