import { describe, expect, it } from 'vitest';
import {
  observePermission,
  restartPermission,
  startPermission,
  toPermissionView,
  type AgentPermissionState,
} from './permission-mode.js';
import type { PermissionModeSpec } from './profiles.js';

/** A vendor like Claude Code: a default of `auto`, `--permission-mode`, a sticky `--sticky` start. */
const spec: PermissionModeSpec = {
  product: 'Some CLI',
  modes: { default: 'default', auto: 'auto', acceptEdits: 'accept_edits', plan: 'plan', sticky: 'bypass' },
  vendorDefault: () => ({ native: 'auto', evidence: "Some CLI 1.0's default", origin: 'vendor_default' }),
  fromArgs: (args) =>
    args[0] === '--permission-mode' && args[1] !== undefined
      ? { native: args[1], evidence: `--permission-mode ${args[1]}`, origin: 'args' }
      : null,
  followsLive: (start) => start !== 'sticky',
  askWith: 'some --permission-mode default',
};

const start = (args: string[] = []): AgentPermissionState =>
  startPermission(spec, { args, version: '1.0', fromSetup: null, now: 1_000 });
const hook = (native: string, at = 2_000) => ({
  native,
  evidence: `hook UserPromptSubmit permission_mode "${native}"`,
  source: 'hook' as const,
  at,
});
const screen = (native: string, at = 3_000) => ({
  native,
  evidence: `screen line 39: "${native} on"`,
  source: 'screen' as const,
  at,
});

describe('an agent’s effective permission mode', () => {
  it('starts in what its setup read, else its arguments, else its vendor default', () => {
    expect(start().current).toMatchObject({
      mode: 'auto',
      native: 'auto',
      origin: 'vendor_default',
      originDetail: "Some CLI 1.0's default",
      source: 'vendor_default',
    });
    expect(start(['--permission-mode', 'default']).current).toMatchObject({
      mode: 'default',
      origin: 'args',
      originDetail: '--permission-mode default',
    });
    const fromSettings = startPermission(spec, {
      args: ['--permission-mode', 'default'],
      version: null,
      fromSetup: { native: 'acceptEdits', evidence: 'defaultMode in settings.json', origin: 'settings' },
      now: 0,
    });
    expect(fromSettings.current).toMatchObject({ mode: 'accept_edits', origin: 'settings' });
    // A name the vendor does not list is kept, as `unknown`.
    expect(start(['--permission-mode', 'turbo']).current).toMatchObject({ mode: 'unknown', native: 'turbo' });
  });

  it('the CLI confirming its start mode takes over as the source, keeping what made it so; nothing more after that', () => {
    const p = start();
    const r = observePermission(spec, p, hook('auto'));
    expect(r?.modeChanged).toBe(false);
    expect(r?.next.current).toMatchObject({
      mode: 'auto',
      origin: 'vendor_default',
      originDetail: "Some CLI 1.0's default",
      source: 'hook',
      since: 1_000,
    });
    // The screen saying the same, then the hook again: no flapping between them.
    const confirmed = r?.next ?? p;
    expect(observePermission(spec, confirmed, screen('auto'))).toBeNull();
    expect(observePermission(spec, confirmed, hook('auto', 9_000))).toBeNull();
  });

  it('another mode while it runs is a change made in the session; back to the start mode, the start’s origin again', () => {
    const p = observePermission(spec, start(), screen('auto'))?.next ?? start();
    const changed = observePermission(spec, p, screen('acceptEdits', 5_000));
    expect(changed?.modeChanged).toBe(true);
    expect(changed?.next.current).toMatchObject({
      mode: 'accept_edits',
      origin: 'session',
      source: 'screen',
      evidence: 'screen line 39: "acceptEdits on"',
      since: 5_000,
    });
    const back = observePermission(spec, changed?.next ?? p, hook('auto', 7_000));
    expect(back?.modeChanged).toBe(true);
    expect(back?.next.current).toMatchObject({
      mode: 'auto',
      origin: 'vendor_default',
      originDetail: "Some CLI 1.0's default",
      source: 'hook',
      since: 7_000,
    });
  });

  it('a new process starts in the start mode again', () => {
    const changed = observePermission(spec, start(['--permission-mode', 'default']), screen('auto'));
    expect(changed?.next.current.mode).toBe('auto');
    const again = restartPermission(changed?.next ?? start(), 8_000);
    expect(again.current).toMatchObject({ mode: 'default', origin: 'args', source: 'args', since: 8_000 });
  });

  it('an agent started in a mode the CLI does not show keeps it, whatever its screen says', () => {
    const p = start(['--permission-mode', 'sticky']);
    expect(observePermission(spec, p, screen('default'))).toBeNull();
  });

  it('shows what it does without asking', () => {
    expect(toPermissionView(start().current)).toEqual({
      mode: 'auto',
      native: 'auto',
      withoutAsking: 'commands',
      origin: 'vendor_default',
      originDetail: "Some CLI 1.0's default",
      source: 'vendor_default',
      evidence: "Some CLI 1.0's default",
      since: new Date(1_000).toISOString(),
    });
    const plan = start(['--permission-mode', 'plan']);
    expect(toPermissionView(plan.current).withoutAsking).toBe('nothing');
  });
});
