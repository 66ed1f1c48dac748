/** 0006: a fork's source session (`wtp fork`), resumed as a fork until the agent has its own. */
export default `
ALTER TABLE agents ADD COLUMN fork_session TEXT;
`;
