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

/** What `--key` accepts, as its help and errors list it. */
export const KEY_CHOICES = `${Object.keys(KEYS).join(', ')}, or a digit 0-9 (a numbered option)`;

/**
 * The bytes of a key name (any case), or of a digit (a dialog's numbered option: `--key 1`), or
 * undefined for a name the table does not have.
 */
export function keyBytesOf(name: string): string | undefined {
  if (/^[0-9]$/.test(name)) return name;
  const n = name.toLowerCase();
  return Object.hasOwn(KEYS, n) ? KEYS[n as KeyName] : undefined;
}
