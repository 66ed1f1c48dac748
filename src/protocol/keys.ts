/** Keys `wtp send --key` can press, by name, and the bytes a terminal sends for them. */
export const KEYS = {
  esc: '\x1b',
  enter: '\r',
  tab: '\t',
  'shift-tab': '\x1b[Z',
  up: '\x1b[A',
  down: '\x1b[B',
  right: '\x1b[C',
  left: '\x1b[D',
  backspace: '\x7f',
  'ctrl-c': '\x03',
  'ctrl-d': '\x04',
} as const satisfies Record<string, string>;

export type KeyName = keyof typeof KEYS;

/** The bytes of a key name (any case), or undefined for a name the table does not have. */
export function keyBytesOf(name: string): string | undefined {
  const n = name.toLowerCase();
  return Object.hasOwn(KEYS, n) ? KEYS[n as KeyName] : undefined;
}
