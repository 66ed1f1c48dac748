import type { Document, LineCounter } from 'yaml';

/** The line of the YAML node at `path`, or of its nearest parent that exists (a missing key has no node). */
export function lineAt(doc: Document, lines: LineCounter, path: readonly (string | number)[]): number | null {
  for (let n = path.length; n >= 0; n--) {
    const node = doc.getIn(path.slice(0, n), true) as { range?: [number, number, number] } | undefined;
    if (node?.range) return lines.linePos(node.range[0]).line;
  }
  return null;
}
