import { describe, expect, it } from 'vitest';
import { acceptTasksSchema } from '../../config/accept-tasks-schema.js';
import type { PermissionMode } from '../../protocol/permission-words.js';
import type { FleetTaskSpec } from '../ports/fleet.js';
import { judgeTask, type AcceptanceContext } from './fleet-acceptance.js';

const CLAUDE_MODES: Record<string, PermissionMode> = {
  default: 'default',
  acceptEdits: 'accept_edits',
  plan: 'plan',
  auto: 'auto',
  dontAsk: 'dont_ask',
  bypassPermissions: 'bypass',
};
const GEMINI_MODES: Record<string, PermissionMode> = {
  default: 'default',
  yolo: 'bypass',
  auto_edit: 'accept_edits',
};
const ctx: AcceptanceContext = {
  defaultProfile: 'claude',
  modeOf: (profile, native) =>
    (profile === 'claude' ? CLAUDE_MODES : profile === 'gemini' ? GEMINI_MODES : {})[native] ?? null,
};
const spec = (over: Partial<FleetTaskSpec> = {}): FleetTaskSpec => ({
  prompt: 'p',
  profile: 'claude',
  model: null,
  permissionMode: null,
  attempts: 1,
  retries: null,
  labels: [],
  workspace: 'default',
  ...over,
});
const DEFAULT = acceptTasksSchema.parse({});
const judge = (over: Partial<FleetTaskSpec>, policy = DEFAULT, createdBy = 'm2') =>
  judgeTask({ spec: spec(over), createdBy }, policy, ctx);

describe('which fleet tasks a machine runs (fleet.acceptTasks)', () => {
  it('by default: agent CLIs in a mode that asks; no shell, no command, never a bypass mode', () => {
    expect(judge({})).toBeNull();
    expect(judge({ profile: null })).toBeNull(); // tasks.defaultProfile: claude
    expect(judge({ permissionMode: 'acceptEdits' })).toBeNull();
    expect(judge({ permissionMode: 'plan' })).toBeNull();
    expect(judge({ profile: 'shell', prompt: 'id > planted.txt' })).toMatchObject({
      code: 'profile',
      reason: expect.stringMatching(
        /profile shell runs the task's prompt as a command line.*fleet\.acceptTasks\.profiles/,
      ),
    });
    expect(judge({ profile: 'cmd' })?.code).toBe('profile');
    expect(judge({ permissionMode: 'bypassPermissions' })).toMatchObject({
      code: 'permission_mode',
      reason: expect.stringMatching(/bypassPermissions \(bypass: .*\) is never taken from the fleet/),
    });
    expect(judge({ profile: 'gemini', permissionMode: 'yolo' })?.code).toBe('permission_mode');
    // `auto` runs commands it judges safe: only when the policy lists it.
    expect(judge({ permissionMode: 'auto' })?.reason).toMatch(/not in fleet\.acceptTasks\.permissionModes/);
    // A mode the profile does not have is no mode at all.
    expect(judge({ permissionMode: '--dangerously-skip-permissions' })?.reason).toMatch(
      /not one of claude's modes/,
    );
  });

  it('a policy opens profiles and modes, never bypass; and may name the machines it takes tasks from', () => {
    const open = acceptTasksSchema.parse({
      profiles: ['claude', 'cmd'],
      permissionModes: ['default', 'auto'],
    });
    expect(judge({ profile: 'cmd' }, open)).toBeNull();
    expect(judge({ profile: 'shell' }, open)?.code).toBe('profile');
    expect(judge({ permissionMode: 'auto' }, open)).toBeNull();
    expect(judge({ permissionMode: 'bypassPermissions' }, open)?.code).toBe('permission_mode');
    expect(() => acceptTasksSchema.parse({ permissionModes: ['bypass'] })).toThrow();
    const only = acceptTasksSchema.parse({ fromMachines: ['m1'] });
    expect(judge({}, only, 'm1')).toBeNull();
    expect(judge({}, only, 'm2')).toMatchObject({
      code: 'creator',
      reason: expect.stringContaining('added on m2'),
    });
  });
});
