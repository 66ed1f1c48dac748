import { describe, expect, it } from 'vitest';
import { ProgressHub } from './progress-hub.js';

describe('ProgressHub', () => {
  it('gives an operation’s lines to those who follow its id, keeps nothing, survives a failing follower', () => {
    const hub = new ProgressHub();
    const seen: [string | null, boolean][] = [];
    const off = hub.subscribe('op-1234567', (line, partial) => seen.push([line, partial]));
    hub.subscribe('op-1234567', () => {
      throw new Error('a broken socket');
    });
    const report = hub.reporter('op-1234567');
    report('Counting objects:  50% (1/2)', true);
    report('Counting objects: 100% (2/2), done.');
    hub.reporter('another-op')('not ours');
    hub.reporter(undefined)('nobody asked');
    report(null);
    off();
    report('after');
    expect(seen).toEqual([
      ['Counting objects:  50% (1/2)', true],
      ['Counting objects: 100% (2/2), done.', false],
      [null, false],
    ]);
  });
});
