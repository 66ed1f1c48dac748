/**
 * Why a machine will not run a fleet task (its `fleet.acceptTasks`), without zod (the CLI
 * and the dashboard import this): `profile` — a shell or command, or a profile it does not take from
 * the fleet; `permission_mode` — bypass (never), or a mode it does not take; `creator` — a machine
 * it does not take tasks from; `invalid` — the task's row failed validation there.
 */
export const FLEET_REFUSAL_CODES = ['profile', 'permission_mode', 'creator', 'invalid'] as const;
export type FleetRefusalCode = (typeof FLEET_REFUSAL_CODES)[number];
