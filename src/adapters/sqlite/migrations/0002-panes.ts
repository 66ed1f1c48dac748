/** 0002: agents live in panes (WezTerm, tmux) or headless; workspaces have a backend and a template. */
export default `
ALTER TABLE agents ADD COLUMN pane_id TEXT;
ALTER TABLE workspaces ADD COLUMN backend TEXT NOT NULL DEFAULT 'headless';
ALTER TABLE workspaces ADD COLUMN template TEXT;
`;
