import { realpathSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { PaneInfo } from '../../src/core/ports/panes.js';
import { eventually } from '../support/harness.js';
import { SUBJECTS, useSubject, type Fixture, type Geometry } from '../support/pane-mux-subjects.js';

// PaneMux conformance, part 2: splits, titles, focus and agent ids.
describe.each(SUBJECTS)('PaneMux conformance: $name — layout and labels', (factory) => {
  const { caps } = factory;
  const f = useSubject(factory);

  const byId = async (fx: Fixture, id: string): Promise<PaneInfo> => {
    const pane = (await fx.mux.list()).find((p) => p.id === id);
    if (!pane) throw new Error(`pane ${id} is not listed`);
    return pane;
  };

  /** The id of a pane that existed and was killed, while its workspace lives on. */
  async function killedPaneId(ws: string): Promise<string> {
    await f.mux.openWorkspace(ws, f.probe().spec);
    const victim = await f.mux.spawnPane(ws, f.probe().spec);
    await f.mux.kill(victim.id);
    await eventually(`pane ${victim.id} to leave list()`, async () =>
      (await f.mux.list()).every((p) => p.id !== victim.id),
    );
    return victim.id;
  }

  it('splitPane right by 30% and bottom by 5 cells adds panes to the target workspace', async () => {
    const ws = f.workspace();
    const target = await f.mux.openWorkspace(ws, f.probe().spec);
    const before = caps.layout ? (await f.subject.geometry()).get(target.id) : undefined;

    const rightProbe = f.probe();
    const right = await f.mux.splitPane(target.id, rightProbe.spec, 'right', { percent: 30 });
    const ran = await rightProbe.report();
    expect(ran.cwd).toBe(realpathSync(rightProbe.spec.cwd));
    expect(ran.env).toEqual(rightProbe.spec.env);
    f.track(right.pid);
    expect((await f.panesOf(ws)).map((p) => p.id).sort()).toEqual([target.id, right.id].sort());

    let above: Geometry | undefined;
    if (caps.layout && before) {
      const g = await f.subject.geometry();
      const [t, r] = [g.get(target.id), g.get(right.id)];
      // Both WezTerm and tmux: the new side gets ⌊size·30%⌋ cells, the rest minus a divider stays.
      expect(r?.cols).toBe(Math.floor((before.cols * 30) / 100));
      expect((t?.cols ?? 0) + 1 + (r?.cols ?? 0)).toBe(before.cols);
      expect(r?.rows).toBe(t?.rows);
      expect(r?.left).toBe((t?.left ?? 0) + (t?.cols ?? 0) + 1);
      expect(r?.top).toBe(t?.top);
      above = t;
    }

    const bottom = await f.mux.splitPane(target.id, f.probe().spec, 'bottom', { cells: 5 });
    expect((await f.panesOf(ws)).map((p) => p.id).sort()).toEqual([target.id, right.id, bottom.id].sort());
    if (caps.layout && above) {
      const g = await f.subject.geometry();
      const [t, b] = [g.get(target.id), g.get(bottom.id)];
      expect(b?.rows).toBe(5);
      expect((t?.rows ?? 0) + 1 + (b?.rows ?? 0)).toBe(above.rows);
      expect(b?.cols).toBe(t?.cols);
      expect(b?.top).toBe((t?.top ?? 0) + (t?.rows ?? 0) + 1);
      expect(b?.left).toBe(t?.left);
    }
  });

  it('splitPane of a pane that does not exist is PANE_NOT_FOUND and starts nothing', async () => {
    const ws = f.workspace();
    const gone = await killedPaneId(ws);
    const count = (await f.mux.list()).length;
    await expect(f.mux.splitPane(gone, f.probe().spec, 'right', { percent: 30 })).rejects.toMatchObject({
      code: 'PANE_NOT_FOUND',
    });
    await expect(f.mux.splitPane(gone, f.probe().spec, 'bottom')).rejects.toMatchObject({
      code: 'PANE_NOT_FOUND',
    });
    expect(await f.mux.list()).toHaveLength(count);
  });

  it('setTitle shows in list(), as does PaneSpec.title', async () => {
    const ws = f.workspace();
    const pane = await f.mux.openWorkspace(ws, f.probe({ title: 'first' }).spec);
    if (caps.titles) expect((await byId(f, pane.id)).title).toBe('first');
    await expect(f.mux.setTitle(pane.id, 'x')).resolves.toBeUndefined();
    if (caps.titles) expect((await byId(f, pane.id)).title).toBe('x');
  });

  it('focus resolves and, where panes have tabs, makes the pane the active one', async () => {
    const ws = f.workspace();
    const a = await f.mux.openWorkspace(ws, f.probe().spec);
    const b = await f.mux.splitPane(a.id, f.probe().spec, 'right');
    await expect(f.mux.focus(b.id)).resolves.toBeUndefined();
    if (caps.activePane) {
      expect((await byId(f, b.id)).active).toBe(true);
      expect((await byId(f, a.id)).active).toBe(false);
    }
    await expect(f.mux.focus(a.id)).resolves.toBeUndefined();
    expect((await byId(f, a.id)).active).toBe(caps.activePane);
    expect((await byId(f, b.id)).active).toBe(false);
  });

  it('setTitle and focus of a pane that does not exist are PANE_NOT_FOUND', async () => {
    const gone = await killedPaneId(f.workspace());
    await expect(f.mux.setTitle(gone, 'x')).rejects.toMatchObject({ code: 'PANE_NOT_FOUND' });
    await expect(f.mux.focus(gone)).rejects.toMatchObject({ code: 'PANE_NOT_FOUND' });
  });

  it('PaneSpec.agentId is PaneInfo.agentId where the backend can tell, else null; its panes are ours', async () => {
    const ws = f.workspace();
    const tagged = await f.mux.openWorkspace(ws, f.probe({ agentId: 'agent-7f3a' }).spec);
    const split = await f.mux.splitPane(tagged.id, f.probe({ agentId: 'agent-91bc' }).spec, 'bottom');
    const plain = await f.mux.spawnPane(ws, f.probe().spec);
    expect((await byId(f, tagged.id)).agentId).toBe(caps.agentIdInList ? 'agent-7f3a' : null);
    expect((await byId(f, split.id)).agentId).toBe(caps.agentIdInList ? 'agent-91bc' : null);
    expect((await byId(f, plain.id)).agentId).toBeNull();
    // Every pane it made is known as ours where the backend can tag panes (as it can the agent's).
    for (const p of [tagged, split, plain]) expect((await byId(f, p.id)).ours).toBe(caps.agentIdInList);
  });
});
