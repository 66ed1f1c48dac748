/**
 * A command line the parser did not fully resolve may still run what it holds, read by bash another
 * way: deny rules are also tried on its text cut at every shell operator, with quotes and
 * backslashes taken out, from every word on (`! ! stdbuf c''url x` → `curl x`; `/bin/rm` → `rm`). Used only to deny
 * more: such a line is never approved.
 */
export function looseForms(text: string): string[] {
  const forms = new Set<string>();
  for (const segment of text.split(/\$\(|\$\{|[;&|()`<>{}\n\r!]|\bthen\b|\bdo\b|\belse\b/)) {
    const words = segment
      .replace(/\$'/g, "'")
      .replace(/['"\\]/g, '')
      .trim()
      .split(/\s+/)
      .filter((w) => w !== '');
    for (let i = 0; i < words.length; i++) {
      const rest = words.slice(i);
      forms.add(rest.join(' '));
      const name = rest[0] ?? '';
      if (name.includes('/')) forms.add([name.slice(name.lastIndexOf('/') + 1), ...rest.slice(1)].join(' '));
    }
  }
  return [...forms];
}
