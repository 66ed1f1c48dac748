import { createHash } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';

/**
 * Approvals of repository templates, like the setup script's (`setup-approvals.json`): the
 * sha256 of each approved content, per repository and template name, in
 * `<state dir>/template-approvals.json` (mode 0600). The CLI writes it (`wtp template approve`);
 * the daemon reads it at every `workspace new`. Both find it through the same WTP_HOME.
 */
const approvalsSchema = z.record(z.string(), z.record(z.string(), z.array(z.string())));
type Approvals = z.infer<typeof approvalsSchema>;

/** The sha256 of a template's text, as read from its file: what an approval names. */
export function templateHash(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

export function templateApprovalsFile(stateDir: string): string {
  return join(stateDir, 'template-approvals.json');
}

/** The key of a repository: its real path (a clone elsewhere is another repository). */
export function repoKey(repo: string): string {
  try {
    return realpathSync(repo);
  } catch {
    return resolve(repo);
  }
}

function read(stateDir: string): Approvals {
  const file = templateApprovalsFile(stateDir);
  if (!existsSync(file)) return {};
  try {
    return approvalsSchema.safeParse(JSON.parse(readFileSync(file, 'utf8'))).data ?? {};
  } catch {
    return {}; // unreadable: nothing is approved
  }
}

/** Whether this exact content of the repository's template `name` is approved. */
export function isTemplateApproved(stateDir: string, repo: string, name: string, hash: string): boolean {
  return read(stateDir)[repoKey(repo)]?.[name]?.includes(hash) ?? false;
}

/** Records the approval (kept with earlier ones, so switching branches back needs none). */
export function approveTemplateHash(stateDir: string, repo: string, name: string, hash: string): void {
  const all = read(stateDir);
  const key = repoKey(repo);
  const byName = all[key] ?? {};
  const list = byName[name] ?? [];
  if (list.includes(hash)) return;
  all[key] = { ...byName, [name]: [...list, hash] };
  const file = templateApprovalsFile(stateDir);
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.wtp-${process.pid}-${Date.now()}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(all, null, 2)}\n`, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
}
