import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliOutputSchemas } from '../../src/protocol/cli-output.js';
import type { DoctorCheck } from '../../src/protocol/doctor.js';
import { TestHome } from '../support/harness.js';

/** A program on PATH that prints `text` (a stand-in for git or an agent CLI of some version). */
function script(dir: string, name: string, text: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${dir}/${name}`, `#!/bin/sh\necho '${text}'\n`);
  chmodSync(`${dir}/${name}`, 0o755);
}

/**
 * `wtp doctor` on a PATH of our own: no tmux, a git too old (then a recent one), a `claude` of an
 * untested version. HOME is the test home's: nothing of the user's is read.
 */
describe('wtp doctor', () => {
  let home: TestHome;
  let oldBin: string;
  let newBin: string;
  beforeAll(() => {
    home = new TestHome();
    oldBin = home.path('bin-old');
    newBin = home.path('bin-new');
    script(oldBin, 'git', 'git version 2.30.1');
    script(oldBin, 'claude', '2.0.1 (Claude Code)');
    script(newBin, 'git', 'git version 2.45.0');
    home.env.PATH = oldBin;
  });
  afterAll(() => home.cleanup());

  const doctor = async (env: Record<string, string> = {}) => {
    const saved = { ...home.env };
    Object.assign(home.env, env);
    try {
      const r = await home.json(['doctor']);
      const report = cliOutputSchemas.doctor.parse(r.doc);
      const by = (id: string): DoctorCheck => {
        const c = report.checks.find((x) => x.id === id);
        if (!c) throw new Error(`no check ${id}`);
        return c;
      };
      return { code: r.code, report, by };
    } finally {
      for (const k of Object.keys(env)) delete home.env[k];
      Object.assign(home.env, saved);
    }
  };

  it('fails an old git, a token other users can read and a WTP_<NAME>_BIN that is not there; warns of a missing tmux', async () => {
    writeFileSync(home.path('token'), 'x'.repeat(64));
    chmodSync(home.path('token'), 0o644);
    const { code, report, by } = await doctor({ WTP_GEMINI_BIN: home.path('no-gemini') });
    expect(code).toBe(1);
    expect(report.ok).toBe(false);
    expect(by('node')).toMatchObject({ status: 'ok', version: process.versions.node });
    expect(by('git')).toMatchObject({
      status: 'fail',
      version: '2.30.1',
      summary: 'git version 2.30.1: wezterm-parallel needs git 2.38 or later',
      fix: expect.stringContaining('install git 2.38 or later'),
    });
    // The test home's backend is headless: without tmux agents still run, so a warning only.
    expect(by('tmux')).toMatchObject({ status: 'warn', fix: expect.stringContaining('install tmux 3.2') });
    expect(by('files')).toMatchObject({ status: 'fail', fix: `chmod 600 ${home.path('token')}` });
    expect(by('files').summary).toContain(`${home.path('token')} (0644)`);
    // No daemon: the agent CLIs as one started from this environment would find them.
    expect(report.agentClisFrom).toBe('local');
    expect(report.agentClisPath).toBe(oldBin);
    expect(by('agent:claude')).toMatchObject({
      status: 'warn',
      version: '2.0.1',
      path: `${oldBin}/claude`,
      summary: expect.stringContaining('not a tested version (tested: 2.1.330)'),
    });
    expect(by('agent:gemini')).toMatchObject({
      status: 'fail',
      summary: `WTP_GEMINI_BIN=${home.path('no-gemini')} is not an executable file`,
    });
    expect(by('agent:codex')).toMatchObject({
      status: 'skip',
      fix: expect.stringContaining('npm i -g @openai/codex'),
    });
    expect(by('daemon')).toMatchObject({ status: 'warn', fix: 'start it: `wtp up --detach`' });
    for (const c of report.checks)
      if (c.status === 'fail' || c.status === 'warn') expect(c.fix, c.id).not.toBeNull();

    const human = await home.run(['doctor']);
    expect(human.code).toBe(1);
    expect(human.stdout).toMatch(
      /^FAIL {2}git +git version 2\.30\.1: wezterm-parallel needs git 2\.38 or later$/m,
    );
    expect(human.stdout).toContain(`fix: chmod 600 ${home.path('token')}`);
    expect(human.stdout).toMatch(/\d check\(s\) failed, \d warning\(s\): see the fixes above\.$/m);
  });

  it('asks the running daemon where it finds the agent CLIs, and passes with warnings only', async () => {
    // The daemon is started with the old PATH (where `claude` is), the doctor runs with another.
    expect((await home.run(['up', '--detach'])).code).toBe(0);
    const { code, report, by } = await doctor({ PATH: newBin });
    expect(report.agentClisFrom).toBe('daemon');
    expect(report.agentClisPath).toBe(oldBin);
    expect(by('agent:claude')).toMatchObject({ status: 'warn', path: `${oldBin}/claude` });
    expect(by('git')).toMatchObject({ status: 'ok', version: '2.45.0' });
    expect(by('daemon')).toMatchObject({ status: 'ok' });
    expect(by('files').status).toBe('ok'); // the daemon makes its token 0600 when it starts
    expect(report.checks.filter((c) => c.status === 'fail')).toEqual([]);
    expect(code).toBe(0);

    // What a create says when the daemon cannot find an agent CLI: its PATH, the variable, the install.
    const missing = await home.json(['new', 'gemini']);
    expect(missing.doc).toMatchObject({
      error: {
        code: 'COMMAND_NOT_FOUND',
        details: { variable: 'WTP_GEMINI_BIN', install: 'npm i -g @google/gemini-cli' },
      },
    });
    const human = await home.run(['new', 'gemini']);
    expect(human.stderr).toContain(
      'Cannot run the gemini CLI "gemini": no executable file by that name on the daemon\'s PATH',
    );
  });
});
