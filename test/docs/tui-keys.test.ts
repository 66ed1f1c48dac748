import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { keyLabel } from '../../src/interfaces/tui/views/chrome.js';
import { TUI_ACTIONS } from '../../src/interfaces/tui/keymap.js';
import { markedTable } from '../support/doc-files.js';
import { REPO } from '../support/harness.js';

/** The rows of the table after `<!-- tui-keys` in docs/tui.md: action → [keys, help]. */
function keysTable(): Map<string, [string, string]> {
  const rows = markedTable(readFileSync(join(REPO, 'docs/tui.md'), 'utf8'), 'tui-keys');
  return new Map(
    rows
      .filter(([, action = '']) => action !== '' && action !== 'action' && !action.startsWith('-'))
      .map(([keys = '', action = '', help = '']) => [action, [keys, help]]),
  );
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
