/**
 * 0009: facts about this database. `log_id` names its event log: a fleet tells a
 * replaced database (its event numbers start over) from the one it had published.
 */
export default `
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
INSERT INTO meta (key, value) VALUES ('log_id', lower(hex(randomblob(16))));
`;
