import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { keyLabel } from '../../src/interfaces/tui/views/chrome.js';
import { TUI_ACTIONS } from '../../src/interfaces/tui/keymap.js';
import { REPO } from '../support/harness.js';

/** The rows of the table after `<!-- tui-keys` in docs/tui.md: action → [keys, help]. */
function keysTable(): Map<string, [string, string]> {
  const text = readFileSync(join(REPO, 'docs/tui.md'), 'utf8');
  const at = text.indexOf('<!-- tui-keys');
  expect(at, 'docs/tui.md has no <!-- tui-keys --> marker').toBeGreaterThan(0);
  const rows = new Map<string, [string, string]>();
  for (const line of text.slice(at).split('\n').slice(1)) {
    if (line.trim() === '') {
      if (rows.size > 0) break;
      continue;
    }
    const cells = line
      .split('|')
      .slice(1, -1)
      .map((c) => c.trim());
    const [keys = '', action = '', help = ''] = cells;
    if (action !== '' && action !== 'action' && !action.startsWith('-')) rows.set(action, [keys, help]);
  }
  return rows;
}

describe('docs/tui.md keys table', () => {
  it('lists every action of the TUI with its default keys and what it does', () => {
    const table = keysTable();
    expect([...table.keys()]).toEqual(Object.keys(TUI_ACTIONS));
    for (const [action, { keys, help }] of Object.entries(TUI_ACTIONS)) {
      expect(table.get(action), action).toEqual([keys.map((k) => `\`${keyLabel(k)}\``).join(' '), help]);
    }
  });
});
