/** 0010: an agent's pull request (`wtp pr`): forge, number, URL, state and checks as last polled, as JSON. */
export default `
ALTER TABLE agents ADD COLUMN pull_request TEXT;
`;
