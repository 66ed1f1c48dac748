import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type ConsoleBlock, parseBlocks, rewriteBlocks } from './doc-blocks.js';
import { runnableGuides } from './doc-files.js';
import { compare, outputLines } from './doc-match.js';
import { DocSession, type SessionKind } from './doc-session.js';
import { checkSyntax } from './doc-syntax.js';
import { cannotMountTmpfs } from './fill-disk.js';
import { REPO } from './harness.js';

/**
 * Runs the ```console blocks of README.md and of the guides under docs/ (test/docs/*.test.ts), in
 * order, against a real daemon on the real tmux backend in a fresh git repository
 * (doc-session.ts); what each `$` command prints must be what the document shows (doc-match.ts
 * says what may differ: ids, pids, times, sizes…). Directives in a `<!-- doc-test: … -->` comment
 * before a block (doc-blocks.ts) start a new session, wait for a state, or mark a block that cannot
 * run here (WezTerm), whose commands must still parse (doc-syntax.ts).
 *
 * `npm run docs:update` (WTP_DOCS_UPDATE=1) writes what the run printed back into the documents
 * instead of failing, keeping every shown line that still matches and every `…`.
 */

const UPDATE = process.env.WTP_DOCS_UPDATE === '1';

const SESSION_KINDS: readonly string[] = ['tmux', 'claude', 'disk-full'];

function sessionKind(block: ConsoleBlock): SessionKind | null {
  const d = block.directives.find((x) => x.name === 'new-session');
  if (!d) return null;
  const kind = d.arg === '' ? 'tmux' : d.arg;
  if (!SESSION_KINDS.includes(kind)) throw new Error(`unknown session kind "${kind}"`);
  return kind as SessionKind;
}

/** Checks that every command of a block parses (bash, and the real `wtp` program). */
async function syntaxOnly(doc: string, block: ConsoleBlock): Promise<void> {
  const problems: string[] = [];
  for (const c of block.commands) {
    const problem = await checkSyntax(c.text);
    if (problem) problems.push(`${doc}:${c.line}: \`$ ${c.text}\` does not parse: ${problem}`);
  }
  expect(problems.join('\n\n')).toBe('');
}

/**
 * One `describe` per document of this shard (documents alternate between `of` shards in path order,
 * so that the test files running them share the work), one `it` per console block.
 */
export function describeDocuments(shard: number, of: number): void {
  for (const doc of runnableGuides().filter((_, i) => i % of === shard)) describeDocument(doc);
}

function describeDocument(doc: string): void {
  describe(doc, () => {
    const file = join(REPO, doc);
    const blocks = parseBlocks(readFileSync(file, 'utf8'));
    const updates = new Map<number, string[]>();
    let session: DocSession | null = null;
    /** Why the current session's blocks are only checked for syntax (a tmpfs cannot be mounted). */
    let cannotRun: string | null = null;

    afterAll(async () => {
      await session?.close();
      if (UPDATE && updates.size > 0) writeFileSync(file, rewriteBlocks(readFileSync(file, 'utf8'), updates));
    });

    it.each(blocks.map((b) => [`${doc}:${b.line}`, b] as const))(
      '%s',
      async (_where, block) => {
        expect(
          block.commands.length,
          `${doc}:${block.line}: a console block without a "$ " command`,
        ).toBeGreaterThan(0);
        const skip = block.directives.find((d) => d.name === 'skip');
        if (skip) {
          expect(skip.arg, `${doc}:${block.line}: "skip" needs a reason`).not.toBe('');
          return syntaxOnly(doc, block);
        }
        const kind = sessionKind(block) ?? (session || cannotRun !== null ? null : 'tmux');
        if (kind) {
          await session?.close();
          session = null;
          cannotRun = kind === 'disk-full' ? cannotMountTmpfs() : null;
          if (cannotRun) console.warn(`${doc}:${block.line}: only parsed: ${cannotRun}`);
          else session = await DocSession.start(kind);
        }
        if (!session) return syntaxOnly(doc, block);
        const s: DocSession = session;
        const failures: string[] = [];
        for (const [i, c] of block.commands.entries()) {
          for (const d of block.directives.filter(
            (x) => x.before === i + 1 && !['skip', 'new-session'].includes(x.name),
          ))
            await s.directive(d);
          const r = await s.run(s.toReal(c.text));
          const result = compare(c.shown, outputLines(r.output, s.maps), s.bindings);
          if (result.ok) continue;
          failures.push(
            `${doc}:${c.line}: \`$ ${c.text}\` (exit ${r.code}) printed other than the document shows ` +
              `(- shown, + printed):\n${result.problem ?? ''}`,
          );
          updates.set(c.line, result.updated);
        }
        if (UPDATE) {
          if (failures.length > 0) console.warn(`${doc}:${block.line}: ${failures.length} output(s) updated`);
          return;
        }
        expect(failures.join('\n\n'), 'run `npm run docs:update` to take the new output').toBe('');
      },
      240_000,
    );
  });
}
