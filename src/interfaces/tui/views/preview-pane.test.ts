import { describe, expect, it } from 'vitest';
import type { AgentView } from '../../../protocol/agent.js';
import { previewTitle, type PreviewTermInfo } from './preview-pane.js';

const agent = (state: string): AgentView => ({ name: 'sh1', state }) as AgentView;
const term = (over: Partial<PreviewTermInfo> = {}): PreviewTermInfo => ({
  size: { cols: 80, rows: 24 },
  status: 'live',
  error: null,
  ...over,
});
/** What the daemon sends when a stop cuts the stream before its exit message. */
const CUT = "The agent's host disconnected before it answered (the agent may have just exited) [HOST_GONE]";

describe('the preview title', () => {
  it('names the agent, its screen size and how far back it is scrolled', () => {
    expect(previewTitle(agent('idle'), term(), 0)).toBe('sh1 — 80×24');
    expect(previewTitle(agent('idle'), term(), 12)).toBe('sh1 — 80×24, 12 lines back');
    expect(previewTitle(agent('idle'), null, 0)).toBe('sh1');
  });

  it('says the agent ended when the daemon says so, whether its stream sent exit or was cut', () => {
    expect(previewTitle(agent('exited'), term({ status: 'exited' }), 0)).toBe('sh1 — 80×24, exited');
    // Seen in CI: a stop cut the stream first; the title kept the error and never said exited.
    expect(previewTitle(agent('exited'), term({ status: 'error', error: CUT }), 0)).toBe(
      'sh1 — 80×24, exited',
    );
    expect(previewTitle(agent('crashed'), term({ status: 'closed' }), 0)).toBe('sh1 — 80×24, crashed');
  });

  it('shows a stream error while the agent lives, and an exit the daemon has not told yet', () => {
    expect(previewTitle(agent('working'), term({ status: 'error', error: CUT }), 0)).toBe(
      `sh1 — 80×24: ${CUT}`,
    );
    expect(previewTitle(agent('working'), term({ status: 'exited' }), 0)).toBe('sh1 — 80×24, exited');
  });
});
