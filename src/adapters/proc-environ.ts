import { readdirSync, readFileSync } from 'node:fs';

/** Live (non-zombie) processes whose environment has `name=<value>`, with that value (Linux /proc). */
export function processesWithEnv(name: string): { pid: number; value: string }[] {
  const prefix = `${name}=`;
  const out: { pid: number; value: string }[] = [];
  for (const entry of readdirSync('/proc')) {
    if (entry.charCodeAt(0) < 48 || entry.charCodeAt(0) > 57) continue;
    let env: string;
    try {
      env = readFileSync(`/proc/${entry}/environ`, 'latin1');
    } catch {
      continue;
    }
    const at = env.startsWith(prefix) ? 0 : env.indexOf(`\0${prefix}`);
    if (at < 0) continue;
    const start = at === 0 ? prefix.length : at + 1 + prefix.length;
    const end = env.indexOf('\0', start);
    if (isZombie(entry)) continue;
    out.push({ pid: Number(entry), value: env.slice(start, end < 0 ? undefined : end) });
  }
  return out;
}

function isZombie(pid: string): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return stat[stat.lastIndexOf(')') + 2] === 'Z';
  } catch {
    return true;
  }
}
