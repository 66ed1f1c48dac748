/**
 * The TUI's keys: every action has default keys, shown in the footer and the `?` help; the config's
 * `tui.keys` replaces an action's keys (`tui: { keys: { approve: [y] } }`). Key names: a character
 * (`j`, `A`, `/`, `?`), or `up` `down` `left` `right` `enter` `esc` `tab` `shift-tab` `space`
 * `backspace` `pgup` `pgdn` `home` `end`, or `ctrl-<letter>`.
 */
export const TUI_ACTIONS = {
  down: { keys: ['j', 'down'], help: 'next agent or task' },
  up: { keys: ['k', 'up'], help: 'previous agent or task' },
  attach: { keys: ['enter'], help: 'attach full-screen (the detach key comes back here)' },
  nextNeeds: { keys: ['tab'], help: 'jump to the next agent that needs you' },
  approve: { keys: ['a'], help: 'approve the permission it asks for' },
  always: {
    keys: ['A'],
    help: 'approve, and do not ask again, as the dialog’s own option says (asks first if it changes the mode)',
  },
  deny: { keys: ['d'], help: 'deny, with an optional reason' },
  input: { keys: ['i'], help: 'answer its question, or type a line (held while it works)' },
  newAgent: { keys: ['n'], help: 'new agent: profile, name, prompt, worktree, mode, sandbox' },
  diff: { keys: ['D'], help: 'its changes: files and the coloured diff' },
  merge: { keys: ['m'], help: 'merge its branch (strategy, test command)' },
  conflicts: { keys: ['c'], help: 'where agents change the same files' },
  restart: { keys: ['r'], help: 'restart it' },
  stop: { keys: ['x'], help: 'stop it (it stays listed)' },
  remove: { keys: ['X'], help: 'remove it (refused as `wtp rm` refuses)' },
  filter: { keys: ['/'], help: 'filter by name, workspace, state or branch, as you type (esc: as it was)' },
  needsFirst: { keys: ['s'], help: 'sort: agents that need you first, or by workspace' },
  tasks: { keys: ['t'], help: 'switch between agents and tasks' },
  moveTask: { keys: ['M'], help: 'tasks: move the selected task to another status' },
  scrollUp: { keys: ['pgup', '['], help: 'scroll the preview back' },
  scrollDown: { keys: ['pgdn', ']'], help: 'scroll the preview forward' },
  help: { keys: ['?'], help: 'this help' },
  quit: { keys: ['q', 'ctrl-c'], help: 'quit (agents keep running)' },
} as const satisfies Record<string, { keys: readonly string[]; help: string }>;

export type TuiAction = keyof typeof TUI_ACTIONS;

const NAMED = [
  'up',
  'down',
  'left',
  'right',
  'enter',
  'esc',
  'tab',
  'shift-tab',
  'space',
  'backspace',
  'pgup',
  'pgdn',
  'home',
  'end',
];

/** Whether `name` is a key the TUI can bind. */
export function isKeyName(name: string): boolean {
  return NAMED.includes(name) || /^ctrl-[a-z]$/.test(name) || /^[!-~]$/.test(name);
}

/** What Ink's `useInput` reports for one key press. */
export interface InkKey {
  upArrow: boolean;
  downArrow: boolean;
  leftArrow: boolean;
  rightArrow: boolean;
  pageUp: boolean;
  pageDown: boolean;
  home?: boolean;
  end?: boolean;
  return: boolean;
  escape: boolean;
  ctrl: boolean;
  meta: boolean;
  shift: boolean;
  tab: boolean;
  backspace: boolean;
  delete: boolean;
}

/** The key name of a press (`j`, `A`, `enter`, `ctrl-c`, `shift-tab`), or null for one we do not bind. */
export function keyName(input: string, key: InkKey): string | null {
  if (key.upArrow) return 'up';
  if (key.downArrow) return 'down';
  if (key.leftArrow) return 'left';
  if (key.rightArrow) return 'right';
  if (key.pageUp) return 'pgup';
  if (key.pageDown) return 'pgdn';
  if (key.home) return 'home';
  if (key.end) return 'end';
  if (key.return) return 'enter';
  if (key.escape) return 'esc';
  if (key.tab) return key.shift ? 'shift-tab' : 'tab';
  if (key.backspace || key.delete) return 'backspace';
  if (key.ctrl && /^[a-z]$/i.test(input)) return `ctrl-${input.toLowerCase()}`;
  if (input === ' ') return 'space';
  return input.length === 1 && isKeyName(input) ? input : null;
}

export interface Keymap {
  /** The action bound to a key name. */
  action(key: string): TuiAction | undefined;
  /** An action's keys, for the footer and the help. */
  keys(action: TuiAction): readonly string[];
}

/** A problem with the config's `tui.keys`, said the way `wtp` says invalid input. */
export interface KeymapIssue {
  path: string;
  message: string;
}

/**
 * The keymap from the defaults and the config's overrides. A key bound to two actions, or a name
 * that is no key, is an issue (the TUI refuses to start and says which).
 */
export function buildKeymap(overrides: Partial<Record<string, readonly string[]>> = {}): {
  keymap: Keymap;
  issues: KeymapIssue[];
} {
  const issues: KeymapIssue[] = [];
  const bound = new Map<TuiAction, readonly string[]>();
  for (const action of Object.keys(TUI_ACTIONS) as TuiAction[]) {
    bound.set(action, overrides[action] ?? TUI_ACTIONS[action].keys);
  }
  for (const name of Object.keys(overrides)) {
    if (!(name in TUI_ACTIONS)) {
      issues.push({
        path: `tui.keys.${name}`,
        message: `no such action; actions: ${Object.keys(TUI_ACTIONS).join(', ')}`,
      });
    }
  }
  const byKey = new Map<string, TuiAction>();
  for (const [action, keys] of bound) {
    for (const key of keys) {
      if (!isKeyName(key)) {
        issues.push({ path: `tui.keys.${action}`, message: `"${key}" is not a key name` });
        continue;
      }
      const other = byKey.get(key);
      if (other !== undefined) {
        issues.push({ path: `tui.keys.${action}`, message: `"${key}" is already the key of ${other}` });
        continue;
      }
      byKey.set(key, action);
    }
  }
  return {
    keymap: { action: (key) => byKey.get(key), keys: (action) => bound.get(action) ?? [] },
    issues,
  };
}
