import m0001 from './0001-initial.js';

/** Numbered, append-only: migration N sets PRAGMA user_version = N. Never edit a shipped one. */
export const MIGRATIONS: readonly string[] = [m0001];
