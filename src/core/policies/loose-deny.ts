/** How long a form may be: past it the text is cut (a glob that ends in `*` still matches). */
const FORM_MAX = 4_096;

/**
 * A command line the parser did not fully resolve may still run what it holds, read by bash another
 * way: deny rules are also tried on its text cut at every shell operator, with quotes and
 * backslashes taken out, from each word on (`! ! stdbuf c''url x` → `curl x`; `/bin/rm` → `rm`).
 * `names`: the words a deny rule starts with (`rm` of `Bash(rm *)`), so that only forms starting
 * with one are made; null when a rule starts with `*` (then every word starts a form). Used only to
 * deny more: such a line is never approved.
 */
export function looseForms(text: string, names: ReadonlySet<string> | null): string[] {
  const forms = new Set<string>();
  for (const segment of text.split(/\$\(|\$\{|[;&|()`<>{}\n\r!]|\bthen\b|\bdo\b|\belse\b/)) {
    const words = segment
      .replace(/\$'/g, "'")
      .replace(/['"\\]/g, '')
      .trim()
      .split(/\s+/)
      .filter((w) => w !== '');
    words.forEach((name, i) => {
      const base = name.slice(name.lastIndexOf('/') + 1);
      if (names !== null && !names.has(name) && !names.has(base)) return;
      const rest = words.slice(i + 1, i + 1 + FORM_MAX / 2).join(' ');
      for (const head of new Set([name, base])) forms.add(`${head} ${rest}`.trim().slice(0, FORM_MAX));
    });
  }
  return [...forms];
}

/** The first words of deny globs (`Bash(rm -rf *)` → `rm`); null when one starts with a wildcard. */
export function denyNames(globs: readonly string[]): Set<string> | null {
  const names = new Set<string>();
  for (const g of globs) {
    const first = g.trim().split(/\s+/)[0] ?? '';
    if (first === '' || first.includes('*')) return null;
    names.add(first.endsWith(':') ? first.slice(0, -1) : first);
  }
  return names;
}
