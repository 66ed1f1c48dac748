import type { FileTally, LineOutcome } from './usage-tally.js';

/**
 * Where an agent's session files are: under `root`, one path segment per entry of `segments` — a
 * fixed name, or a pattern every name at that level is tested against. Files only (never a link).
 */
export interface UsageFileQuery {
  root: string;
  segments: readonly (string | RegExp)[];
  /**
   * The file found is a vendor's SQLite database, not a JSONL file: its rows of this session (and
   * the session's subagents') are read as lines, one source per session (OpenCode's).
   */
  database?: { schema: 'opencode'; session: string };
}

/** What a vendor's `sessionFiles` is given to say where an agent's files are. */
export interface UsageLocateContext {
  /** The agent's environment as its CLI sees it (the daemon's allowlisted one, its profile's, its own). */
  env: Readonly<Record<string, string | undefined>>;
  /** HOME of that environment. */
  home: string;
  cwd: string;
  /** The CLI's session id as its hooks named it, or null. */
  sessionId: string | null;
  /** The agent's own folder (`<agentsDir>/<id>`). */
  agentDir: string;
}

/**
 * How one vendor's usage is read, pure: which files hold it, how a line of them is read,
 * and how exact that is (docs/cost.md says why, per vendor).
 */
export interface UsageSpec {
  /** What the numbers come from, in words ("Claude Code session transcript"). */
  source: string;
  /** exact: the vendor's own per-request usage as the API returned it; estimated: derived. */
  exactness: 'exact' | 'estimated';
  /** The queries for an agent's session files ([] when they cannot be known yet, e.g. no session id). */
  sessionFiles(ctx: UsageLocateContext): UsageFileQuery[];
  /** Reads one complete line (without its newline) into the file's tally. */
  readLine(line: string, tally: FileTally): LineOutcome;
}
