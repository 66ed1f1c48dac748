import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TmuxMux } from './tmux-mux.js';

/**
 * Races with tmux's own bookkeeping, which real tmux shows only now and then (a session whose
 * last pane just closed, one another agent just opened). A scripted `tmux` plays them exactly:
 * it logs every call and answers from flag files in its folder.
 */
const FAKE_TMUX = `#!/bin/sh
shift 2 # -L <socket>
echo "$1" >> "$DIR/calls"
case "$1" in
  has-session)
    [ -f "$DIR/session" ] && exit 0
    if [ -f "$DIR/no-target" ]; then echo "no current target" >&2; else echo "can't find session: w" >&2; fi
    exit 1 ;;
  new-window)
    if [ -f "$DIR/vanish" ]; then rm -f "$DIR/vanish" "$DIR/session"; echo "no current target" >&2; exit 1; fi
    echo "%5 500" ;;
  new-session)
    if [ -f "$DIR/appear" ]; then rm -f "$DIR/appear"; touch "$DIR/session"; echo "duplicate session: w" >&2; exit 1; fi
    touch "$DIR/session"; echo "%6 600" ;;
  kill-session)
    echo "$KILL_ERROR" >&2; exit 1 ;;
  *) exit 0 ;;
esac
`;

describe('TmuxMux and sessions that vanish or appear meanwhile', () => {
  let dir: string;
  let mux: TmuxMux;
  const flag = (name: string): void => writeFileSync(join(dir, name), '');
  const calls = (): string[] =>
    existsSync(join(dir, 'calls')) ? readFileSync(join(dir, 'calls'), 'utf8').trim().split('\n') : [];
  const spec = { argv: ['/bin/true', 'x'], cwd: '/', env: {} };
  const make = (env: Record<string, string> = {}): TmuxMux =>
    new TmuxMux({
      socketName: 'test',
      tmuxPath: join(dir, 'tmux'),
      env: { PATH: process.env.PATH ?? '', DIR: dir, ...env },
    });

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'wtp-tmux-fake-'));
    writeFileSync(join(dir, 'tmux'), FAKE_TMUX);
    chmodSync(join(dir, 'tmux'), 0o755);
    mux = make();
  });
  afterEach(async () => {
    // A pane is tagged in the background after it opens (a tmux call of its own, logged in `dir`):
    // the folder goes once that call is done (rm raced it under load: ENOTEMPTY).
    await (mux as unknown as { tagged(): Promise<void> }).tagged();
    rmSync(dir, { recursive: true, force: true });
  });

  it('opens the session when it vanished between the check and new-window', async () => {
    flag('session');
    flag('vanish');
    expect(await mux.spawnPane('w', spec)).toEqual({ id: '%6', pid: 600 });
    expect(calls().slice(0, 4)).toEqual(['has-session', 'new-window', 'has-session', 'new-session']);
  });

  it('adds a window when another start opened the session between the check and new-session', async () => {
    flag('appear');
    expect(await mux.spawnPane('w', spec)).toEqual({ id: '%5', pid: 500 });
    expect(calls().slice(0, 4)).toEqual(['has-session', 'new-session', 'has-session', 'new-window']);
  });

  it('takes "no current target" from has-session for a missing session', async () => {
    flag('no-target');
    expect(await mux.spawnPane('w', spec)).toEqual({ id: '%6', pid: 600 });
  });

  it('closing a session that is already gone succeeds; another failure is reported', async () => {
    await expect(make({ KILL_ERROR: 'no current target' }).closeWorkspace('w')).resolves.toBeUndefined();
    await expect(make({ KILL_ERROR: "can't find session: w" }).closeWorkspace('w')).resolves.toBeUndefined();
    await expect(make({ KILL_ERROR: 'permission denied' }).closeWorkspace('w')).rejects.toMatchObject({
      code: 'MUX_COMMAND_FAILED',
    });
  });
});
