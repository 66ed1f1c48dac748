import { describe, expect, it } from 'vitest';
import type { SandboxSpawn } from '../../protocol/sandbox.js';
import { sbString, seatbeltProfile } from './seatbelt-profile.js';

/**
 * The Seatbelt profile language as Apple's own profiles write it (/System/Library/Sandbox/Profiles
 * /*.sb; "Apple Sandbox Guide v1.0", reverse.put.as): S-expressions of `(version 1)` and rules
 * `(allow|deny OPERATION… FILTER…)`; strings in double quotes with backslash escapes, regular
 * expressions as `#"…"`. macOS is not available here: the profile is checked against this
 * grammar and these documented names, not run.
 */
const OPERATIONS = new Set([
  'default',
  'file*',
  'file-read*',
  'file-read-data',
  'file-read-metadata',
  'file-write*',
  'file-write-data',
  'file-ioctl',
  'ipc-posix-shm',
  'ipc-posix-sem',
  'mach-lookup',
  'network*',
  'network-outbound',
  'network-inbound',
  'network-bind',
  'process-exec',
  'process-fork',
  'process-info*',
  'signal',
  'sysctl-read',
  'pseudo-tty',
]);
const FILTERS: Record<string, (args: Node[]) => boolean> = {
  literal: (a) => a.length === 1 && a[0]?.kind === 'string',
  subpath: (a) => a.length === 1 && a[0]?.kind === 'string',
  regex: (a) => a.length === 1 && a[0]?.kind === 'regex',
  'global-name': (a) => a.length === 1 && a[0]?.kind === 'string',
  remote: (a) =>
    a.length === 2 &&
    a[0]?.kind === 'symbol' &&
    a[0].value === 'ip' &&
    a[1]?.kind === 'string' &&
    /^(localhost|\*):(\d+|\*)$/.test(a[1].value),
  target: (a) => a.length === 1 && a[0]?.kind === 'symbol' && a[0].value === 'same-sandbox',
};

type Node =
  | { kind: 'list'; items: Node[] }
  | { kind: 'symbol'; value: string }
  | { kind: 'string'; value: string }
  | { kind: 'regex'; value: string }
  | { kind: 'number'; value: number };

/** Parses the profile's S-expressions; throws on anything the language does not have. */
function parse(text: string): Node[] {
  let i = 0;
  const str = (): string => {
    let out = '';
    i++; // the opening quote
    for (;;) {
      const c = text[i++];
      if (c === undefined) throw new Error('unterminated string');
      if (c === '"') return out;
      if (c === '\\') {
        const e = text[i++];
        if (e !== '"' && e !== '\\') throw new Error(`unknown escape \\${e}`);
        out += e;
      } else out += c;
    }
  };
  const node = (): Node => {
    const c = text[i];
    if (c === '(') {
      i++;
      const items: Node[] = [];
      for (;;) {
        while (/\s/.test(text[i] ?? '')) i++;
        if (text[i] === undefined) throw new Error('unbalanced (');
        if (text[i] === ')') {
          i++;
          return { kind: 'list', items };
        }
        items.push(node());
      }
    }
    if (c === '"') return { kind: 'string', value: str() };
    if (c === '#' && text[i + 1] === '"') {
      i++;
      return { kind: 'regex', value: str() };
    }
    const m = /^[A-Za-z0-9*\-_.]+/.exec(text.slice(i));
    if (!m) throw new Error(`unexpected ${JSON.stringify(text.slice(i, i + 10))}`);
    i += m[0].length;
    return /^\d+$/.test(m[0]) ? { kind: 'number', value: Number(m[0]) } : { kind: 'symbol', value: m[0] };
  };
  const out: Node[] = [];
  for (;;) {
    while (/\s/.test(text[i] ?? '')) i++;
    if (i >= text.length) return out;
    if (text[i] === ')') throw new Error('unbalanced )');
    out.push(node());
  }
}

