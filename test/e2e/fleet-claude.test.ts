import { mkdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentView } from '../../src/protocol/agent.js';
import { answerDoc, newAgent, untilState as waitForState } from '../support/agent-steps.js';
import { claudeBinary, claudeEnv, prepareClaudeHome } from '../support/claude-cli.js';
import { FakeAnthropic, type FakeRequest, type FakeTurn } from '../support/fake-anthropic.js';
import { FleetRig } from '../support/fleet-rig.js';
import { eventually } from '../support/harness.js';

/**
 * An approval sent from machine alpha to the real Claude Code (pinned, offline against a scripted
 * Messages API) on machine charlie, through the fleet database (issue 21): charlie's daemon checks
 * the dialog against the agent's screen, presses the key and audits it; its refusals come back.
 */
const API_KEY = 'sk-ant-test-0000000000000000000000000000wtp-fleet-key';

let proj = '';
function script(req: FakeRequest): FakeTurn {
  if (req.hasToolResult) return { text: 'Done.' };
  if (req.lastUserText.includes('write the notes')) {
    return { toolUse: { name: 'Write', input: { file_path: `${proj}/notes.txt`, content: 'from alpha\n' } } };
  }
  return { text: 'ok' };
}

describe('an approval from one machine to Claude Code on another', () => {
  const rig = new FleetRig();
  let api: FakeAnthropic;

  beforeAll(async () => {
    api = await FakeAnthropic.start(script);
    await rig.setUp(['alpha', 'charlie'], {
      env: (m) => (m === 'charlie' ? { WTP_BACKEND: 'tmux', WTP_CLAUDE_BIN: claudeBinary() } : {}),
    });
    const charlie = rig.home('charlie');
    proj = charlie.path('proj');
    mkdirSync(proj);
    prepareClaudeHome(charlie.path('home'), { cwd: proj, apiKey: API_KEY, trusted: false });
    Object.assign(charlie.env, claudeEnv({ home: charlie.path('home'), baseUrl: api.url, apiKey: API_KEY }));
    await rig.up('charlie');
    await rig.up('alpha');
    await newAgent(charlie, 'claude', 'writer', proj, [
      '--permission-mode',
      'default',
      '--prompt',
      'write the notes',
    ]);
  }, 120_000);

  afterAll(async () => {
    await rig.cleanup();
    await api?.close();
  });

  it('alpha approves charlie’s Write: pressed and audited at charlie, the file written', async () => {
    const alpha = rig.home('alpha');
    const charlie = rig.home('charlie');
    await waitForState(charlie, 'writer', 'needs_permission', 'the Write permission dialog', 'tmux');
    // alpha sees it waiting, with what it asks.
    const seen = await eventually('alpha to see charlie’s writer waiting', async () => {
      const { doc } = await alpha.json<{ agents: AgentView[] }>(['ls']);
      return doc.agents.find((a) => a.name === 'writer' && a.state === 'needs_permission');
    });
    expect(seen.machine).toBe('charlie');
    const r = await answerDoc(alpha, ['approve', 'charlie/writer']);
    expect(r.code, JSON.stringify(r.doc)).toBe(0);
    expect(r.answered[0]).toMatchObject({ action: 'approve', left: true, keys: [], channel: 'hook' });
    await waitForState(charlie, 'writer', 'idle', 'writer to finish', 'tmux');
    expect(readFileSync(`${proj}/notes.txt`, 'utf8')).toBe('from alpha\n');
    const approved = (await charlie.events('writer')).filter((e) => e.type === 'agent.approved');
    expect(approved).toMatchObject([{ source: 'fleet', data: { via: 'cli', keys: [], channel: 'hook' } }]);
    // Approving again: charlie's own check refuses (it waits for nothing), and says so to alpha.
    const again = await answerDoc(alpha, ['approve', 'charlie/writer']);
    expect(again.code).toBe(1);
    expect(JSON.stringify(again.doc)).toContain('AGENT_NOT_WAITING');
    expect(JSON.stringify(again.doc)).toContain('"machine":"charlie"');
  });
});
