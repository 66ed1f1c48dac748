import { describe, expect, it } from 'vitest';
import { agentRecord } from '../../../test/support/core-fakes.js';
import { FakeMuxes } from '../../../test/support/fake-muxes.js';
import type { WorkspaceView } from '../../protocol/workspace.js';
import { PaneLauncher } from './pane-launcher.js';

const workspace: WorkspaceView = {
  id: 'ws-default',
  name: 'default',
  repoPath: null,
  backend: 'tmux',
  template: null,
  createdAt: '2026-01-01T00:00:00.000Z',
};

function rig() {
  const muxes = new FakeMuxes();
  const launcher = new PaneLauncher({
    muxes,
    hostCommand: ['wtp', 'host'],
    hostArgs: () => [],
    hostLogFile: () => '/x',
  });
  return { mux: muxes.get('tmux'), launcher };
}

describe('PaneLauncher', () => {
  it('replace: the new host splits the old pane, which then closes', async () => {
    const { mux, launcher } = rig();
    const agent = agentRecord({ id: 'ag-a', backend: 'tmux' });
    const old = await launcher.launch(agent, { workspace, placement: { kind: 'tab' } });
    agent.paneId = old.paneId;
    const now = await launcher.launch(agent, {
      workspace,
      placement: { kind: 'replace', target: old.paneId },
    });
    expect(mux.calls.map((c) => c.op)).toEqual(['spawnPane', 'splitPane', 'kill']);
    expect(mux.calls[1]?.args[0]).toBe(old.paneId);
    expect([...mux.panes.keys()]).toEqual([now.paneId]);
  });

  it('replace: a pane that cannot be split makes way for a new tab', async () => {
    const { mux, launcher } = rig();
    const agent = agentRecord({ id: 'ag-a', backend: 'tmux' });
    const old = await launcher.launch(agent, { workspace, placement: { kind: 'tab' } });
    mux.failAt = 2; // the split
    const now = await launcher.launch(agent, {
      workspace,
      placement: { kind: 'replace', target: old.paneId },
    });
    expect(mux.calls.map((c) => c.op)).toEqual(['spawnPane', 'splitPane', 'spawnPane', 'kill']);
    expect([...mux.panes.keys()]).toEqual([now.paneId]);
  });

  it('closes every pane the backend knows as the agent’s (one left behind too), no other', async () => {
    const { mux, launcher } = rig();
    const agent = agentRecord({ id: 'ag-a', backend: 'tmux' });
    const left = await launcher.launch(agent, { workspace, placement: { kind: 'tab' } });
    const current = await launcher.launch(agent, { workspace, placement: { kind: 'tab' } });
    const other = await launcher.launch(agentRecord({ id: 'ag-b', backend: 'tmux' }), {
      workspace,
      placement: { kind: 'tab' },
    });
    agent.paneId = current.paneId;
    await launcher.closePane(agent);
    expect([...mux.panes.keys()]).toEqual([other.paneId]);
    expect(left.paneId).not.toBe(current.paneId);
  });

  it("never closes a pane that is now another agent's (a new tmux server reuses pane ids)", async () => {
    const { mux, launcher } = rig();
    const other = await launcher.launch(agentRecord({ id: 'ag-b', backend: 'tmux' }), {
      workspace,
      placement: { kind: 'tab' },
    });
    await launcher.closePane(agentRecord({ id: 'ag-a', backend: 'tmux', paneId: other.paneId }));
    expect(mux.calls.map((c) => c.op)).toEqual(['spawnPane']);
    expect(mux.panes.has(other.paneId)).toBe(true);
  });

  it('finds a pane the backend marks as the agent’s, whatever the record says', async () => {
    const { launcher } = rig();
    const agent = agentRecord({ id: 'ag-a', backend: 'tmux', paneId: null, hostPid: null });
    await launcher.launch(agentRecord({ id: 'ag-b', backend: 'tmux' }), {
      workspace,
      placement: { kind: 'tab' },
    });
    expect(await launcher.findPane(agent)).toBeNull();
    const mine = await launcher.launch(agent, { workspace, placement: { kind: 'tab' } });
    expect(await launcher.findPane(agent)).toEqual({ paneId: mine.paneId, hostPid: mine.hostPid });
  });

  it("asks the agent's backend whether its gone host group recorded its pane as closed by hand", async () => {
    const { mux, launcher } = rig();
    const agent = agentRecord({ id: 'ag-a', backend: 'tmux', paneId: '%3/4100' });
    // A backend without host groups has no such record.
    expect(await launcher.closedByHand(agent)).toEqual({ closed: false });
    const asked: string[] = [];
    mux.closedByHand = (pane, id) => {
      asked.push(`${pane} ${id}`);
      return Promise.resolve({ closed: true });
    };
    expect(await launcher.closedByHand(agent)).toEqual({ closed: true });
    expect(asked).toEqual(['%3/4100 ag-a']);
    mux.closedByHand = () => Promise.reject(new Error('EACCES'));
    expect(await launcher.closedByHand(agent)).toEqual({ closed: false, refused: 'Error: EACCES' });
    expect(await launcher.closedByHand({ ...agent, paneId: null })).toEqual({ closed: false });
  });
});
