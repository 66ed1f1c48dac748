import { constants } from 'node:fs';
import { lstat, open } from 'node:fs/promises';
import { isAbsolute } from 'node:path';
import type { ProfileCatalog } from '../../core/agents/profiles.js';
import type { AgentRecord } from '../../core/model/agent-record.js';
import type { TurnTranscripts } from '../../core/ports/turn-model.js';

/** The most of a session file read (a session's events grow with its turns; past this: not read). */
export const TRANSCRIPT_MAX_BYTES = 64 * 1024 * 1024;
/** A file whose turn is not written yet is read again after this long… */
const AGAIN_MS = 300;
/** …up to this many times in all (its writes can lag its hook calls by a second under load). */
const READS = 6;

/**
 * Reads the turn's last message from an agent CLI's own session file (issue 36), as its profile
 * says (`turnEnd.transcript`: the path from the session id, the parse): only a regular file of
 * this user's, opened without following a link, at most TRANSCRIPT_MAX_BYTES, read whole.
 */
export class FsTurnTranscripts implements TurnTranscripts {
  constructor(
    private readonly o: {
      catalog: ProfileCatalog;
      /** The agent's environment (the daemon's under its own): HOME, COPILOT_HOME, … */
      env(agent: AgentRecord): Readonly<Record<string, string | undefined>>;
      /** The owner a file must have (default: this process's user). */
      uid?: number;
      /** Default TRANSCRIPT_MAX_BYTES. */
      maxBytes?: number;
      /** Between two reads of a file that has not caught up (default AGAIN_MS). */
      againMs?: number;
    },
  ) {}

  async lastMessage(
    agent: AgentRecord,
    sessionId: string,
    ends: number,
  ): Promise<{ message: string; from: string } | null> {
    const spec = this.o.catalog.get(agent.profile).turnEnd?.transcript;
    if (spec === undefined) return null;
    const env = this.o.env(agent);
    const file = spec.file(env, env.HOME ?? '/', sessionId);
    if (file === null || !isAbsolute(file)) return null;
    for (let attempt = 0; attempt < READS; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, this.o.againMs ?? AGAIN_MS));
      const text = await this.read(file);
      if (text === null) return null;
      const turn = spec.lastMessage(text);
      // A message of an earlier turn is not this one's: the file has not caught up yet.
      if (turn.message !== null && turn.ends >= ends) return { message: turn.message, from: spec.from };
    }
    return null;
  }

  /** The file's text, or null: missing, a link, not a regular file, not ours, or too big. */
  private async read(file: string): Promise<string | null> {
    const st = await lstat(file).catch(() => null);
    const uid = this.o.uid ?? process.getuid?.();
    const max = this.o.maxBytes ?? TRANSCRIPT_MAX_BYTES;
    if (st === null || !st.isFile() || (uid !== undefined && st.uid !== uid) || st.size > max) {
      return null;
    }
    const fh = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW).catch(() => null);
    if (fh === null) return null;
    try {
      const now = await fh.stat();
      if (!now.isFile() || now.size > max) return null;
      const buf = Buffer.alloc(now.size);
      const { bytesRead } = await fh.read(buf, 0, now.size, 0);
      return buf.subarray(0, bytesRead).toString('utf8');
    } finally {
      await fh.close();
    }
  }
}
