/** 0007: environment a profile's setup adds at every spawn (OpenCode's plugin config). */
export default `
ALTER TABLE agents ADD COLUMN profile_env TEXT NOT NULL DEFAULT '{}';
`;
