/**
 * 0005: what each machine spent, published with its heartbeat: today's and all-time
 * dollars and tokens, as JSON on its own row (so its row-level policies hold: only its role writes
 * it). Readers validate it (src/protocol/fleet-rows.ts) like every row.
 */
export default `
ALTER TABLE wtp.machines ADD COLUMN usage jsonb;
`;
