import { describe, expect, it } from 'vitest';
import { didYouMean, didYouMeanText } from './did-you-mean.js';
import { PROFILE_NAMES } from './profile-names.js';

describe('didYouMean', () => {
  it('finds the close name: a typo, a swap, a missing letter, another case', () => {
    expect(didYouMean('clade', PROFILE_NAMES)).toBe('claude');
    expect(didYouMean('cluade', PROFILE_NAMES)).toBe('claude');
    expect(didYouMean('codx', PROFILE_NAMES)).toBe('codex');
    expect(didYouMean('stopGraceMS', ['stopGraceMs', 'submitDelayMs'])).toBe('stopGraceMs');
    expect(didYouMean('Gemini', PROFILE_NAMES)).toBe('gemini');
  });

  it('suggests nothing for a name far from all, or for an exact one', () => {
    expect(didYouMean('gpt9', PROFILE_NAMES)).toBeNull();
    expect(didYouMean('sh', PROFILE_NAMES)).toBeNull();
    expect(didYouMean('claude', PROFILE_NAMES)).toBeNull();
    expect(didYouMean('x', [])).toBeNull();
  });

  it('says it as a sentence to append', () => {
    expect(didYouMeanText('clade', PROFILE_NAMES)).toBe(' Did you mean "claude"?');
    expect(didYouMeanText('zzz', PROFILE_NAMES)).toBe('');
  });
});
