import type { TokenCounts } from '../usage/token-counts.js';
import type { FileTally } from '../usage/usage-tally.js';
import type { UsageFileQuery } from '../usage/usage-spec.js';
import type { BudgetScope } from '../../protocol/usage.js';

/** Where reading a session file stopped: after the last complete line, in this very file. */
export interface FilePosition {
  offset: number;
  /** Device and inode: a file replaced under the same name is told apart. */
  dev: number;
  ino: number;
}

/** What one read of a session file gave. */
export interface FileChunk {
  /** Complete lines (without their newline), in order. */
  lines: string[];
  position: FilePosition;
  /**
   * `same`: read on from the position; `replaced`: another file now has the name, read from its
   * start; `truncated`: the file is shorter than the position, read from its start.
   */
  change: 'same' | 'replaced' | 'truncated';
  /** Lines skipped: longer than the reader's line limit (never decided on a shortened copy). */
  oversized: number;
  /** More complete lines wait beyond the read limit. */
  more: boolean;
}

/** Reads agents' session files, never following a link to the file itself. */
export interface UsageFiles {
  /** The regular files (not links) a query matches, sorted. */
  find(query: UsageFileQuery): string[];
  /**
   * Complete lines after `from` (null: from the start), at most `maxBytes` of them; a cut last line
   * stays for the next read. `{ refused }` for a link, a special file or one another user owns;
   * null when the file is gone.
   */
  read(path: string, from: FilePosition | null, maxBytes: number): FileChunk | { refused: string } | null;
}

/** One session file of an agent and what was counted from it. */
export interface UsageFileState {
  agentId: string;
  path: string;
  profile: string;
  position: FilePosition | null;
  tally: FileTally;
  /** Lines or reads refused so far, and the last reason. */
  refused: number;
  problem: string | null;
  updatedAt: number;
}

/**
 * Tokens counted in one hour (epoch ms of its start) by one agent for one model, attributed to the
 * agent's task and workspace at the time: what reports, budgets and the dashboard sum.
 */
export interface LedgerRow {
  hour: number;
  agentId: string;
  agentName: string;
  workspaceId: string;
  taskId: string | null;
  profile: string;
  model: string;
  counts: TokenCounts;
}

/** A budget set with `wtp budget set` (over the config's). */
export interface StoredBudget {
  scope: BudgetScope;
  /** Task id, workspace id, or `*` for every day. */
  key: string;
  limitUsd: number;
}

/** Where usage is kept (SQLite): files with their positions, the ledger, CLI budgets. */
export interface UsageStore {
  loadFiles(): UsageFileState[];
  loadLedger(): LedgerRow[];
  /** One transaction: the file's new position and tally, and the ledger rows' tokens added. */
  commit(file: UsageFileState, rows: readonly LedgerRow[]): void;
  budgets(): StoredBudget[];
  /** Sets (limit) or removes (null) a CLI budget. */
  setBudget(scope: BudgetScope, key: string, limitUsd: number | null): void;
}
