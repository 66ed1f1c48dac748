import type { InkKey } from '../keymap.js';

/** A one-line text field's value after a key press; `done`/`cancel` when enter/esc ended it. */
export function editLine(
  value: string,
  input: string,
  key: InkKey,
): { value: string; done?: boolean; cancel?: boolean } {
  if (key.return) return { value, done: true };
  if (key.escape) return { value, cancel: true };
  if (key.backspace || key.delete) return { value: [...value].slice(0, -1).join('') };
  if (key.ctrl && input === 'u') return { value: '' };
  if (key.ctrl && input === 'w') return { value: value.replace(/\S*\s*$/, '') };
  if (key.ctrl || key.upArrow || key.downArrow || key.leftArrow || key.rightArrow || key.tab)
    return { value };
  // Printable text only (a paste arrives as one string): no control characters reach the daemon.
  return { value: value + input.replace(/[\x00-\x1f\x7f]/g, '') };
}
