/** 0003: agent-aware profiles: the CLI's version, its session (to resume) and the arguments the profile adds. */
export default `
ALTER TABLE agents ADD COLUMN agent_version TEXT;
ALTER TABLE agents ADD COLUMN session_id TEXT;
ALTER TABLE agents ADD COLUMN profile_args TEXT NOT NULL DEFAULT '[]';
`;
