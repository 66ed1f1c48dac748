/**
 * The part of web-tree-sitter's syntax tree the translation (bash-tree.ts) reads, read so that
 * each property costs one call into WebAssembly.
 */

/** The part of a tree-sitter node this translation reads (web-tree-sitter's `Node`). */
export interface BashNode {
  readonly type: string;
  readonly isNamed: boolean;
  readonly isMissing: boolean;
  readonly startIndex: number;
  readonly endIndex: number;
  /** A cursor over its children (field names in one pass: `fieldNameForChild` walks from the start). */
  walk(): BashCursor;
  /** The smallest node that spans `start`..`end`. */
  descendantForIndex(start: number, end?: number): BashNode | null;
}

/** web-tree-sitter's `TreeCursor`, as far as it is read here. */
export interface BashCursor {
  readonly currentNode: BashNode;
  readonly currentFieldName: string | null;
  gotoFirstChild(): boolean;
  gotoNextSibling(): boolean;
  delete(): void;
}

/** A node's children with their field names, in order. */
export interface Child {
  node: BashNode;
  field: string | null;
}

/** A node with its properties read once (each read of web-tree-sitter's is a call into WebAssembly). */
export function settled(n: BashNode): BashNode {
  const { type, isNamed, isMissing, startIndex, endIndex } = n;
  return {
    type,
    isNamed,
    isMissing,
    startIndex,
    endIndex,
    walk: () => n.walk(),
    descendantForIndex: (start, end) => n.descendantForIndex(start, end),
  };
}

/** A node's children, each with its field name. */
export function childrenOf(n: BashNode): Child[] {
  const cursor = n.walk();
  const out: Child[] = [];
  try {
    if (!cursor.gotoFirstChild()) return out;
    do out.push({ node: settled(cursor.currentNode), field: cursor.currentFieldName });
    while (cursor.gotoNextSibling());
    return out;
  } finally {
    cursor.delete();
  }
}
