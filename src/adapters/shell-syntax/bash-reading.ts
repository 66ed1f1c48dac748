import type { ShellRedirect, SimpleCommand } from '../../core/ports/shell-syntax.js';
import { childrenOf, type BashNode } from './bash-node.js';

/** Nesting deeper than this is not followed (a hostile `$($($(…)))` would exhaust the stack). */
const MAX_DEPTH = 150;

/** Word nodes whose value is known only when they run. */
export const DYNAMIC = new Set([
  'simple_expansion',
  'expansion',
  'command_substitution',
  'process_substitution',
  'arithmetic_expansion',
  'brace_expression',
  'array',
]);

const WORDS = new Set([
  'word',
  'number',
  'string',
  'raw_string',
  'ansi_c_string',
  'translated_string',
  'concatenation',
  ...DYNAMIC,
]);
export const isWord = (n: BashNode): boolean => WORDS.has(n.type);

/**
 * What the translation of one script shares between its statements and its words: the source, what
 * it found (in the order found) and how a node is read.
 */
export class BashReading {
  readonly commands: SimpleCommand[] = [];
  readonly redirects: ShellRedirect[] = [];
  readonly unresolved: string[] = [];

  constructor(readonly source: string) {}

  text(n: BashNode): string {
    return this.source.slice(n.startIndex, n.endIndex);
  }

  unknown(n: BashNode, what: string): void {
    const snippet = this.text(n).slice(0, 40);
    this.unresolved.push(`${what} at ${n.startIndex}: ${JSON.stringify(snippet)}`);
  }

  named(n: BashNode): BashNode[] {
    return childrenOf(n)
      .map((c) => c.node)
      .filter((c) => c.isNamed || c.isMissing);
  }

  field(n: BashNode, name: string): BashNode[] {
    return childrenOf(n)
      .filter((c) => c.field === name)
      .map((c) => c.node);
  }

  deep(n: BashNode, depth: number): boolean {
    if (depth <= MAX_DEPTH) return false;
    this.unknown(n, 'nesting too deep');
    return true;
  }
}
