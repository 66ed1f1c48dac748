import { realpathSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { PaneInfo, SpawnedPane } from '../../src/core/ports/panes.js';
import { eventually } from '../support/harness.js';
import { SUBJECTS, useSubject, type Fixture, type Probe, type Report } from '../support/pane-mux-subjects.js';
import { isAlive } from '../support/processes.js';

// PaneMux conformance, part 1: panes come, run their program as specified, and go.
describe.each(SUBJECTS)('PaneMux conformance: $name — lifecycle', (factory) => {
  const { caps } = factory;
  const f = useSubject(factory);

  /** The program got the spec's env and cwd, and the spawn's and list's pids are its pid where known. */
  async function expectRan(spawned: SpawnedPane, probe: Probe, listed?: PaneInfo): Promise<Report> {
    const report = await probe.report();
    f.track(spawned.pid);
    expect(report.cwd).toBe(realpathSync(probe.spec.cwd));
    expect(report.env).toEqual(probe.spec.env);
    expect(spawned.pid).toBe(caps.pidAtSpawn ? report.pid : null);
    if (listed) expect(listed.pid).toBe(caps.pidInList ? report.pid : null);
    return report;
  }

  const gone = (fx: Fixture, id: string) =>
    eventually(`pane ${id} to leave list()`, async () => !(await fx.mux.list()).some((p) => p.id === id));
  const dead = (pid: number) => eventually(`process ${pid} to exit`, () => !isAlive(pid));

  it('list() is [] when nothing was ever created', async () => {
    const fresh = await factory.start();
    try {
      expect(await fresh.mux.list()).toEqual([]);
    } finally {
      await fresh.stop();
    }
  });

  it('openWorkspace opens the workspace with one pane running the program with spec.env in spec.cwd', async () => {
    const ws = f.workspace();
    const probe = f.probe();
    const spawned = await f.mux.openWorkspace(ws, probe.spec);
    expect(spawned.id).not.toBe('');
    const panes = await f.panesOf(ws);
    expect(panes.map((p) => p.id)).toEqual([spawned.id]);
    await expectRan(spawned, probe, panes[0]);
  });

  it('a second openWorkspace with a taken name follows the declared behaviour', async () => {
    const ws = f.workspace();
    const first = await f.mux.openWorkspace(ws, f.probe().spec);
    const again = f.probe();
    if (caps.duplicateWorkspace === 'rejects') {
      await expect(f.mux.openWorkspace(ws, again.spec)).rejects.toMatchObject({ code: 'WORKSPACE_EXISTS' });
      expect((await f.panesOf(ws)).map((p) => p.id)).toEqual([first.id]);
    } else {
      const second = await f.mux.openWorkspace(ws, again.spec);
      await expectRan(second, again);
      expect((await f.panesOf(ws)).map((p) => p.id).sort()).toEqual([first.id, second.id].sort());
    }
  });

  it('spawnPane adds a pane to an existing workspace', async () => {
    const ws = f.workspace();
    const first = await f.mux.openWorkspace(ws, f.probe().spec);
    const probe = f.probe();
    const added = await f.mux.spawnPane(ws, probe.spec);
    expect(added.id).not.toBe(first.id);
    const panes = await f.panesOf(ws);
    expect(panes.map((p) => p.id).sort()).toEqual([first.id, added.id].sort());
    await expectRan(
      added,
      probe,
      panes.find((p) => p.id === added.id),
    );
  });

  it('spawnPane on a workspace that does not exist yet opens it', async () => {
    const ws = f.workspace();
    const probe = f.probe();
    const spawned = await f.mux.spawnPane(ws, probe.spec);
    const panes = await f.panesOf(ws);
    expect(panes.map((p) => p.id)).toEqual([spawned.id]);
    await expectRan(spawned, probe, panes[0]);
  });

  it('kill ends the pane and its program; killing it again is PANE_NOT_FOUND', async () => {
    const ws = f.workspace();
    const keep = await f.mux.openWorkspace(ws, f.probe().spec);
    const probe = f.probe();
    const victim = await f.mux.spawnPane(ws, probe.spec);
    const { pid } = await expectRan(victim, probe);
    await f.mux.kill(victim.id);
    await gone(f, victim.id);
    await dead(pid);
    expect((await f.panesOf(ws)).map((p) => p.id)).toEqual([keep.id]);
    await expect(f.mux.kill(victim.id)).rejects.toMatchObject({ code: 'PANE_NOT_FOUND' });
  });

  it('a program that starts another is still one pane, and kill ends both', async () => {
    const ws = f.workspace();
    const probe = f.probe({ mode: 'child' });
    const spawned = await f.mux.openWorkspace(ws, probe.spec);
    const report = await expectRan(spawned, probe);
    const child = report.child ?? 0;
    expect(isAlive(child)).toBe(true);
    expect((await f.panesOf(ws)).map((p) => p.id)).toEqual([spawned.id]);
    await f.mux.kill(spawned.id);
    await dead(report.pid);
    await dead(child);
    await eventually(`workspace ${ws} to be empty`, async () => (await f.panesOf(ws)).length === 0);
  });

  it('a program that exits by itself takes its pane with it', async () => {
    const ws = f.workspace();
    const keep = await f.mux.openWorkspace(ws, f.probe().spec);
    const probe = f.probe({ mode: 'wait-go' });
    const quitter = await f.mux.spawnPane(ws, probe.spec);
    const { pid } = await expectRan(quitter, probe);
    expect((await f.panesOf(ws)).map((p) => p.id).sort()).toEqual([keep.id, quitter.id].sort());
    probe.release();
    await gone(f, quitter.id);
    await dead(pid);
    expect((await f.panesOf(ws)).map((p) => p.id)).toEqual([keep.id]);
  });

  it("closeWorkspace ends every pane of the workspace and leaves another workspace's alone", async () => {
    const [ws, other] = [f.workspace(), f.workspace()];
    const probes = [f.probe(), f.probe(), f.probe()];
    const [a, b, c] = probes;
    if (!a || !b || !c) throw new Error('three probes');
    const first = await f.mux.openWorkspace(ws, a.spec);
    const tab = await f.mux.spawnPane(ws, b.spec);
    const split = await f.mux.splitPane(first.id, c.spec, 'right');
    const pids = [
      (await expectRan(first, a)).pid,
      (await expectRan(tab, b)).pid,
      (await expectRan(split, c)).pid,
    ];
    const otherProbe = f.probe();
    const bystander = await f.mux.openWorkspace(other, otherProbe.spec);
    const bystanderPid = (await expectRan(bystander, otherProbe)).pid;
    expect(await f.panesOf(ws)).toHaveLength(3);

    await f.mux.closeWorkspace(ws);
    await eventually(`workspace ${ws} to be empty`, async () => (await f.panesOf(ws)).length === 0);
    for (const pid of pids) await dead(pid);
    expect((await f.panesOf(other)).map((p) => p.id)).toEqual([bystander.id]);
    expect(isAlive(bystanderPid)).toBe(true);
  });

  it('a workspace opens right after the last one closed (tmux: while its server exits)', async () => {
    await eventually('no pane left from earlier tests', async () => (await f.mux.list()).length === 0);
    for (let i = 0; i < 20; i++) {
      const ws = f.workspace();
      const opened = await f.mux.openWorkspace(ws, f.probe().spec);
      expect((await f.panesOf(ws)).map((p) => p.id)).toEqual([opened.id]);
      await f.mux.closeWorkspace(ws);
    }
  });

  it('list() is [] once the last pane ended by itself (tmux: its server runs on with no session)', async () => {
    await eventually('no pane left from earlier tests', async () => (await f.mux.list()).length === 0);
    const probe = f.probe({ mode: 'wait-go' });
    const only = await f.mux.openWorkspace(f.workspace(), probe.spec);
    const { pid } = await expectRan(only, probe);
    probe.release();
    await dead(pid);
    // Gone from the backend (an error says so too), then list() must say it without one.
    await eventually('the pane to go', async () => (await f.mux.list().catch(() => [])).length === 0);
    expect(await f.mux.list()).toEqual([]);
  });

  it('closeWorkspace of a workspace that does not exist resolves quietly', async () => {
    await expect(f.mux.closeWorkspace(f.workspace())).resolves.toBeUndefined();
    const ws = f.workspace();
    await f.mux.openWorkspace(ws, f.probe().spec);
    await expect(f.mux.closeWorkspace(f.workspace())).resolves.toBeUndefined();
    expect(await f.panesOf(ws)).toHaveLength(1);
  });
});
