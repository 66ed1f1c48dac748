import * as fs from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import type { RepoApprovals } from '../../core/ports/git.js';
import { realTop } from './repo-paths.js';

const approvalsSchema = z.record(z.string(), z.array(z.string()));

/**
 * The user's approvals of repository content (its setup script, submodules and agent CLIs'
 * configuration), in one JSON file `{ "<repository>": ["<sha256>", …] }` written atomically with
 * mode 0600 (`<state dir>/setup-approvals.json`). A repository is keyed by its real path.
 */
export class FileRepoApprovals implements RepoApprovals {
  constructor(private readonly file: string) {}

  approved(repo: string, hash: string): boolean {
    return this.read()[realTop(repo)]?.includes(hash) ?? false;
  }

  approve(repo: string, hash: string): void {
    const top = realTop(repo);
    const all = this.read();
    const list = all[top] ?? [];
    if (list.includes(hash)) return;
    all[top] = [...list, hash];
    writeAtomic(this.file, `${JSON.stringify(all, null, 2)}\n`);
  }

  private read(): Record<string, string[]> {
    let text: string;
    try {
      text = fs.readFileSync(this.file, 'utf8');
    } catch {
      return {};
    }
    try {
      return approvalsSchema.safeParse(JSON.parse(text)).data ?? {};
    } catch {
      return {};
    }
  }
}

/** Temporary file, then rename; a failed write (disk full) leaves the old file and no temporary one. */
function writeAtomic(path: string, text: string): void {
  fs.mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.wtp-${process.pid}-${Date.now()}.tmp`;
  try {
    fs.writeFileSync(tmp, text, { mode: 0o600 });
    fs.chmodSync(tmp, 0o600);
    fs.renameSync(tmp, path);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}
