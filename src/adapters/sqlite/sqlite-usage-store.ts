import type { BudgetScope } from '../../protocol/usage.js';
import type { LedgerRow, StoredBudget, UsageFileState, UsageStore } from '../../core/ports/usage.js';
import { storageError } from '../../core/model/storage-errors.js';
import { newTally, type FileTally } from '../../core/usage/usage-tally.js';
import type { Db } from './open-database.js';

interface FileRow {
  path: string;
  agent_id: string;
  profile: string;
  offset: number | null;
  dev: number | null;
  ino: number | null;
  tally: string;
  refused: number;
  problem: string | null;
  updated_at: number;
}

interface LedgerDbRow {
  hour: number;
  agent_id: string;
  task_id: string;
  model: string;
  agent_name: string;
  workspace_id: string;
  profile: string;
  input: number;
  output: number;
  cache_read: number;
  cache_write: number;
}

const SCOPES: readonly string[] = ['task', 'workspace', 'day'];

/** A stored tally, or a fresh one when it does not read as one (never half of one). */
function tallyOf(text: string): FileTally {
  try {
    const t = JSON.parse(text) as Partial<FileTally> | null;
    if (t && typeof t === 'object' && typeof t.models === 'object' && t.models !== null)
      return { ...newTally(), ...t };
  } catch {
    // a row we did not write: start over below
  }
  return newTally();
}

/** Usage files, the hourly ledger and CLI budgets in SQLite (migration 0012). */
export class SqliteUsageStore implements UsageStore {
  private readonly upsertFile;
  private readonly addLedger;
  private readonly commitTx;

  constructor(private readonly db: Db) {
    this.upsertFile = db.prepare(
      `INSERT INTO usage_files (path, agent_id, profile, offset, dev, ino, tally, refused, problem, updated_at)
       VALUES (@path, @agent_id, @profile, @offset, @dev, @ino, @tally, @refused, @problem, @updated_at)
       ON CONFLICT (path) DO UPDATE SET offset = excluded.offset, dev = excluded.dev, ino = excluded.ino,
         tally = excluded.tally, refused = excluded.refused, problem = excluded.problem, updated_at = excluded.updated_at`,
    );
    this.addLedger = db.prepare(
      `INSERT INTO usage_ledger (hour, agent_id, task_id, model, agent_name, workspace_id, profile, input, output, cache_read, cache_write)
       VALUES (@hour, @agent_id, @task_id, @model, @agent_name, @workspace_id, @profile, @input, @output, @cache_read, @cache_write)
       ON CONFLICT (hour, agent_id, task_id, model) DO UPDATE SET input = input + excluded.input,
         output = output + excluded.output, cache_read = cache_read + excluded.cache_read,
         cache_write = cache_write + excluded.cache_write`,
    );
    this.commitTx = db.transaction((file: UsageFileState, rows: readonly LedgerRow[]) => {
      this.upsertFile.run({
        path: file.path,
        agent_id: file.agentId,
        profile: file.profile,
        offset: file.position?.offset ?? null,
        dev: file.position?.dev ?? null,
        ino: file.position?.ino ?? null,
        tally: JSON.stringify(file.tally),
        refused: file.refused,
        problem: file.problem,
        updated_at: file.updatedAt,
      });
      for (const r of rows) {
        this.addLedger.run({
          hour: r.hour,
          agent_id: r.agentId,
          task_id: r.taskId ?? '',
          model: r.model,
          agent_name: r.agentName,
          workspace_id: r.workspaceId,
          profile: r.profile,
          input: r.counts.input,
          output: r.counts.output,
          cache_read: r.counts.cacheRead,
          cache_write: r.counts.cacheWrite,
        });
      }
    });
  }

  loadFiles(): UsageFileState[] {
    return (this.db.prepare('SELECT * FROM usage_files').all() as FileRow[]).map((r) => ({
      agentId: r.agent_id,
      path: r.path,
      profile: r.profile,
      position:
        r.offset === null || r.dev === null || r.ino === null
          ? null
          : { offset: r.offset, dev: r.dev, ino: r.ino },
      tally: tallyOf(r.tally),
      refused: r.refused,
      problem: r.problem,
      updatedAt: r.updated_at,
    }));
  }

  loadLedger(): LedgerRow[] {
    return (this.db.prepare('SELECT * FROM usage_ledger ORDER BY hour').all() as LedgerDbRow[]).map((r) => ({
      hour: r.hour,
      agentId: r.agent_id,
      agentName: r.agent_name,
      workspaceId: r.workspace_id,
      taskId: r.task_id === '' ? null : r.task_id,
      profile: r.profile,
      model: r.model,
      counts: { input: r.input, output: r.output, cacheRead: r.cache_read, cacheWrite: r.cache_write },
    }));
  }

  commit(file: UsageFileState, rows: readonly LedgerRow[]): void {
    try {
      this.commitTx(file, rows);
    } catch (err) {
      throw storageError(err, { component: 'database' }) ?? err;
    }
  }

  budgets(): StoredBudget[] {
    return (
      this.db.prepare('SELECT scope, key, limit_usd FROM budgets').all() as {
        scope: string;
        key: string;
        limit_usd: number;
      }[]
    )
      .filter((r) => SCOPES.includes(r.scope))
      .map((r) => ({ scope: r.scope as BudgetScope, key: r.key, limitUsd: r.limit_usd }));
  }

  setBudget(scope: BudgetScope, key: string, limitUsd: number | null): void {
    if (limitUsd === null) this.db.prepare('DELETE FROM budgets WHERE scope = ? AND key = ?').run(scope, key);
    else
      this.db
        .prepare(
          'INSERT INTO budgets (scope, key, limit_usd) VALUES (?, ?, ?) ON CONFLICT (scope, key) DO UPDATE SET limit_usd = excluded.limit_usd',
        )
        .run(scope, key, limitUsd);
  }
}
