/** 0008: an agent's own approval rules (`wtp new --auto-approve`, its template's `approvals:`). */
export default `
ALTER TABLE agents ADD COLUMN approvals TEXT NOT NULL DEFAULT '{}';
`;
