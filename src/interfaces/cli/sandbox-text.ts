import type { SandboxPolicy } from '../../protocol/sandbox.js';
import { cellText } from '../../protocol/terminal-text.js';
import { shortenHome } from './format.js';

/** At most this many paths or hosts per line; the rest are counted (`--json` has them all). */
const SHOWN = 4;

const list = (items: readonly string[], home: string): string => {
  const shown = items.slice(0, SHOWN).map((p) => cellText(p.startsWith('/') ? shortenHome(p, home) : p));
  return items.length > SHOWN
    ? `${shown.join(', ')} and ${items.length - SHOWN} more`
    : shown.join(', ') || 'none';
};

/** `wtp why`'s lines about an agent's sandbox: what it may write and reach, and what is hidden from it. */
export function sandboxLines(s: SandboxPolicy, home: string): string[] {
  return [
    `  sandbox:   writes ${list(s.write, home)}; besides, read-only`,
    `             hidden: ${list(s.hide, home)}`,
    `             reaches: ${list(s.hosts, home)} (refusals: wtp events --agent <name>, agent.sandboxDenied)`,
  ];
}
