import { existsSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { agentRecord } from '../../../test/support/core-fakes.js';
import { eventually } from '../../../test/support/harness.js';
import { isAlive } from '../../../test/support/processes.js';
import { profileWorlds } from '../../../test/support/profile-worlds.js';
import { FsProfileSetup } from './profile-setup.js';

const world = profileWorlds();

describe('FsProfileSetup', () => {
  it('refuses a CLI whose --version fails, with its output', async () => {
    const w = world('echo "segfault in module" >&2; exit 3');
    const err = await new FsProfileSetup(w.opts()).prepare(w.agent).catch((e: unknown) => e);
    expect(err).toMatchObject({
      code: 'AGENT_CLI_BROKEN',
      details: { exitCode: 3, output: 'segfault in module' },
    });
  });

  it('reports a --version that outlives its time limit as timed out, and kills what it started', async () => {
    // Like Gemini CLI's relaunch wrapper: ignores SIGTERM and waits for a child it started.
    const w = world();
    const pidFile = join(w.root, 'child.pid');
    writeFileSync(
      w.cli,
      `#!/bin/sh\ntrap '' TERM\nsleep 30 &\necho $! > '${pidFile}'\nwait\necho "2.1.330 (Claude Code)"\n`,
    );
    const err = await new FsProfileSetup(w.opts({ versionTimeoutMs: 300 }))
      .prepare(w.agent)
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'AGENT_CLI_BROKEN', details: { timedOut: true } });
    expect((err as Error).message).toMatch(/--version` timed out after 0\.3 s/);
    expect(existsSync(pidFile)).toBe(true);
    // SIGKILL closes the child's pipes before the kernel finishes its exit: wait for the end.
    const child = Number(readFileSync(pidFile, 'utf8'));
    await eventually(`the --version child ${child} to be gone`, () => !isAlive(child), 3_000);
  });

  it('runs --version once for agents started together, and again once the program changes', async () => {
    const w = world();
    const runs = join(w.root, 'runs');
    writeFileSync(w.cli, `#!/bin/sh\necho run >> '${runs}'\nsleep 0.2\necho "2.1.330 (Claude Code)"\n`);
    const setup = new FsProfileSetup(w.opts());
    const got = await Promise.all(
      ['ag-1', 'ag-2', 'ag-3'].map((id) => setup.prepare(agentRecord({ ...w.agent, id }))),
    );
    expect(got.map((g) => g.version)).toEqual(['2.1.330', '2.1.330', '2.1.330']);
    expect(readFileSync(runs, 'utf8')).toBe('run\n');
    await setup.prepare(agentRecord({ ...w.agent, id: 'ag-4' }));
    expect(readFileSync(runs, 'utf8')).toBe('run\n'); // cached
    writeFileSync(w.cli, `#!/bin/sh\necho run >> '${runs}'\necho "2.1.331 (Claude Code)"\n`);
    utimesSync(w.cli, new Date(), new Date(Date.now() + 5_000)); // a new modification time, surely
    expect((await setup.prepare(agentRecord({ ...w.agent, id: 'ag-5' }))).version).toBe('2.1.331');
    expect(readFileSync(runs, 'utf8')).toBe('run\nrun\n');
  });

  it('does nothing for shell and cmd, and cleans up the settings file', async () => {
    const w = world();
    const setup = new FsProfileSetup(w.opts());
    expect(await setup.prepare(agentRecord({ id: 'ag-2' }))).toEqual({ version: null, profileArgs: [] });
    const got = await setup.prepare(w.agent);
    setup.cleanup('ag-1');
    expect(() => statSync(got.profileArgs[1] ?? '')).toThrow();
  });
});
