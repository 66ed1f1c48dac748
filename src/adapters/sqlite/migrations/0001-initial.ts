/** 0001: workspaces, agents, and the append-only event log. */
export default `
CREATE TABLE workspaces (
  id          TEXT PRIMARY KEY,
  name        TEXT NOT NULL UNIQUE,
  repo_path   TEXT,
  created_at  INTEGER NOT NULL
);

CREATE TABLE agents (
  id              TEXT PRIMARY KEY,
  workspace_id    TEXT NOT NULL REFERENCES workspaces(id),
  name            TEXT NOT NULL,
  profile         TEXT NOT NULL,
  command         TEXT NOT NULL,
  args            TEXT NOT NULL,          -- JSON array
  cwd             TEXT NOT NULL,
  env             TEXT NOT NULL,          -- JSON object of overrides
  restart_policy  TEXT NOT NULL,
  backend         TEXT NOT NULL,
  state           TEXT NOT NULL,
  state_detail    TEXT NOT NULL,          -- JSON
  state_since     INTEGER NOT NULL,
  pid             INTEGER,
  host_pid        INTEGER,
  host_identity   TEXT,
  last_exit       TEXT,                   -- JSON {exitCode, signal}
  restarts        INTEGER NOT NULL DEFAULT 0,
  created_at      INTEGER NOT NULL,
  started_at      INTEGER,
  output_seq      INTEGER NOT NULL DEFAULT 0,
  cols            INTEGER NOT NULL,
  rows            INTEGER NOT NULL,
  UNIQUE (workspace_id, name)
);

CREATE TABLE events (
  seq           INTEGER PRIMARY KEY AUTOINCREMENT,
  ts            INTEGER NOT NULL,
  type          TEXT NOT NULL,
  source        TEXT NOT NULL,
  agent_id      TEXT,
  workspace_id  TEXT,
  data          TEXT NOT NULL             -- JSON payload, typed by type
);
CREATE INDEX events_by_agent ON events (agent_id, seq);
CREATE INDEX events_by_type ON events (type, seq);

CREATE TRIGGER events_are_append_only_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
CREATE TRIGGER events_are_append_only_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
`;
