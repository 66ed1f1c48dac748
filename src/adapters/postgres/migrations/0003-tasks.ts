/**
 * 0003: the fleet's task graph. A task names its repository by remote URL (each machine has its own
 * clone); a ready task whose dependencies are done is claimed by one machine under a lease (a run
 * id, the machine, until when), renewed while it runs. A lease that lapses lets another machine
 * claim it again with a new run; a result reported under an old run, or a lapsed lease, changes
 * nothing. Tasks are the fleet's, not one machine's: any member may add or move one, but the
 * database itself (a trigger) refuses a lease given to a machine the role does not own, and a
 * live lease taken over by another machine (a user's move may still let it go).
 */
export default `
CREATE TABLE wtp.tasks (
  id             text PRIMARY KEY,
  repo           text NOT NULL,
  title          text NOT NULL,
  spec           jsonb NOT NULL,
  deps           text[] NOT NULL DEFAULT '{}',
  priority       integer NOT NULL DEFAULT 0,
  status         text NOT NULL CHECK (status IN ('backlog', 'ready', 'running', 'review', 'done', 'failed', 'cancelled')),
  status_reason  text,
  created_by     text NOT NULL REFERENCES wtp.machines (name),
  created_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  lease_machine  text REFERENCES wtp.machines (name) ON DELETE SET NULL,
  lease_until    timestamptz,
  run_id         text,
  runs           jsonb NOT NULL DEFAULT '[]'
);
CREATE INDEX tasks_claimable ON wtp.tasks (repo, priority DESC, created_at) WHERE status IN ('ready', 'running');

CREATE FUNCTION wtp.guard_lease() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  IF NEW.lease_machine IS DISTINCT FROM OLD.lease_machine AND NEW.lease_machine IS NOT NULL
     AND NOT wtp.owns(NEW.lease_machine) THEN
    RAISE EXCEPTION 'a lease may be taken only for a machine of this role (%)', NEW.lease_machine
      USING ERRCODE = '42501';
  END IF;
  IF OLD.status = 'running' AND OLD.lease_until > now() AND NEW.run_id IS NOT NULL
     AND NEW.run_id IS DISTINCT FROM OLD.run_id AND NOT wtp.owns(OLD.lease_machine) THEN
    RAISE EXCEPTION 'task % runs on % under a live lease', OLD.id, OLD.lease_machine
      USING ERRCODE = '42501';
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER tasks_guard_lease BEFORE UPDATE ON wtp.tasks FOR EACH ROW EXECUTE FUNCTION wtp.guard_lease();

ALTER TABLE wtp.tasks ENABLE ROW LEVEL SECURITY;
ALTER TABLE wtp.tasks FORCE ROW LEVEL SECURITY;
CREATE POLICY tasks_read ON wtp.tasks FOR SELECT USING (true);
CREATE POLICY tasks_add ON wtp.tasks FOR INSERT WITH CHECK (wtp.owns(created_by) AND lease_machine IS NULL);
CREATE POLICY tasks_change ON wtp.tasks FOR UPDATE USING (true) WITH CHECK (true);

GRANT SELECT, INSERT, UPDATE ON wtp.tasks TO PUBLIC;
`;
