/**
 * 0001: machines, their agents and events, in schema `wtp`. Row ownership is checked by the
 * database: a machine's row belongs to the role that created it, and its agents and events may be
 * written only by that role (row-level security, forced on the tables' owner too). Every role that
 * may connect may read everything (the fleet view) and write its own rows.
 */
export default `
CREATE SCHEMA IF NOT EXISTS wtp;
GRANT USAGE ON SCHEMA wtp TO PUBLIC;

CREATE TABLE wtp.machines (
  name          text PRIMARY KEY CHECK (name ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$'),
  owner         name NOT NULL DEFAULT current_user,
  log_id        text NOT NULL,
  version       text NOT NULL,
  started_at    timestamptz NOT NULL,
  heartbeat_at  timestamptz NOT NULL DEFAULT now(),
  published_seq bigint NOT NULL DEFAULT 0,
  ssh           text,
  capacity      integer NOT NULL DEFAULT 0,
  repos         jsonb NOT NULL DEFAULT '[]'
);

CREATE TABLE wtp.agents (
  id          text PRIMARY KEY,
  machine     text NOT NULL REFERENCES wtp.machines (name) ON DELETE CASCADE,
  name        text NOT NULL,
  workspace   text NOT NULL,
  state       text NOT NULL,
  view        jsonb NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX agents_by_machine ON wtp.agents (machine);

CREATE TABLE wtp.events (
  machine   text NOT NULL REFERENCES wtp.machines (name) ON DELETE CASCADE,
  seq       bigint NOT NULL,
  ts        timestamptz NOT NULL,
  type      text NOT NULL,
  agent_id  text,
  event     jsonb NOT NULL,
  PRIMARY KEY (machine, seq)
);

-- Whether the role connected now owns the machine (its rows are its own to write).
CREATE FUNCTION wtp.owns(machine text) RETURNS boolean
  LANGUAGE sql STABLE
  AS $$ SELECT EXISTS (SELECT 1 FROM wtp.machines m WHERE m.name = machine AND m.owner = current_user) $$;
GRANT EXECUTE ON FUNCTION wtp.owns(text) TO PUBLIC;

ALTER TABLE wtp.machines ENABLE ROW LEVEL SECURITY;
ALTER TABLE wtp.machines FORCE ROW LEVEL SECURITY;
CREATE POLICY machines_read ON wtp.machines FOR SELECT USING (true);
CREATE POLICY machines_join ON wtp.machines FOR INSERT WITH CHECK (owner = current_user);
CREATE POLICY machines_own ON wtp.machines FOR UPDATE USING (owner = current_user) WITH CHECK (owner = current_user);
CREATE POLICY machines_leave ON wtp.machines FOR DELETE USING (owner = current_user);

ALTER TABLE wtp.agents ENABLE ROW LEVEL SECURITY;
ALTER TABLE wtp.agents FORCE ROW LEVEL SECURITY;
CREATE POLICY agents_read ON wtp.agents FOR SELECT USING (true);
CREATE POLICY agents_write ON wtp.agents FOR INSERT WITH CHECK (wtp.owns(machine));
CREATE POLICY agents_update ON wtp.agents FOR UPDATE USING (wtp.owns(machine)) WITH CHECK (wtp.owns(machine));
CREATE POLICY agents_delete ON wtp.agents FOR DELETE USING (wtp.owns(machine));

ALTER TABLE wtp.events ENABLE ROW LEVEL SECURITY;
ALTER TABLE wtp.events FORCE ROW LEVEL SECURITY;
CREATE POLICY events_read ON wtp.events FOR SELECT USING (true);
CREATE POLICY events_write ON wtp.events FOR INSERT WITH CHECK (wtp.owns(machine));
CREATE POLICY events_delete ON wtp.events FOR DELETE USING (wtp.owns(machine));

GRANT SELECT, INSERT, UPDATE, DELETE ON wtp.machines, wtp.agents TO PUBLIC;
GRANT SELECT, INSERT, DELETE ON wtp.events TO PUBLIC;
`;
