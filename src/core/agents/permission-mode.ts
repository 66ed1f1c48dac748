import type { AgentPermission } from '../../protocol/permission-mode.js';
import {
  LIVE_PERMISSION_SOURCES,
  UNASKED_BY_MODE,
  type PermissionMode,
  type PermissionOrigin,
  type PermissionSource,
} from '../../protocol/permission-words.js';
import type { ModeReading, PermissionModeSpec, StartMode } from './profiles.js';

/** An agent's effective permission mode as the core keeps it (times in epoch ms). */
export interface PermissionRecord {
  mode: PermissionMode;
  native: string | null;
  origin: PermissionOrigin;
  originDetail: string;
  source: PermissionSource;
  evidence: string;
  since: number;
}

/** What an agent's permission is now, and the mode each new process of it starts in. */
export interface AgentPermissionState {
  current: PermissionRecord;
  start: PermissionRecord;
}

/** The neutral mode of one of the CLI's mode names (`unknown` for a name the vendor does not list). */
export function neutralMode(spec: PermissionModeSpec, native: string): PermissionMode {
  return Object.hasOwn(spec.modes, native) ? (spec.modes[native] ?? 'unknown') : 'unknown';
}

/**
 * The mode a new agent starts in: what its setup read (arguments, environment, settings files),
 * else what its arguments say, else its vendor's default for its version.
 */
export function startPermission(
  spec: PermissionModeSpec,
  o: { args: readonly string[]; version: string | null; fromSetup: StartMode | null; now: number },
): AgentPermissionState {
  const s = o.fromSetup ?? spec.fromArgs(o.args) ?? spec.vendorDefault(o.version);
  const start: PermissionRecord = {
    mode: neutralMode(spec, s.native),
    native: s.native,
    origin: s.origin,
    originDetail: s.evidence,
    source: s.origin,
    evidence: s.evidence,
    since: o.now,
  };
  return { current: { ...start }, start };
}

/** A new process starts in the start mode again (a mode changed during the session goes with it). */
export function restartPermission(p: AgentPermissionState, now: number): AgentPermissionState {
  return { start: p.start, current: { ...p.start, since: now } };
}

/**
 * The permission after the CLI itself said which mode it is in (a hook, its screen), or null when
 * nothing changes. A live source confirming a mode the start reading assumed takes over as the
 * source; another live source saying the same mode changes nothing (no flapping between the hook
 * and the screen); another mode is a change (`modeChanged`), made in the session unless it is the
 * one the agent started in. Nothing changes an agent whose start mode the CLI does not show
 * (`followsLive`).
 */
export function observePermission(
  spec: PermissionModeSpec,
  p: AgentPermissionState,
  reading: ModeReading & { source: 'hook' | 'screen'; at: number },
): { next: AgentPermissionState; modeChanged: boolean } | null {
  if (spec.followsLive?.(p.start.native ?? '') === false) return null;
  const cur = p.current;
  const live = LIVE_PERMISSION_SOURCES.includes(cur.source);
  if (reading.native === cur.native && live) return null;
  const mode = neutralMode(spec, reading.native);
  const backToStart = reading.native === p.start.native;
  const sameMode = reading.native === cur.native;
  const current: PermissionRecord = {
    mode,
    native: reading.native,
    origin: sameMode ? cur.origin : backToStart ? p.start.origin : 'session',
    originDetail: sameMode
      ? cur.originDetail
      : backToStart
        ? p.start.originDetail
        : `changed while it ran: ${reading.source === 'hook' ? 'its hook' : 'its mode line'} says ${reading.native}`,
    source: reading.source,
    evidence: reading.evidence,
    since: sameMode ? cur.since : reading.at,
  };
  return { next: { start: p.start, current }, modeChanged: !sameMode };
}

/** The API view of a permission record. */
export function toPermissionView(r: PermissionRecord): AgentPermission {
  return {
    mode: r.mode,
    native: r.native,
    withoutAsking: UNASKED_BY_MODE[r.mode],
    origin: r.origin,
    originDetail: r.originDetail,
    source: r.source,
    evidence: r.evidence,
    since: new Date(r.since).toISOString(),
  };
}
