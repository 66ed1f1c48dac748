/**
 * 0004: the fleet is one user's trust domain, held by the database too. A task's title,
 * prompt, spec, dependencies and priority are written only by the role of the machine that added
 * it; its lease, run and status only by the machine that claims or holds it — and by its creator,
 * to let it go; its id, repository and creator never change; a machine may mark only its own runs.
 * A machine's refusals of tasks (its acceptance policy) are its own rows. The database gets an
 * identity (a random id made here), by which a daemon notices a database dropped and made again.
 * Repository URLs carrying credentials are refused (rows stored before are cleaned first).
 */
export default `
-- Credentials in a repository URL: a user's password, any user part of an http(s)/ftp/git URL (a
-- token as user name), or a secret query parameter. The application strips them first (with a
-- longer list: src/protocol/url-credentials.ts); this is the database's own guard.
CREATE FUNCTION wtp.has_credentials(url text) RETURNS boolean
  LANGUAGE sql IMMUTABLE
  AS $$ SELECT url ~ '^[A-Za-z][A-Za-z0-9+.-]*://[^/?#@]*:[^/?#]*@'
            OR url ~* '^(https?|ftps?|git)://[^/?#]*@'
            OR url ~* '[?&#;](token|private_token|access_token|auth_token|oauth_token|id_token|refresh_token|password|passwd|pass|pwd|secret|client_secret|key|api_key|apikey|sig|signature|x-amz-signature|x-amz-credential|x-amz-security-token|credential|credentials|auth|code)=' $$;
GRANT EXECUTE ON FUNCTION wtp.has_credentials(text) TO PUBLIC;

CREATE FUNCTION wtp.any_credentials(urls jsonb) RETURNS boolean
  LANGUAGE sql IMMUTABLE
  AS $$ SELECT jsonb_typeof(urls) <> 'array'
            OR EXISTS (SELECT 1 FROM jsonb_array_elements(urls) u
                       WHERE jsonb_typeof(u) <> 'string' OR wtp.has_credentials(u #>> '{}')) $$;
GRANT EXECUTE ON FUNCTION wtp.any_credentials(jsonb) TO PUBLIC;

-- The same URL without them, for the rows stored before this migration.
CREATE FUNCTION wtp.without_credentials(url text) RETURNS text
  LANGUAGE sql IMMUTABLE
  AS $$ SELECT regexp_replace(regexp_replace(regexp_replace(url,
             '^(ssh://[^/?#@:]*):[^/?#]*@', '\\1@'),
             '^((?:https?|ftps?|git)://)[^/?#]*@', '\\1', 'i'),
             '[?#].*$', '') $$;

-- Cleaned as the tables' owner: row-level security and the old guard set aside for this statement.
DROP TRIGGER tasks_guard_lease ON wtp.tasks;
DROP FUNCTION wtp.guard_lease();
ALTER TABLE wtp.tasks NO FORCE ROW LEVEL SECURITY;
ALTER TABLE wtp.machines NO FORCE ROW LEVEL SECURITY;
UPDATE wtp.tasks SET repo = wtp.without_credentials(repo) WHERE wtp.has_credentials(repo);
UPDATE wtp.machines SET repos = COALESCE(
    (SELECT jsonb_agg(wtp.without_credentials(u #>> '{}')) FROM jsonb_array_elements(repos) u
     WHERE jsonb_typeof(u) = 'string'), '[]')
  WHERE wtp.any_credentials(repos);
ALTER TABLE wtp.tasks FORCE ROW LEVEL SECURITY;
ALTER TABLE wtp.machines FORCE ROW LEVEL SECURITY;
DROP FUNCTION wtp.without_credentials(text);

ALTER TABLE wtp.tasks ADD CONSTRAINT tasks_repo_clean CHECK (NOT wtp.has_credentials(repo));
ALTER TABLE wtp.tasks ADD CONSTRAINT tasks_runs_array CHECK (jsonb_typeof(runs) = 'array') NOT VALID;
ALTER TABLE wtp.machines ADD CONSTRAINT machines_repos_clean CHECK (NOT wtp.any_credentials(repos));

-- Whether a machine of this role has a run in these runs.
CREATE FUNCTION wtp.ran(runs jsonb) RETURNS boolean
  LANGUAGE sql STABLE
  AS $$ SELECT jsonb_typeof(runs) = 'array'
           AND EXISTS (SELECT 1 FROM jsonb_array_elements(runs) r WHERE wtp.owns(r->>'machine')) $$;
GRANT EXECUTE ON FUNCTION wtp.ran(jsonb) TO PUBLIC;

-- Which columns an update may change, and who may (row-level security only says which rows).
CREATE FUNCTION wtp.guard_task() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
DECLARE
  creator boolean := wtp.owns(OLD.created_by);
  holder boolean := OLD.lease_machine IS NOT NULL AND wtp.owns(OLD.lease_machine);
  claim boolean := NEW.run_id IS NOT NULL AND NEW.run_id IS DISTINCT FROM OLD.run_id;
  kept text[] := ARRAY['runId', 'machine', 'startedAt'];
BEGIN
  IF (NEW.id, NEW.repo, NEW.created_by, NEW.created_at)
     IS DISTINCT FROM (OLD.id, OLD.repo, OLD.created_by, OLD.created_at) THEN
    RAISE EXCEPTION 'task %: its id, repository and creator never change', OLD.id USING ERRCODE = '42501';
  END IF;
  IF (NEW.title, NEW.spec, NEW.deps, NEW.priority) IS DISTINCT FROM (OLD.title, OLD.spec, OLD.deps, OLD.priority)
     AND NOT creator THEN
    RAISE EXCEPTION 'task %: only the machine that added it (%) may change its title, prompt, spec, dependencies or priority',
      OLD.id, OLD.created_by USING ERRCODE = '42501';
  END IF;
  IF jsonb_typeof(NEW.runs) IS DISTINCT FROM 'array' THEN
    RAISE EXCEPTION 'task %: runs must be an array', OLD.id USING ERRCODE = '42501';
  END IF;
  IF claim THEN
    IF NEW.lease_machine IS NULL OR NOT wtp.owns(NEW.lease_machine) THEN
      RAISE EXCEPTION 'a lease may be taken only for a machine of this role (%)', NEW.lease_machine
        USING ERRCODE = '42501';
    END IF;
    IF OLD.status = 'running' AND OLD.lease_until > now() THEN
      RAISE EXCEPTION 'task % runs on % under a live lease', OLD.id, OLD.lease_machine USING ERRCODE = '42501';
    END IF;
    IF NOT (OLD.status = 'ready' OR OLD.status = 'running') OR NEW.status <> 'running' THEN
      RAISE EXCEPTION 'task % is %: a claim takes a ready task (or a lapsed lease) to running', OLD.id, OLD.status
        USING ERRCODE = '42501';
    END IF;
    -- A claim adds its own run, and may mark the lapsed one lost; other runs stay as they are.
    IF jsonb_array_length(NEW.runs) <> jsonb_array_length(OLD.runs) + 1
       OR NEW.runs -> -1 ->> 'runId' IS DISTINCT FROM NEW.run_id
       OR NEW.runs -> -1 ->> 'machine' IS DISTINCT FROM NEW.lease_machine
       OR NEW.runs -> -1 ->> 'status' IS DISTINCT FROM 'running'
       OR EXISTS (SELECT 1 FROM jsonb_array_elements(OLD.runs) WITH ORDINALITY o(r, i)
                  JOIN jsonb_array_elements(NEW.runs) WITH ORDINALITY x(r, i) USING (i)
                  WHERE o.r IS DISTINCT FROM x.r
                    AND NOT (o.r ->> 'runId' = OLD.run_id AND x.r ->> 'status' = 'lost'
                             AND (SELECT jsonb_object_agg(k, o.r -> k) FROM unnest(kept) k)
                                 = (SELECT jsonb_object_agg(k, x.r -> k) FROM unnest(kept) k))) THEN
      RAISE EXCEPTION 'task %: a claim adds its own run and changes no other', OLD.id USING ERRCODE = '42501';
    END IF;
    RETURN NEW;
  END IF;
  IF (NEW.status, NEW.status_reason, NEW.lease_machine, NEW.lease_until, NEW.run_id, NEW.updated_at)
     IS DISTINCT FROM (OLD.status, OLD.status_reason, OLD.lease_machine, OLD.lease_until, OLD.run_id, OLD.updated_at) THEN
    IF NOT (creator OR holder) THEN
      RAISE EXCEPTION 'task %: only the machine that added it (%) or the one that holds it (%) may move it',
        OLD.id, OLD.created_by, COALESCE(OLD.lease_machine, 'none') USING ERRCODE = '42501';
    END IF;
    -- Outside a claim a lease is only let go (or renewed by its holder).
    IF NEW.lease_machine IS NOT NULL AND NEW.lease_machine IS DISTINCT FROM OLD.lease_machine THEN
      RAISE EXCEPTION 'a lease may be taken only for a machine of this role (%)', NEW.lease_machine
        USING ERRCODE = '42501';
    END IF;
    IF NOT holder AND NEW.lease_until IS NOT NULL AND NEW.lease_until IS DISTINCT FROM OLD.lease_until THEN
      RAISE EXCEPTION 'task %: only the machine that holds it (%) renews its lease', OLD.id, OLD.lease_machine
        USING ERRCODE = '42501';
    END IF;
  END IF;
  -- Runs: the same runs; a changed one is this role's own, or the current run its creator lets go.
  IF jsonb_array_length(NEW.runs) <> jsonb_array_length(OLD.runs)
     OR EXISTS (SELECT 1 FROM jsonb_array_elements(OLD.runs) WITH ORDINALITY o(r, i)
                JOIN jsonb_array_elements(NEW.runs) WITH ORDINALITY x(r, i) USING (i)
                WHERE o.r IS DISTINCT FROM x.r
                  AND ((SELECT jsonb_object_agg(k, o.r -> k) FROM unnest(kept) k)
                         IS DISTINCT FROM (SELECT jsonb_object_agg(k, x.r -> k) FROM unnest(kept) k)
                       OR NOT (wtp.owns(o.r ->> 'machine')
                               OR (creator AND o.r ->> 'runId' = OLD.run_id AND NEW.run_id IS NULL)))) THEN
    RAISE EXCEPTION 'task %: a machine may change only its own runs', OLD.id USING ERRCODE = '42501';
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER tasks_guard BEFORE UPDATE ON wtp.tasks FOR EACH ROW EXECUTE FUNCTION wtp.guard_task();

DROP POLICY tasks_add ON wtp.tasks;
CREATE POLICY tasks_add ON wtp.tasks FOR INSERT
  WITH CHECK (wtp.owns(created_by) AND status IN ('backlog', 'ready') AND lease_machine IS NULL
              AND lease_until IS NULL AND run_id IS NULL AND runs = '[]'::jsonb);
DROP POLICY tasks_change ON wtp.tasks;
-- Rows an update may touch: its creator's and holder's; ready ones and lapsed leases (a claim);
-- those a machine of this role ran (to mark its own run).
CREATE POLICY tasks_change ON wtp.tasks FOR UPDATE
  USING (wtp.owns(created_by) OR wtp.owns(lease_machine) OR status = 'ready'
         OR (status = 'running' AND lease_until <= now()) OR wtp.ran(runs))
  WITH CHECK (wtp.owns(created_by) OR wtp.owns(lease_machine) OR wtp.ran(runs));

-- A machine's refusal of a task (its fleet.acceptTasks policy): why it will not run it.
CREATE TABLE wtp.task_refusals (
  task        text NOT NULL REFERENCES wtp.tasks (id) ON DELETE CASCADE,
  machine     text NOT NULL REFERENCES wtp.machines (name) ON DELETE CASCADE,
  code        text NOT NULL CHECK (code IN ('profile', 'permission_mode', 'creator', 'invalid')),
  reason      text NOT NULL CHECK (length(reason) <= 1000),
  refused_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (task, machine)
);
ALTER TABLE wtp.task_refusals ENABLE ROW LEVEL SECURITY;
ALTER TABLE wtp.task_refusals FORCE ROW LEVEL SECURITY;
CREATE POLICY refusals_read ON wtp.task_refusals FOR SELECT USING (true);
CREATE POLICY refusals_write ON wtp.task_refusals FOR INSERT WITH CHECK (wtp.owns(machine));
CREATE POLICY refusals_update ON wtp.task_refusals FOR UPDATE USING (wtp.owns(machine)) WITH CHECK (wtp.owns(machine));
CREATE POLICY refusals_delete ON wtp.task_refusals FOR DELETE USING (wtp.owns(machine));
GRANT SELECT, INSERT, UPDATE, DELETE ON wtp.task_refusals TO PUBLIC;

-- The database's identity: made once, here; a database dropped and made again has another.
CREATE TABLE wtp.fleet_identity (
  id          text PRIMARY KEY,
  created_at  timestamptz NOT NULL DEFAULT now()
);
INSERT INTO wtp.fleet_identity (id) VALUES (md5(random()::text || clock_timestamp()::text || pg_backend_pid()::text));
ALTER TABLE wtp.fleet_identity ENABLE ROW LEVEL SECURITY;
ALTER TABLE wtp.fleet_identity FORCE ROW LEVEL SECURITY;
CREATE POLICY identity_read ON wtp.fleet_identity FOR SELECT USING (true);
GRANT SELECT ON wtp.fleet_identity TO PUBLIC;
`;
