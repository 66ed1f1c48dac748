/**
 * 0002: actions on another machine's agents. A machine writes a command for the machine that owns
 * the agent (an API call: a route of a fixed list, its parameters and body); that machine's daemon
 * carries it out through its own API — the same checks as a local call — and writes the result
 * back. Only the two machines read a command (its body may hold text typed into an agent); only
 * the sender may write one, only the target carry it out.
 */
export default `
CREATE TABLE wtp.commands (
  id          bigserial PRIMARY KEY,
  target      text NOT NULL REFERENCES wtp.machines (name) ON DELETE CASCADE,
  sender      text NOT NULL REFERENCES wtp.machines (name) ON DELETE CASCADE,
  route       text NOT NULL,
  input       jsonb NOT NULL,
  status      text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'running', 'done', 'expired')),
  result      jsonb,
  created_at  timestamptz NOT NULL DEFAULT now(),
  expires_at  timestamptz NOT NULL,
  done_at     timestamptz
);
CREATE INDEX commands_pending ON wtp.commands (target, id) WHERE status = 'pending';

ALTER TABLE wtp.commands ENABLE ROW LEVEL SECURITY;
ALTER TABLE wtp.commands FORCE ROW LEVEL SECURITY;
CREATE POLICY commands_read ON wtp.commands FOR SELECT USING (wtp.owns(sender) OR wtp.owns(target));
CREATE POLICY commands_send ON wtp.commands FOR INSERT WITH CHECK (wtp.owns(sender) AND status = 'pending');
CREATE POLICY commands_run ON wtp.commands FOR UPDATE USING (wtp.owns(target)) WITH CHECK (wtp.owns(target));
CREATE POLICY commands_forget ON wtp.commands FOR DELETE USING (wtp.owns(sender) OR wtp.owns(target));

GRANT SELECT, INSERT, UPDATE, DELETE ON wtp.commands TO PUBLIC;
GRANT USAGE ON SEQUENCE wtp.commands_id_seq TO PUBLIC;
`;
