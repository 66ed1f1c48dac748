import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
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
    // A Qwen Code from npm whose package asks for a Node.js newer than any (issue 31): its bin
    // link to a node script in its package, and the node that runs it on the same PATH.
    const pkg = home.path('npm', 'node_modules', '@qwen-code', 'qwen-code');
    mkdirSync(pkg, { recursive: true });
    writeFileSync(
      `${pkg}/package.json`,
      JSON.stringify({ name: '@qwen-code/qwen-code', engines: { node: '>=999' } }),
    );
    writeFileSync(`${pkg}/cli.js`, "#!/usr/bin/env node\nconsole.log('0.24.4')\n");
    chmodSync(`${pkg}/cli.js`, 0o755);
    symlinkSync(`${pkg}/cli.js`, `${oldBin}/qwen`);
    for (const bin of [oldBin, newBin]) symlinkSync(process.execPath, `${bin}/node`);
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
    expect(report.checks.some((c) => c.id === 'agents')).toBe(false);
    // No agent CLI at all: a warning, never "No problems found" alone.
    const none = await doctor({ PATH: newBin });
    expect(none.by('agents')).toMatchObject({
      status: 'warn',
      summary: 'no agent CLI found on PATH: only `cmd` and `shell` agents can start',
      fix: expect.stringContaining('npm i -g @anthropic-ai/claude-code'),
    });
  });

  it('asks the running daemon where it finds the agent CLIs, and passes with warnings only', async () => {
    // The daemon is started with the old PATH (where `claude` is), the doctor runs with another.
    await home.up();
    const { code, report, by } = await doctor({ PATH: newBin });
    expect(report.agentClisFrom).toBe('daemon');
    expect(report.agentClisPath).toBe(oldBin);
    expect(by('agent:claude')).toMatchObject({ status: 'warn', path: `${oldBin}/claude` });
    expect(by('agent:qwen')).toMatchObject({ status: 'ok', version: '0.24.4' });
    // The node on the daemon's PATH (the agents'), against what the package asks for.
    expect(by('node:qwen')).toMatchObject({
      status: 'warn',
      version: process.versions.node,
      summary: expect.stringContaining(`@qwen-code/qwen-code asks for Node.js >=999`),
      fix: expect.stringContaining('install Node.js >=999'),
    });
    expect(report.checks.some((c) => c.id === 'node:claude')).toBe(false); // a shell script
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

/** A stand-in agent CLI: prints `version` for `--version`, else waits (a running agent). */
function standIn(dir: string, name: string, version: string): string {
  mkdirSync(dir, { recursive: true });
  const file = `${dir}/${name}`;
  writeFileSync(
    file,
    `#!/bin/sh\nif [ "$1" = --version ]; then echo '${version}'; exit 0; fi\nexec sleep 600\n`,
  );
  chmodSync(file, 0o755);
  return file;
}

/**
 * Issue 29: the `permissions` check warns about every running agent that acts without asking,
 * whatever made it so (here a settings file), by its effective permission mode, and never says
 * that no agent does while one's mode is not known.
 */
describe('wtp doctor: agents that act without asking', () => {
  let home: TestHome;
  beforeAll(async () => {
    home = new TestHome();
    const bin = home.path('bin');
    home.env.WTP_CLAUDE_BIN = standIn(bin, 'claude', '2.1.330 (Claude Code)');
    home.env.WTP_CODEX_BIN = standIn(bin, 'codex', 'codex-cli 0.169.0');
    home.env.WTP_AIDER_BIN = standIn(bin, 'aider', 'aider 0.86.1');
    await home.up();
  });
  afterAll(() => home.cleanup());

  const permissions = async () => {
    const report = cliOutputSchemas.doctor.parse((await home.json(['doctor'])).doc);
    const c = report.checks.find((x) => x.id === 'permissions');
    if (!c) throw new Error('no permissions check');
    return { check: c, modes: report.broadPermissions.modes };
  };

  it('says no agent acts without asking only when it knows: one whose mode is not read is named', async () => {
    expect((await permissions()).check).toMatchObject({
      status: 'ok',
      summary: 'no running agent acts without asking; no approval rule allows everything',
    });
    expect((await home.run(['new', 'codex', '-n', 'careful', '--', '--sandbox', 'read-only'])).code).toBe(0);
    expect((await home.agent('careful')).permission).toMatchObject({ mode: 'default', origin: 'args' });
    expect((await home.run(['new', 'aider', '-n', 'old'])).code).toBe(0);
    const { check, modes } = await permissions();
    expect(modes).toEqual([]);
    expect(check).toMatchObject({
      status: 'ok',
      summary:
        'no running agent is known to act without asking (the permission mode of old is not known); no approval rule allows everything',
    });
  });

  it('warns about an agent its settings make act without asking, naming the file', async () => {
    mkdirSync(home.path('home', '.claude'), { recursive: true });
    writeFileSync(
      home.path('home', '.claude', 'settings.json'),
      '{"permissions":{"defaultMode":"acceptEdits"}}',
    );
    const r = await home.run(['new', 'claude', '-n', 'editor']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(
      'note: editor starts in accept_edits mode: it edits files without asking; asks before commands (permissions.defaultMode "acceptEdits" in ~/.claude/settings.json)',
    );
    const { check, modes } = await permissions();
    expect(modes.map((m) => [m.agent, m.permission.mode, m.permission.origin, m.askWith])).toEqual([
      ['editor', 'accept_edits', 'settings', 'wtp new claude --permission-mode default'],
    ]);
    expect(check.status).toBe('warn');
    expect(check.summary).toBe(
      'agents that act without asking: editor (claude accept_edits: edits files without asking; asks before commands; permissions.defaultMode "acceptEdits" in ~/.claude/settings.json)',
    );
    expect(check.fix).toContain(
      'if they should ask, start them so (wtp new claude --permission-mode default)',
    );
    // `wtp ls` marks it; the others ask (or are not known): no mark.
    const ls = (await home.run(['ls'])).stdout.split('\n');
    expect(ls[0]).toMatch(/ STATE +NO ASKING +PID /);
    expect(ls.find((l) => l.startsWith('editor '))).toMatch(/ running +accept_edits +\d+ /);
    expect(ls.find((l) => l.startsWith('careful '))).toMatch(/ running +- +\d+ /);
  });
});