/** Checks one rule; returns its action, operations and filters' string arguments. */
function rule(n: Node): { action: string; ops: string[]; paths: string[] } {
  if (n.kind !== 'list') throw new Error('a rule is a list');
  const [head, ...rest] = n.items;
  if (head?.kind !== 'symbol' || !['allow', 'deny'].includes(head.value))
    throw new Error('allow or deny first');
  const ops: string[] = [];
  const paths: string[] = [];
  for (const item of rest) {
    if (item.kind === 'symbol') {
      if (!OPERATIONS.has(item.value)) throw new Error(`unknown operation ${item.value}`);
      if (paths.length > 0) throw new Error('operations come before filters');
      ops.push(item.value);
    } else if (item.kind === 'list') {
      const [name, ...args] = item.items;
      if (name?.kind !== 'symbol' || !FILTERS[name.value]?.(args))
        throw new Error(`bad filter ${JSON.stringify(item)}`);
      for (const a of args) if (a.kind === 'string') paths.push(a.value);
    } else throw new Error(`unexpected ${item.kind} in a rule`);
  }
  if (ops.length === 0) throw new Error('a rule names an operation');
  return { action: head.value, ops, paths };
}

const HOSTILE = '/Users/me/work/a") (allow file-write* (subpath "/")) ("\\';
const sandbox: SandboxSpawn = {
  write: ['/Users/me/.wtp/worktrees/p/a', HOSTILE],
  hide: ['/Users/me/.wtp', '/Users/me/.ssh'],
  read: ['/Users/me/.wtp/agents/ag-1'],
  readOnly: ['/Users/me/.wtp/worktrees/p/a/.git'],
  hosts: ['api.anthropic.com:443'],
  forwards: [{ host: '127.0.0.1', port: 8080 }],
  daemon: { socket: '/Users/me/.wtp/run/api.sock', port: 7537, hookPath: '/api/v1/hooks/ag-1' },
};

describe('seatbeltProfile: the macOS sandbox, in the Seatbelt profile language', () => {
  const text = seatbeltProfile({ sandbox, proxyPort: 3128, tmpDir: '/Users/me/.wtp/agents/ag-1/tmp' });
  const forms = parse(text);
  const rules = forms.slice(1).map(rule);

  it('is (version 1) then rules of documented operations and filters, denying by default', () => {
    expect(forms[0]).toEqual({
      kind: 'list',
      items: [
        { kind: 'symbol', value: 'version' },
        { kind: 'number', value: 1 },
      ],
    });
    expect(rules[0]).toEqual({ action: 'deny', ops: ['default'], paths: [] });
  });

  it('keeps a hostile path a string: it cannot close the rule it is in', () => {
    const writes = rules.filter((r) => r.action === 'allow' && r.ops.includes('file-write*'));
    expect(writes.flatMap((r) => r.paths)).toContain(HOSTILE);
    expect(writes.some((r) => r.paths.includes('/'))).toBe(false);
    expect(() => sbString('a\nb')).toThrow();
  });

  it('hides the hidden paths, and shows deeper ones again after them (the last matching rule wins)', () => {
    const index = (action: string, op: string, path: string): number =>
      rules.findIndex((r) => r.action === action && r.ops.includes(op) && r.paths.includes(path));
    const state = index('deny', 'file-read*', '/Users/me/.wtp');
    expect(state).toBeGreaterThan(index('allow', 'file-read*', '/')); // the blanket read rule has no path: -1
    expect(index('deny', 'file-read*', '/Users/me/.ssh')).toBeGreaterThan(0);
    expect(index('allow', 'file-write*', '/Users/me/.wtp/worktrees/p/a')).toBeGreaterThan(state);
    expect(index('allow', 'file-read*', '/Users/me/.wtp/agents/ag-1')).toBeGreaterThan(state);
    expect(index('deny', 'file-write*', '/Users/me/.wtp/worktrees/p/a/.git')).toBeGreaterThan(
      index('allow', 'file-write*', '/Users/me/.wtp/worktrees/p/a'),
    );
  });

  it('reaches the network only at the proxy, the loopback endpoints and the daemon’s TCP port', () => {
    const net = rules.filter((r) => r.ops.some((o) => o.startsWith('network')));
    expect(net[0]).toEqual({ action: 'deny', ops: ['network*'], paths: [] });
    expect(net.slice(1).map((r) => r.paths[0])).toEqual([
      'localhost:3128',
      'localhost:8080',
      'localhost:7537',
    ]);
    expect(text).not.toContain('api.sock');
  });
});
