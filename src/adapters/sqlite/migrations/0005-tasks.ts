/** 0005: tasks (a JSON document per task; status and workspace as columns for queries). */
export default `
CREATE TABLE tasks (
  id TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL,
  status TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  doc TEXT NOT NULL
);
CREATE INDEX tasks_by_workspace ON tasks (workspace_id, status);
`;
