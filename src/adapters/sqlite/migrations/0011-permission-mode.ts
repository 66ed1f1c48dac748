/**
 * 0011: an agent's effective permission mode, as JSON: the mode now and the one each of
 * its processes starts in, with what made it so and what said it.
 */
export default `
ALTER TABLE agents ADD COLUMN permission TEXT;
`;
