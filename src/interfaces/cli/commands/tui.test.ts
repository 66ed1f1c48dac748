import { describe, expect, it } from 'vitest';
import { withoutFetch } from './tui.js';

describe('withoutFetch (the TUI’s code loaded without undici)', () => {
  it('hides the global fetch while loading, and gives it back after, also when loading fails', async () => {
    const fetchBefore = globalThis.fetch;
    expect(typeof fetchBefore).toBe('function');
    const seen = await withoutFetch(() => Promise.resolve(typeof globalThis.fetch));
    expect(seen).toBe('undefined');
    expect(globalThis.fetch).toBe(fetchBefore);
    await expect(
      withoutFetch(() => {
        expect(globalThis.fetch).toBeUndefined();
        return Promise.reject(new Error('no such module'));
      }),
    ).rejects.toThrow('no such module');
    expect(globalThis.fetch).toBe(fetchBefore);
  });
});
