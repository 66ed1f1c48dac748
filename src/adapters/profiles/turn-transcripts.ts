import { constants } from 'node:fs';
import { lstat, open } from 'node:fs/promises';
import { isAbsolute } from 'node:path';
import type { ProfileCatalog } from '../../core/agents/profiles.js';
import type { AgentRecord } from '../../core/model/agent-record.js';
import type { TurnTranscripts } from '../../core/ports/turn-model.js';

/** The most of a session file read (a session's events grow with its turns; past this: not read). */
export const TRANSCRIPT_MAX_BYTES = 64 * 1024 * 1024;
/** A file whose turn is not written yet (or not created yet) is read again after this long… */
const AGAIN_MS = 200;
/**
 * …for up to this long (default): the CLI flushes its session file on a timer of its own (Copilot
 * CLI: 100 ms), which lags its hook calls by seconds on a busy machine.
 */
const WITHIN_MS = 60_000;
const MISSING = Symbol('missing');
const REFUSED = Symbol('refused');
const UNCHANGED = Symbol('unchanged');

/**
 * Reads the turn's last message from an agent CLI's own session file, as its profile
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
      /** How long a file is waited for to catch up (default WITHIN_MS). */
      withinMs?: number;
    },
  ) {}

  async lastMessage(
    agent: AgentRecord,
    sessionId: string,
    ends: number,
    wanted: () => boolean = () => true,
  ): Promise<{ message: string; from: string } | null> {
    const spec = this.o.catalog.get(agent.profile).turnEnd?.transcript;
    if (spec === undefined) return null;
    const env = this.o.env(agent);
    const file = spec.file(env, env.HOME ?? '/', sessionId);
    if (file === null || !isAbsolute(file)) return null;
    const until = Date.now() + (this.o.withinMs ?? WITHIN_MS);
    const seen = { size: -1, mtimeMs: -1 };
    for (let first = true; ; first = false) {
      if (!first) await new Promise((resolve) => setTimeout(resolve, this.o.againMs ?? AGAIN_MS));
      if (!wanted()) return null;
      const got = await this.read(file, seen);
      // A link, another user's file, one too big: never read, however long it is waited for.
      if (got === REFUSED) return null;
      const turn = got === MISSING || got === UNCHANGED ? null : spec.lastMessage(got);
      // Not created yet, or a message of an earlier turn: the file has not caught up yet.
      if (turn != null && turn.message !== null && turn.ends >= ends)
        return { message: turn.message, from: spec.from };
      if (Date.now() >= until) return null;
    }
  }

  /**
   * The file's text; MISSING (not created yet); UNCHANGED since `seen` (updated here); REFUSED: a
   * link, not a regular file, not ours, too big.
   */
  private async read(
    file: string,
    seen: { size: number; mtimeMs: number },
  ): Promise<string | typeof MISSING | typeof UNCHANGED | typeof REFUSED> {
    let st;
    try {
      st = await lstat(file);
    } catch (err) {
      return (err as NodeJS.ErrnoException).code === 'ENOENT' ? MISSING : REFUSED;
    }
    const uid = this.o.uid ?? process.getuid?.();
    const max = this.o.maxBytes ?? TRANSCRIPT_MAX_BYTES;
    if (!st.isFile() || (uid !== undefined && st.uid !== uid) || st.size > max) return REFUSED;
    if (st.size === seen.size && st.mtimeMs === seen.mtimeMs) return UNCHANGED;
    const fh = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW).catch(() => null);
    if (fh === null) return REFUSED;
    try {
      const now = await fh.stat();
      if (!now.isFile() || (uid !== undefined && now.uid !== uid) || now.size > max) return REFUSED;
      seen.size = now.size;
      seen.mtimeMs = now.mtimeMs;
      const buf = Buffer.alloc(now.size);
      const { bytesRead } = await fh.read(buf, 0, now.size, 0);
      return buf.subarray(0, bytesRead).toString('utf8');
    } finally {
      await fh.close();
    }
  }
}
