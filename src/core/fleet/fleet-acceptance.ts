import type { FleetRefusalCode } from '../../protocol/fleet-refusal.js';
import { PERMISSION_MODE_WORDS, type PermissionMode } from '../../protocol/permission-words.js';
import type { FleetTaskRow } from '../ports/fleet.js';

/**
 * Which tasks of the fleet this machine runs (config `fleet.acceptTasks`). The fleet
 * database is written by every machine's role, so a task there is a request like any other input:
 * judged here, by this machine's own policy, before it is claimed — and again once claimed.
 */
export interface AcceptancePolicy {
  /** Profiles it runs fleet tasks with. */
  profiles: readonly string[];
  /** Neutral permission modes a task may ask for (never bypass, whatever this says). */
  permissionModes: readonly PermissionMode[];
  /** Machines whose tasks it runs; null: any. */
  fromMachines: readonly string[] | null;
}

export interface AcceptanceContext {
  /** The profile of a task that names none (config tasks.defaultProfile). */
  defaultProfile: string;
  /** A profile's own mode name (`bypassPermissions`, `yolo`) as a neutral mode; null: not one of its modes. */
  modeOf(profile: string, native: string): PermissionMode | null;
}

/** Why this machine will not run a task. */
export interface Refusal {
  code: FleetRefusalCode;
  reason: string;
}

/** Profiles whose prompt is run as a command line: a fleet row would be a remote shell. */
const COMMAND_PROFILES = new Set(['shell', 'cmd']);

/** Never taken from the fleet, whatever the policy lists (a policy's schema cannot list them either). */
const NEVER: ReadonlySet<PermissionMode> = new Set(['bypass', 'unknown']);

/** Whether this machine runs the task, and why not (null: it does). */
export function judgeTask(
  task: Pick<FleetTaskRow, 'spec' | 'createdBy'>,
  policy: AcceptancePolicy,
  ctx: AcceptanceContext,
): Refusal | null {
  if (policy.fromMachines !== null && !policy.fromMachines.includes(task.createdBy)) {
    return {
      code: 'creator',
      reason: `it was added on ${task.createdBy}, not one of fleet.acceptTasks.fromMachines (${policy.fromMachines.join(', ') || 'none'})`,
    };
  }
  const profile = task.spec.profile ?? ctx.defaultProfile;
  if (!policy.profiles.includes(profile)) {
    const what = COMMAND_PROFILES.has(profile)
      ? `profile ${profile} runs the task's prompt as a command line`
      : `profile ${profile}`;
    return {
      code: 'profile',
      reason: `${what}: not taken from the fleet here (fleet.acceptTasks.profiles: ${policy.profiles.join(', ') || 'none'})`,
    };
  }
  const native = task.spec.permissionMode;
  if (native === null) return null;
  const mode = ctx.modeOf(profile, native);
  if (mode === null) {
    return { code: 'permission_mode', reason: `permission mode ${native} is not one of ${profile}'s modes` };
  }
  if (NEVER.has(mode)) {
    return {
      code: 'permission_mode',
      reason: `permission mode ${native} (${mode}: ${PERMISSION_MODE_WORDS[mode]}) is never taken from the fleet`,
    };
  }
  if (!policy.permissionModes.includes(mode)) {
    return {
      code: 'permission_mode',
      reason: `permission mode ${native} (${mode}) is not in fleet.acceptTasks.permissionModes (${policy.permissionModes.join(', ') || 'none'})`,
    };
  }
  return null;
}
