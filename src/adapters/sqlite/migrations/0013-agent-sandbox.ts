/**
 * 0013: an agent's sandbox policy (`wtp new --sandbox`, docs/sandbox.md), as JSON; NULL for an
 * agent that runs unsandboxed.
 */
export default `
ALTER TABLE agents ADD COLUMN sandbox TEXT;
`;
