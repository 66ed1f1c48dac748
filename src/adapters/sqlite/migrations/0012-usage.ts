/**
 * 0012: what agents cost. `usage_files`: each agent session file read, where reading
 * stopped (offset, device, inode) and what was counted from it (a JSON tally), written in the
 * same transaction as the tokens it added to `usage_ledger` (per hour, agent, task and model), so
 * a restart reads on and counts nothing twice. `budgets`: budgets set with `wtp budget set`.
 * Rows outlive their agents (reports of removed agents and tasks).
 */
export default `
CREATE TABLE usage_files (
  path        TEXT PRIMARY KEY,
  agent_id    TEXT NOT NULL,
  profile     TEXT NOT NULL,
  offset      INTEGER,
  dev         INTEGER,
  ino         INTEGER,
  tally       TEXT NOT NULL,
  refused     INTEGER NOT NULL DEFAULT 0,
  problem     TEXT,
  updated_at  INTEGER NOT NULL
);
CREATE INDEX usage_files_agent ON usage_files (agent_id);
CREATE TABLE usage_ledger (
  hour         INTEGER NOT NULL,
  agent_id     TEXT NOT NULL,
  task_id      TEXT NOT NULL DEFAULT '',
  model        TEXT NOT NULL,
  agent_name   TEXT NOT NULL,
  workspace_id TEXT NOT NULL,
  profile      TEXT NOT NULL,
  input        INTEGER NOT NULL DEFAULT 0,
  output       INTEGER NOT NULL DEFAULT 0,
  cache_read   INTEGER NOT NULL DEFAULT 0,
  cache_write  INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (hour, agent_id, task_id, model)
);
CREATE TABLE budgets (
  scope      TEXT NOT NULL,
  key        TEXT NOT NULL,
  limit_usd  REAL NOT NULL,
  PRIMARY KEY (scope, key)
);
`;
