import { execFileSync, spawnSync } from 'node:child_process';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  readlinkSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FsProfileSetup } from '../../adapters/profiles/profile-setup.js';
import { profileWorlds } from '../../../test/support/profile-worlds.js';
import { GEMINI_HOOK_EVENTS } from './setup.js';

const world = profileWorlds();

interface Settings {
  hooks: Record<string, { hooks: { type: string; name?: string; command: string; timeout?: number }[] }[]>;
  hooksConfig: Record<string, unknown>;
  security?: unknown;
}

/** A world with a gemini CLI and a user's ~/.gemini (settings with a hook of the user's, oauth creds). */
function geminiWorld(wtp = ['/usr/bin/node', '/app/wtp.js']) {
  const w = world('echo 0.61.0');
  const userDir = join(w.home, '.gemini');
  mkdirSync(join(userDir, 'tmp'), { recursive: true });
  const user = {
    security: { auth: { selectedType: 'oauth-personal' } },
    hooks: { AfterAgent: [{ hooks: [{ type: 'command', command: 'notify-send done' }] }] },
  };
  writeFileSync(join(userDir, 'settings.json'), JSON.stringify(user));
  writeFileSync(join(userDir, 'oauth_creds.json'), '{"token":"t"}');
  const setup = new FsProfileSetup(w.opts({ wtpCommand: wtp }));
  const agent = { ...w.agent, profile: 'gemini' as const, env: {} as Record<string, string> };
  const agentHome = join(w.root, 'agents', 'ag-1', 'gemini-home');
  const settings = (): Settings =>
    JSON.parse(readFileSync(join(agentHome, '.gemini', 'settings.json'), 'utf8')) as Settings;
  return { ...w, userDir, user, setup, agent, agentHome, settings };
}

