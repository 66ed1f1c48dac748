import { Writable } from 'node:stream';
import { render } from 'ink';
import { createElement, type ReactElement } from 'react';
import { describe, expect, it } from 'vitest';
import { ALL_ESCAPES, dangerous, ESCAPE_CORPUS } from '../../../test/support/escape-corpus.js';
import type { AgentView } from '../../protocol/agent.js';
import type { TaskView } from '../../protocol/tasks.js';
import { fleetRows, type FleetRow } from './fleet-rows.js';
import { guardedStdout } from './safe-stdout.js';
import { AgentList } from './views/agent-list.js';
import { NoticeLine } from './views/chrome.js';
import { diffLines } from './views/diff-view.js';
import { TaskList } from './views/task-list.js';

/** The views' own colours (cli/format.ts `paint`, the selection's reverse video). */
const PALETTE = (p: string) => p.split(';').every((x) => /^(|0|1|7|22|27|39|3[1-6]|90)$/.test(x));

/** A terminal of 160×30 that keeps what Ink writes. */
class Screen extends Writable {
  columns = 160;
  rows = 30;
  text = '';
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.text += chunk.toString('utf8');
    done();
  }
}

/** What Ink writes for `element` on a fresh screen (one frame, through the TUI's guard). */
function frame(element: ReactElement): string {
  const screen = new Screen();
  const ink = render(element, {
    stdout: guardedStdout(screen as unknown as NodeJS.WriteStream),
    debug: true,
    patchConsole: false,
  });
  ink.unmount();
  return screen.text;
}

/** Ink's own cursor moves are not findings; everything else that acts on the terminal is. */
const INK_OWN = /\x1b\[(\d*(;\d*)?[ABCDEFGHJKST]|\?(25|2026)[hl])/g;

function findings(out: string, color: boolean): string[] {
  return dangerous(out.replace(INK_OWN, ''), color ? PALETTE : () => false);
}

const NAMES = Object.entries(ESCAPE_CORPUS);

function task(id: string, title: string, workspace: string, dependsOn: string[] = []): TaskView {
  return {
    id,
    title,
    prompt: title,
    workspace,
    status: 'ready',
    dependsOn,
    agents: ['ag-1'],
    runs: [],
  } as unknown as TaskView;
}

function agent(name: string, workspace: string, machine: string | null, evidence: string): AgentView {
  return {
    id: `ag-${name}`,
    name,
    workspace,
    machine,
    state: 'working',
    stateSince: '2026-11-23T10:00:00.000Z',
    stateDetail: { reason: 'working', source: 'screen', evidence },
    profile: 'cmd',
    worktree: { owned: true, path: '/w', branch: `wtp/${name}`, base: 'main' },
    diffStat: null,
    stats: null,
    pullRequest: null,
    permission: null,
  } as unknown as AgentView;
}

describe('the TUI, fed the escape corpus (issue 30)', () => {
  for (const color of [false, true]) {
    it(`tasks view (${color ? 'colours' : 'NO_COLOR'}): titles, workspaces and what a task waits for`, () => {
      const tasks = NAMES.map(([name, text], i) =>
        task(`tk-${i}`, `${name}: ${text}`, text, [`tk-${i + 1}`]),
      );
      const byId = new Map(tasks.map((t) => [t.id, t]));
      for (let start = 0; start < tasks.length; start += 10) {
        const shown = tasks.slice(start, start + 10);
        const out = frame(
          createElement(TaskList, {
            tasks: shown,
            byId,
            selected: shown[0]?.id ?? null,
            width: 160,
            height: 12,
            color,
          }),
        );
        expect(out).toContain((NAMES[start]?.[0] ?? '').slice(0, 20));
        expect(findings(out, color)).toEqual([]);
      }
    });

    it(`fleet groups (${color ? 'colours' : 'NO_COLOR'}): workspace and machine names from the database`, () => {
      const agents = NAMES.map(([, text], i) =>
        agent(`a${i}`, text, i % 2 === 0 ? `m-${text}` : 'here', text),
      );
      const rows: FleetRow[] = fleetRows(agents, '', false);
      expect(rows.filter((r) => r.kind === 'workspace').length).toBeGreaterThan(NAMES.length / 2);
      for (let start = 0; start < rows.length; start += 20) {
        const out = frame(
          createElement(AgentList, {
            rows: rows.slice(start, start + 20),
            selected: 'ag-a0',
            conflicts: new Map([['ag-a0', [ALL_ESCAPES]]]),
            unreachable: new Map(),
            width: 160,
            height: 22,
            color,
            now: Date.parse('2026-11-23T10:01:00.000Z'),
            loaded: true,
          }),
        );
        expect(findings(out, color)).toEqual([]);
      }
    });

    it(`the notice line and the diff view (${color ? 'colours' : 'NO_COLOR'})`, () => {
      const notice = frame(
        createElement(NoticeLine, { notice: { kind: 'error', text: ALL_ESCAPES }, width: 160, color }),
      );
      expect(findings(notice, color)).toEqual([]);
      const patch = NAMES.map(([, text]) => `+${text}\n-${text}\n ${text}`).join('\n');
      expect(findings(diffLines(patch, color).join('\n'), color)).toEqual([]);
    });
  }

  it('the guard under Ink drops what a view would let through: OSC, DCS, queries, mode switches', () => {
    const screen = new Screen();
    const out = guardedStdout(screen as unknown as NodeJS.WriteStream);
    out.write(`\x1b[2A\x1b[G\x1b[2K\x1b[31mred\x1b[0m${ALL_ESCAPES}\x1b[?25l`);
    // Any colour passes (the preview draws the agent's), and CR (Ink's own); nothing else that acts.
    expect(dangerous(screen.text.replace(INK_OWN, '').replace(/\r/g, ''), () => true)).toEqual([]);
    expect(screen.text.startsWith('\x1b[2A\x1b[G\x1b[2K\x1b[31mred\x1b[0m')).toBe(true);
    expect(screen.text.endsWith('\x1b[?25l')).toBe(true);
    expect(out.columns).toBe(160);
  });
});
