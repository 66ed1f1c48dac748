// @ts-check
// The lint's local rules (eslint.config.js registers them as the `wtp` plugin).
import { builtinRules } from 'eslint/use-at-your-own-risk';

const base = builtinRules.get('no-restricted-imports');
if (!base) throw new Error('ESLint has no no-restricted-imports rule');

/** The specifier of `import('…')` when it is written out (a string, or a template without `${}`). */
function staticSpecifier(/** @type {any} */ source) {
  if (source.type === 'Literal' && typeof source.value === 'string') return source.value;
  if (source.type === 'TemplateLiteral' && source.expressions.length === 0) {
    return source.quasis[0]?.value.cooked ?? null;
  }
  return null;
}

/**
 * `no-restricted-imports` for `import('…')`: takes the same options and reports the same way, so a
 * lazy import crosses no ring a static one may not. A computed specifier cannot be checked, so it
 * is refused.
 * @type {import('eslint').Rule.RuleModule}
 */
const restrictedDynamicImports = {
  meta: {
    ...base.meta,
    docs: { description: 'Apply no-restricted-imports to dynamic import() expressions' },
    messages: {
      ...base.meta?.messages,
      computed: 'import() with a computed specifier cannot be checked against the rings: write the path out.',
    },
  },
  create(context) {
    const listeners = base.create(context);
    const check = listeners.ImportDeclaration;
    return {
      ImportExpression(node) {
        const specifier = staticSpecifier(node.source);
        if (specifier === null) {
          context.report({ node, messageId: 'computed' });
          return;
        }
        // The base rule judges a declaration by its source; a dynamic import names no bindings.
        const declaration = {
          ...node,
          type: 'ImportDeclaration',
          importKind: 'value',
          source: { ...node.source, type: 'Literal', value: specifier, raw: JSON.stringify(specifier) },
          specifiers: [],
          attributes: [],
        };
        check?.(/** @type {any} */ (declaration));
      },
    };
  },
};

/** `issue 36`, `Issues #21`: a number of the issue tracker. */
const ISSUE_NUMBER = /\bissues? #?\d+/gi;

/**
 * Product code names no issue of the tracker, in comments or in strings: its descriptions become the
 * API, config and event docs, whose readers cannot look the number up. Each match is reported at its
 * line and column.
 * @type {import('eslint').Rule.RuleModule}
 */
const noIssueNumbers = {
  meta: {
    type: 'problem',
    docs: { description: 'Disallow issue-tracker numbers in product code' },
    schema: [],
    messages: {
      issue:
        '"{{text}}" names an issue of the tracker: say what the code does and why (the commit log keeps where it came from)',
    },
  },
  create(context) {
    return {
      Program() {
        context.sourceCode.lines.forEach((line, index) => {
          for (const match of line.matchAll(ISSUE_NUMBER)) {
            const column = match.index ?? 0;
            context.report({
              loc: {
                start: { line: index + 1, column },
                end: { line: index + 1, column: column + match[0].length },
              },
              messageId: 'issue',
              data: { text: match[0] },
            });
          }
        });
      },
    };
  },
};

/**
 * A comment says why, in a few lines; a longer one restates the code or tells its history, and goes
 * stale. A block is one `/* … *\/` comment, or a run of `//` comments on adjacent lines with nothing
 * but whitespace between them: a blank line or code ends the run.
 * @type {import('eslint').Rule.RuleModule}
 */
const maxCommentLines = {
  meta: {
    type: 'suggestion',
    docs: { description: 'Limit the lines of a comment block' },
    schema: [
      {
        type: 'object',
        properties: { max: { type: 'integer', minimum: 1 } },
        additionalProperties: false,
      },
    ],
    defaultOptions: [{ max: 9 }],
    messages: { long: 'comment block of {{lines}} lines: say why in at most {{max}}' },
  },
  create(context) {
    const { max } = /** @type {{ max: number }} */ (context.options[0]);
    const source = context.sourceCode;
    /** @param {import('estree').Comment[]} block */
    const check = (block) => {
      const first = block[0];
      const last = block[block.length - 1];
      if (!first?.loc || !last?.loc) return;
      const lines = last.loc.end.line - first.loc.start.line + 1;
      if (lines <= max) return;
      context.report({
        loc: { start: first.loc.start, end: last.loc.end },
        messageId: 'long',
        data: { lines: String(lines), max: String(max) },
      });
    };
    return {
      Program() {
        /** @type {import('estree').Comment[]} */
        let run = [];
        for (const comment of source.getAllComments()) {
          if (comment.type !== 'Line' && comment.type !== 'Block') continue; // a shebang
          const previous = run[run.length - 1];
          const adjacent =
            comment.type === 'Line' &&
            previous?.type === 'Line' &&
            previous.loc &&
            comment.loc &&
            comment.loc.start.line === previous.loc.end.line + 1 &&
            previous.range &&
            comment.range &&
            source.text.slice(previous.range[1], comment.range[0]).trim() === '';
          if (adjacent) {
            run.push(comment);
            continue;
          }
          if (run.length > 0) check(run);
          run = [comment];
        }
        if (run.length > 0) check(run);
      },
    };
  },
};

export const wtpRules = {
  rules: {
    'restricted-dynamic-imports': restrictedDynamicImports,
    'no-issue-numbers': noIssueNumbers,
    'max-comment-lines': maxCommentLines,
  },
};
