/**
 * Headings and the anchors GitHub gives them, and the anchor links of a Markdown document: what
 * test/docs/anchors.test.ts checks.
 */

/** Markdown with its fenced code blocks blanked out (line numbers kept): headings and links in them do not count. */
export function withoutCode(markdown: string): string {
  let fence: string | null = null;
  return markdown
    .split('\n')
    .map((line) => {
      const open = /^\s*(`{3,}|~{3,})/.exec(line)?.[1];
      if (fence === null && open !== undefined) {
        fence = open;
        return '';
      }
      if (fence !== null) {
        if (line.trim().startsWith(fence)) fence = null;
        return '';
      }
      return line;
    })
    .join('\n');
}

/**
 * GitHub's anchor for a heading's text (github-slugger's rules): links and HTML reduced to their
 * text, then lowercase, every character that is not a letter, a mark, a digit, a connector (`_`),
 * `-` or a space removed, and spaces turned into `-`.
 */
export function slug(heading: string): string {
  const plain = heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1') // links and images: their text
    .replace(/<[^>]+>/g, ''); // HTML tags; `*`, backticks and the like go with the other punctuation
  return plain
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

/** Every anchor a document defines: its headings' slugs (repeats get -1, -2, … as on GitHub) and `<a id|name>`. */
export function anchorsOf(markdown: string): Set<string> {
  const text = withoutCode(markdown);
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  for (const m of text.matchAll(/^#{1,6}[ \t]+(.+?)[ \t]*#*[ \t]*$/gm)) {
    const base = slug(m[1] ?? '');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  }
  for (const m of text.matchAll(/<a\s[^>]*\b(?:id|name)=["']([^"']+)["']/g)) anchors.add(m[1] ?? '');
  return anchors;
}

export interface AnchorLink {
  /** The line the link is on (1-based). */
  line: number;
  /** The file part of the target, relative to the document ('' for the document itself). */
  file: string;
  anchor: string;
}

/** Every Markdown link with an anchor (`[x](#a)`, `[x](file.md#a)`), outside code; web addresses are left out. */
export function anchorLinks(markdown: string): AnchorLink[] {
  const lines = withoutCode(markdown).split('\n');
  return lines.flatMap((text, i) =>
    [...text.matchAll(/\]\(([^)\s#]*)#([^)\s]+)\)/g)]
      .filter((m) => !/^[a-z][a-z0-9+.-]*:/i.test(m[1] ?? ''))
      .map((m) => ({ line: i + 1, file: m[1] ?? '', anchor: decodeURIComponent(m[2] ?? '') })),
  );
}
