/** 0004: an agent's git worktree (repository, folder, branch, base, port range) as JSON. */
export default `
ALTER TABLE agents ADD COLUMN worktree TEXT;
`;
