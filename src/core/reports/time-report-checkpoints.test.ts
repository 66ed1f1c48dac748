import { describe, expect, it } from 'vitest';
import type { AgentState } from '../../protocol/agent.js';
import type { WtpEvent } from '../../protocol/events.js';
import { type AppError } from '../errors.js';
import { ArrayEventLog } from '../../../test/support/fake-ports.js';
import type { AgentRegistry } from '../model/registry.js';
import { ReplayCheckpoints } from './replay-checkpoints.js';
import type { ReportReplayState } from './time-report.js';
import { queryTimeReport } from './time-report-query.js';

import { CET, S, T0, base, created, removed, to } from '../../../test/support/report-events.js';

describe('the time report from checkpoints', () => {
  it('gives what a replay from the start gives, for any window and workspace, clock set back now and then', async () => {
    let r = 5;
    const rand = (n: number) => {
      r = (r * 1103515245 + 12345) % 2 ** 31;
      return Math.floor((r / 2 ** 31) * n); // the high bits: an LCG's low bits repeat quickly
    };
    const states: AgentState[] = ['starting', 'working', 'needs_permission', 'needs_input', 'idle', 'exited'];
    const events: WtpEvent[] = [];
    let at = T0;
    for (let i = 0; i < 4_000; i++) {
      at += rand(10) === 0 ? -rand(20) * S : rand(60) * S;
      const n = rand(10);
      const id = `ag-${n}`;
      const ws = `ws-${n % 3}`;
      const k = rand(40);
      if (k === 0) {
        events.push({
          ...base(at, null, ws),
          type: 'workspace.created',
          data: {
            workspace: {
              id: ws,
              name: `w${n % 3}-${rand(2)}`,
              repoPath: null,
              backend: 'headless',
              template: null,
              createdAt: new Date(at).toISOString(),
            },
          },
        });
      } else if (k === 1) events.push(created(id, `a${n}-${rand(3)}`, at, ws, `from-agent-${n % 3}`));
      else if (k === 2) events.push(removed(id, at, ws));
      else events.push(to(id, states[rand(states.length)] as AgentState, at, ws));
    }
    const end = at;
    const log = new ArrayEventLog(events);
    // The registry knows some agents and workspaces under other names than the log gave them.
    const registry = {
      listWorkspaces: () => [{ id: 'ws-1', name: 'renamed' }],
      all: () => [
        { id: 'ag-1', name: 'now-called', profile: 'codex', workspaceId: 'ws-1' },
        { id: 'ag-99', name: 'never-ran', profile: 'cmd', workspaceId: 'ws-2' },
      ],
    } as unknown as AgentRegistry;
    const tasks = {
      list: () => [
        { id: 'tk-1', title: 'T', status: 'running' as const, workspaceId: 'ws-1', agents: ['ag-1', 'ag-4'] },
      ],
    } as never;
    const d = { events: log, registry, tasks, clock: { now: () => end }, calendar: CET } as const;
    const checkpoints = new ReplayCheckpoints<ReportReplayState>(89, 8);
    let readWith = 0;
    let readWithout = 0;
    for (let q = 0; q < 50; q++) {
      const span = rand(4) === 0 ? rand(end - T0) : rand(3 * 3_600) * S;
      const query = {
        since: new Date(end - span - S).toISOString(),
        ...(rand(3) === 0 ? { workspace: ['ws-0', 'renamed', 'w2-1'][rand(3)] } : {}),
      };
      const outcome = async (c?: ReplayCheckpoints<ReportReplayState>) => {
        log.read = 0;
        try {
          return await queryTimeReport({ ...d, checkpoints: c }, query);
        } catch (err) {
          return (err as AppError).code;
        } finally {
          if (c) readWith += log.read;
          else readWithout += log.read;
        }
      };
      expect(await outcome(checkpoints)).toEqual(await outcome());
    }
    expect(checkpoints.size).toBeGreaterThan(1);
    expect(readWith).toBeLessThan(readWithout / 2);
  });
});