describe('FsProfileSetup (gemini)', () => {
  it("gives the agent its own GEMINI_CLI_HOME: the user's settings plus our hooks, the rest linked", async () => {
    const w = geminiWorld();
    const userBefore = readFileSync(join(w.userDir, 'settings.json'), 'utf8');
    expect(await w.setup.prepare(w.agent)).toEqual({
      version: '0.61.0',
      profileArgs: ['--skip-trust'],
      profileEnv: { GEMINI_CLI_HOME: w.agentHome },
    });
    expect(w.agent.env).toEqual({}); // the agent's own environment is left as it is
    const s = w.settings();
    expect(s.security).toEqual(w.user.security);
    expect(s.hooksConfig).toEqual({ notifications: false });
    expect(Object.keys(s.hooks).sort()).toEqual([...GEMINI_HOOK_EVENTS].sort());
    // The user's own hook stays, ours comes after it.
    expect(s.hooks.AfterAgent?.map((d) => d.hooks[0]?.command)).toEqual([
      'notify-send done',
      "'/usr/bin/node' '/app/wtp.js' 'hook' '--agent' 'ag-1' >/dev/null 2>&1 || true",
    ]);
    expect(s.hooks.AfterTool?.[0]?.hooks[0]).toMatchObject({ type: 'command', timeout: 10000 });
    // The decision hook waits longer: a late decision is a lost one.
    expect(s.hooks.BeforeTool?.[0]?.hooks[0]).toMatchObject({ type: 'command', timeout: 30000 });
    expect(statSync(join(w.agentHome, '.gemini', 'settings.json')).mode & 0o777).toBe(0o600);
    for (const name of ['oauth_creds.json', 'tmp']) {
      expect(lstatSync(join(w.agentHome, '.gemini', name)).isSymbolicLink()).toBe(true);
      expect(readlinkSync(join(w.agentHome, '.gemini', name))).toBe(join(w.userDir, name));
    }
    expect(readFileSync(join(w.userDir, 'settings.json'), 'utf8')).toBe(userBefore); // untouched
  });

  it('sandboxed: only its login and instructions are linked (read-only inside); sessions and state are its own', async () => {
    const w = geminiWorld();
    writeFileSync(join(w.userDir, 'state.json'), '{"terminalSetupPromptShown":true}');
    await w.setup.prepare(w.agent, { sandboxed: true });
    const dir = join(w.agentHome, '.gemini');
    expect(readlinkSync(join(dir, 'oauth_creds.json'))).toBe(join(w.userDir, 'oauth_creds.json'));
    expect(existsSync(join(dir, 'tmp'))).toBe(false);
    expect(lstatSync(join(dir, 'state.json')).isFile()).toBe(true);
    expect(readFileSync(join(dir, 'state.json'), 'utf8')).toContain('terminalSetupPromptShown');
  });

  it('the hook command says nothing and exits 0 even when wtp fails (Gemini reads output as a decision)', async () => {
    // It reads its payload first, as `wtp hook` does (else writing it races the exit: EPIPE under load).
    const w = geminiWorld(['/bin/sh', '-c', 'cat >/dev/null; echo denied; echo oops >&2; exit 2', 'sh']);
    await w.setup.prepare(w.agent);
    const command = w.settings().hooks.AfterTool?.[0]?.hooks[0]?.command ?? '';
    const out = execFileSync('/bin/bash', ['-c', command], { input: '{}', encoding: 'utf8' });
    expect(out).toBe('');
  });

  it('BeforeTool is the decision hook: `wtp hook --decide`, its stdout kept (the decision), stderr dropped, exit 0', async () => {
    const w = geminiWorld(['/bin/sh', '-c', 'cat >/dev/null; echo "$@"; echo oops >&2; exit 2', 'sh']);
    await w.setup.prepare(w.agent);
    const command = w.settings().hooks.BeforeTool?.[0]?.hooks[0]?.command ?? '';
    const r = spawnSync('/bin/bash', ['-c', command], { input: '{}', encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('hook --agent ag-1 --decide\n');
    expect(r.stderr).toBe('');
  });

  it("a fork (GEMINI_CLI_HOME of another agent) mirrors the user's home, with only its own hooks", async () => {
    const w = geminiWorld();
    const { profileEnv } = await w.setup.prepare(w.agent);
    // A fork made from inside the agent inherits the environment its CLI ran with.
    const fork = { ...w.agent, id: 'ag-2', env: { ...profileEnv } };
    const forkHome = join(w.root, 'agents', 'ag-2', 'gemini-home');
    expect((await w.setup.prepare(fork)).profileEnv).toEqual({ GEMINI_CLI_HOME: forkHome });
    const s = JSON.parse(readFileSync(join(forkHome, '.gemini', 'settings.json'), 'utf8')) as Settings;
    expect(s.hooks.AfterAgent?.map((d) => d.hooks[0]?.command)).toEqual([
      'notify-send done',
      "'/usr/bin/node' '/app/wtp.js' 'hook' '--agent' 'ag-2' >/dev/null 2>&1 || true",
    ]);
    expect(readlinkSync(join(forkHome, '.gemini', 'oauth_creds.json'))).toBe(
      join(w.userDir, 'oauth_creds.json'),
    );
  });

  it("runs on the user's home without hooks when their settings.json is not plain JSON; cleans up", async () => {
    const w = geminiWorld();
    writeFileSync(join(w.userDir, 'settings.json'), '{ // a comment\n}');
    const r = await w.setup.prepare(w.agent);
    expect(r.profileArgs).toEqual(['--skip-trust']);
    expect(r.profileEnv).toBeUndefined();
    writeFileSync(join(w.userDir, 'settings.json'), '{}');
    await w.setup.prepare(w.agent);
    w.setup.cleanup('ag-1');
    expect(() => lstatSync(w.agentHome)).toThrow();
    expect(lstatSync(join(w.userDir, 'oauth_creds.json')).isFile()).toBe(true);
  });
});
