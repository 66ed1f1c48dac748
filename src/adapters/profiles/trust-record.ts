import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { RepoConfigState, SetupFiles, TrustEntry, TrustLog } from '../../core/ports/vendor-setup.js';
import { agentTrustSchema, type AgentTrust } from '../../protocol/profiles.js';

const entrySchema = z.object({
  vendor: z.string(),
  file: z.string(),
  folder: z.string(),
  prior: z.union([z.string(), z.boolean()]).nullable(),
});
const recordSchema = z.object({ trust: agentTrustSchema, entries: z.array(entrySchema) });

/** An agent's `trust.json` (in its own folder): what its setup did about its folder's trust. */
export interface TrustRecord {
  trust: AgentTrust;
  /** The entries it added to files of the user's, to take back when the agent goes. */
  entries: TrustEntry[];
}

/** The TrustLog a vendor setup writes to, kept as the agent's trust.json (`wtp why`, `wtp rm`). */
export class TrustRecorder implements TrustLog {
  private preTrusted: boolean | null = null;
  private why = '';
  private readonly entries: TrustEntry[] = [];

  constructor(
    private readonly profile: string,
    private readonly folder: string,
    private readonly state: RepoConfigState,
  ) {}

  granted(how: string, entry?: TrustEntry): void {
    this.preTrusted = true;
    this.why = how;
    if (entry) this.entries.push(entry);
  }

  withheld(why: string): void {
    this.preTrusted = false;
    this.why = why;
  }

  /**
   * Writes the record (0600) when the setup said anything about trust. Entries an earlier
   * preparation of the same agent added are kept: they are still to be taken back.
   */
  save(file: string, files: SetupFiles): void {
    const earlier = readTrustRecord(file)?.entries ?? [];
    for (const e of earlier) {
      if (!this.entries.some((x) => x.vendor === e.vendor && x.file === e.file && x.folder === e.folder))
        this.entries.push(e);
    }
    if (this.preTrusted === null && this.entries.length === 0) return files.remove(file);
    const config = this.state.config;
    const record: TrustRecord = {
      trust: {
        profile: this.profile,
        folder: this.folder,
        preTrusted: this.preTrusted === true,
        why: this.why,
        config:
          config === null
            ? null
            : {
                hash: config.hash,
                files: config.files.map((f) => f.path),
                problem: config.problem,
                approved: this.state.approved,
              },
      },
      entries: this.entries,
    };
    files.writeAtomic(file, `${JSON.stringify(record, null, 2)}\n`);
  }
}

/** An agent's trust record, or null when it has none (or it cannot be read). */
export function readTrustRecord(file: string): TrustRecord | null {
  try {
    return recordSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
  } catch {
    return null;
  }
}
