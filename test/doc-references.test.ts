import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AGENT_BIN_VARS, ENV_VARS, OTHER_ENV_VARS } from '../src/config/env.js';
import { AGENT_ENV_VARS } from '../src/protocol/agent-env.js';
import { hostMessageSchema, type DaemonMessage } from '../src/protocol/host.js';
import { ptyClientMessageSchema, ptyServerMessageSchema } from '../src/protocol/pty.js';
import { REPO } from './support/harness.js';

const read = (path: string): string => readFileSync(join(REPO, path), 'utf8');

/** Files under `dir`, as paths relative to the repository. */
function files(dir: string): string[] {
  return readdirSync(join(REPO, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => relative(REPO, join(e.parentPath, e.name)));
}

/** Does a repository path exist? `*` and `**` match as in a glob (at least one file must match). */
function exists(path: string): boolean {
  if (!path.includes('*')) return existsSync(join(REPO, path));
  const segments = path.split('/');
  const base = segments
    .slice(
      0,
      segments.findIndex((s) => s.includes('*')),
    )
    .join('/');
  const pattern = new RegExp(
    `^${path
      .replace(/[.+?^${}()|[\]\\]/g, '\\$&')
      .replace(/\*\*\//g, '\0')
      .replace(/\*/g, '[^/]*')
      .replace(/\0/g, '(?:.*/)?')}/?$`,
  );
  return (
    existsSync(join(REPO, base)) && files(base).some((f) => pattern.test(f) || pattern.test(`${dirname(f)}/`))
  );
}

/** Paths the docs name as files to create, not as files that exist. */
const TO_CREATE = new Set(['src/adapters/sqlite/migrations/000N-name.ts']);

const ROOTS = [
  'src/',
  'test/',
  'docs/',
  'bench/',
  'tools/',
  'scripts/',
  'plugin/',
  'web/',
  'schemas/',
  '.ci/',
];

/** Every `path` in code spans of a Markdown file that names a file or folder of the repository. */
function backtickedPaths(markdown: string): string[] {
  const spans = [...markdown.matchAll(/`([^`\n]+)`/g)].map((m) => m[1]!.trim());
  const paths = spans
    .flatMap((span) => span.split(/[\s,]+/))
    .map((p) => p.replace(/^\(|[):;.]+$/g, ''))
    .filter((p) => ROOTS.some((root) => p.startsWith(root)))
    // Placeholders (`src/vendors/<name>/`) and brace lists name families, not files.
    .filter((p) => !/[<>{}]/.test(p));
  return [...new Set(paths)];
}

describe('the docs name files that exist', () => {
  it.each(['docs/ARCHITECTURE.md', 'DEVELOPERS.md'])(
    'every backticked repository path in %s exists',
    (doc) => {
      const missing = backtickedPaths(read(doc)).filter((p) => !TO_CREATE.has(p) && !exists(p));
      expect(missing, `${doc} names paths that are not in the repository`).toEqual([]);
    },
  );

  it.each(['README.md', 'docs/ARCHITECTURE.md'])('every bench result %s cites is committed', (doc) => {
    const text = read(doc);
    // Links relative to the document (`bench-results/x.json` from docs/) and repository paths.
    const cited = [
      ...[...text.matchAll(/docs\/bench-results\/([\w.-]+\.json)/g)].map((m) => m[1]!),
      ...[...text.matchAll(/\]\((?:\.\/)?(?:docs\/)?bench-results\/([\w.-]+\.json)\)/g)].map((m) => m[1]!),
      // A result named by its file alone: `2026-11-23-core.json`.
      ...[...text.matchAll(/`(\d{4}-\d{2}-\d{2}-[\w.-]+\.json)`/g)].map((m) => m[1]!),
    ];
    const missing = [...new Set(cited)].filter((f) => !existsSync(join(REPO, 'docs/bench-results', f)));
    expect(missing, `${doc} cites bench results that are not committed`).toEqual([]);
  });
});

describe('docs/environment.md cannot miss a variable', () => {
  const documented = new Set([
    ...Object.values(ENV_VARS).map((v) => v.name),
    ...AGENT_BIN_VARS,
    ...OTHER_ENV_VARS.map((v) => v.name),
    ...Object.keys(AGENT_ENV_VARS),
  ]);
  const sources = files('src')
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
    .map((f) => [f, read(f)] as const);

  it('every variable the source reads from an environment object is documented', () => {
    // `env.PATH`, `childEnv.TMUX_TMPDIR`, `ctx.env.CODEX_HOME`, `source.npm_lifecycle_event`, `env['X']`
    const reads = sources.flatMap(([file, text]) =>
      [
        ...text.matchAll(/\b(?:env|Env|source)\??\.([A-Z][A-Z0-9_]{2,}|npm_[a-z_]+)\b/g),
        ...text.matchAll(/\b(?:env|Env|source)\[['"]([A-Za-z_][A-Za-z0-9_]*)['"]\]/g),
      ].map((m) => `${m[1]!} (${file})`),
    );
    expect(reads.filter((r) => !documented.has(r.split(' ')[0]!))).toEqual([]);
  });

  it('every variable an agent is documented to get is set somewhere in the source', () => {
    const unset = Object.keys(AGENT_ENV_VARS).filter(
      (name) =>
        !sources.some(([file, text]) => file !== 'src/protocol/agent-env.ts' && text.includes(`${name}:`)),
    );
    expect(unset).toEqual([]);
  });
});

/** Every daemon → host message type; the compiler fails here when one is added to `DaemonMessage`. */
const DAEMON_MESSAGES = [
  'welcome',
  'spawn',
  'paste',
  'keys',
  'resize',
  'signal',
  'pause',
  'state',
  'notify',
  'shutdown',
  'ack',
  'request',
] as const satisfies readonly DaemonMessage['type'][];
const allDaemonMessages: Exclude<DaemonMessage['type'], (typeof DAEMON_MESSAGES)[number]> extends never
  ? true
  : false = true;

/** The `type`s of a zod discriminated union of message objects. */
const typesOf = (schema: { options: readonly { shape: { type: { value: string } } }[] }): string[] =>
  schema.options.map((o) => o.shape.type.value);

describe('the docs list every protocol message', () => {
  /** The backticked names after `marker` (the first one after `after`, when given) in `doc`, up to the next `;`. */
  const listed = (doc: string, marker: string, after = ''): string[] => {
    const text = read(doc).replace(/\s+/g, ' ');
    const from = text.indexOf(after);
    const at = text.indexOf(marker, from);
    expect(from, `"${after}" is not in ${doc}`).toBeGreaterThan(-1);
    expect(at, `"${marker}" is not in ${doc}`).toBeGreaterThan(-1);
    const list = text.slice(at + marker.length, text.indexOf(';', at));
    return [...list.matchAll(/`([A-Za-z]+)`/g)].map((m) => m[1]!).sort();
  };

  it.each([
    // The terminal WebSocket, in the API guide; the host protocol, in DEVELOPERS.md (Inside the daemon).
    ['docs/api.md', 'JSON frames from the server:', '', typesOf(ptyServerMessageSchema)],
    ['docs/api.md', 'from the client:', 'JSON frames from the server:', typesOf(ptyClientMessageSchema)],
    ['DEVELOPERS.md', 'JSON messages from the host:', '', typesOf(hostMessageSchema)],
    ['DEVELOPERS.md', 'from the daemon:', 'JSON messages from the host:', [...DAEMON_MESSAGES]],
  ])('%s, after "%s"', (doc, marker, after, types) => {
    expect(allDaemonMessages).toBe(true);
    expect(listed(doc, marker, after)).toEqual([...types].sort());
  });
});
