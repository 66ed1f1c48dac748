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

export const wtpRules = {
  rules: { 'restricted-dynamic-imports': restrictedDynamicImports, 'no-issue-numbers': noIssueNumbers },
};
