import { describe, expect, it } from 'vitest';
import {
  agentOf,
  agentRecord,
  bytes,
  cmdRequest,
  connectHost,
  FakeLink,
  makeCore,
  startAgent,
  text,
  transitions,
} from '../../../test/support/core-fakes.js';
import { flush } from '../../../test/support/fake-clock.js';
import type { HostHello } from '../../protocol/host.js';

describe('host output', () => {
  it('advances outputSeq by new bytes only; resent and overlapping chunks are not counted twice', async () => {
    const h = await makeCore();
    const { id } = await startAgent(h);
    h.core.sessions.output(id, 0, bytes('hello'));
    expect(agentOf(h, id).outputSeq).toBe(5);
    h.core.sessions.output(id, 3, bytes('lo world'));
    expect(agentOf(h, id).outputSeq).toBe(11);
    h.core.sessions.output(id, 0, bytes('hello'));
    h.core.sessions.output(id, 6, bytes('world'));
    expect(agentOf(h, id).outputSeq).toBe(11);
    expect(text(h.core.output.readFrom(id, 0) ?? new Uint8Array())).toBe('hello world');
    expect(agentOf(h, id).outputSeq).toBe(h.core.service.get(id).outputBytes);
  });

  it('ignores output for an agent it does not know', async () => {
    const h = await makeCore();
    expect(() => h.core.sessions.output('ag-ghost', 0, bytes('x'))).not.toThrow();
  });
});

describe('checkpoint', () => {
  it('persists output offsets first and only then acks them to the host', async () => {
    const h = await makeCore();
    const { id, link } = await startAgent(h);
    h.core.sessions.output(id, 0, bytes('hello world'));
    const release = h.store.hold();
    const done = h.core.sessions.checkpoint();
    await flush();
    expect(link.ofType('ack')).toEqual([]);
    expect(h.store.agents.get(id)?.outputSeq).toBe(0);

    release();
    await done;
    expect(h.store.agents.get(id)?.outputSeq).toBe(11);
    expect(link.sent.at(-1)).toEqual({ type: 'ack', seq: 11 });
  });

  it('writes and acks nothing when no output arrived since the last checkpoint', async () => {
    const h = await makeCore();
    const { id, link } = await startAgent(h);
    h.core.sessions.output(id, 0, bytes('abc'));
    await h.core.sessions.checkpoint();
    const commits = h.store.commits.length;
    await h.core.sessions.checkpoint();
    expect(h.store.commits).toHaveLength(commits);
    expect(link.ofType('ack')).toEqual([{ type: 'ack', seq: 3 }]);
  });

  it('does not ack what it could not persist (the host keeps its buffer)', async () => {
    const h = await makeCore();
    const { id, link } = await startAgent(h);
    h.core.sessions.output(id, 0, bytes('abc'));
    h.store.failNext = new Error('disk I/O error');
    await h.core.sessions.checkpoint();
    expect(link.ofType('ack')).toEqual([]);
    expect(h.log.entries.map((e) => e.msg)).toContain(
      'could not persist output offsets; hosts keep their buffers',
    );

    h.core.sessions.output(id, 3, bytes('def'));
    await h.core.sessions.checkpoint();
    expect(link.ofType('ack')).toEqual([{ type: 'ack', seq: 6 }]);
  });

  it('retries a failed checkpoint even when no new output arrives', async () => {
    const h = await makeCore();
    const { id, link } = await startAgent(h);
    h.core.sessions.output(id, 0, bytes('abc'));
    h.store.failNext = new Error('disk I/O error');
    await h.core.sessions.checkpoint();
    expect(link.ofType('ack')).toEqual([]);
    await h.core.sessions.checkpoint(); // the agent is idle: nothing new, but the offset is still unsaved
    expect(link.ofType('ack')).toEqual([{ type: 'ack', seq: 3 }]);
    expect(h.store.agents.get(id)?.outputSeq).toBe(3);
  });

  it('runs every checkpointIntervalMs once the core has started', async () => {
    const h = await makeCore();
    const { id, link } = await startAgent(h);
    h.core.sessions.output(id, 0, bytes('abc'));
    await h.clock.advanceAsync(1_000);
    expect(link.ofType('ack')).toEqual([{ type: 'ack', seq: 3 }]);
    h.core.sessions.output(id, 3, bytes('de'));
    await h.clock.advanceAsync(999);
    expect(link.ofType('ack')).toHaveLength(1);
    await h.clock.advanceAsync(1_000);
    expect(link.ofType('ack')).toEqual([
      { type: 'ack', seq: 3 },
      { type: 'ack', seq: 5 },
    ]);
  });
});

describe('hello: where the host resumes its output', () => {
  async function resumeFrom(agentSeq: number, bufferedFrom: number, hostSeq: number) {
    const h = await makeCore({
      agents: [agentRecord({ id: 'ag-1', hostPid: 6000, outputSeq: agentSeq })],
      aliveHosts: [6000],
    });
    const { link } = await connectHost(h.core, 'ag-1', {
      hostPid: 6000,
      child: { pid: 7000, startedAt: 1 },
      bufferedFrom,
      outputSeq: hostSeq,
    });
    return { h, link, welcome: link.ofType('welcome')[0] };
  }

  it('resumes where the daemon stopped counting when the host still holds that output', async () => {
    const { h, welcome } = await resumeFrom(50, 20, 80);
    expect(welcome?.resumeFrom).toBe(50);
    expect(agentOf(h, 'ag-1').outputSeq).toBe(50);
  });

  it('resumes at the oldest byte the host still holds when older output is gone', async () => {
    const { h, welcome } = await resumeFrom(10, 20, 80);
    expect(welcome?.resumeFrom).toBe(20);
    expect(agentOf(h, 'ag-1').outputSeq).toBe(20);
  });

  it('never resumes past what the host has produced', async () => {
    const { h, welcome } = await resumeFrom(100, 20, 80);
    expect(welcome?.resumeFrom).toBe(80);
    expect(agentOf(h, 'ag-1').outputSeq).toBe(80);
  });

  it('accepts the resent output from resumeFrom on, trimming any overlap', async () => {
    const { h } = await resumeFrom(50, 20, 80);
    h.core.sessions.output('ag-1', 40, bytes('x'.repeat(40)));
    expect(agentOf(h, 'ag-1').outputSeq).toBe(80);
    expect(h.core.output.readFrom('ag-1', 50)).toHaveLength(30);
    expect(h.core.output.readFrom('ag-1', 49)).toBeNull();
  });

  it('counts output across a reconnect without double counting', async () => {
    const h = await makeCore();
    const { id, link, hostPid } = await startAgent(h);
    h.core.sessions.output(id, 0, bytes('0123456789'));
    h.core.sessions.closed(id, link);
    await flush();
    const { link: link2 } = await connectHost(h.core, id, {
      hostPid,
      child: { pid: 9001, startedAt: 0 },
      bufferedFrom: 0,
      outputSeq: 15,
    });
    expect(link2.ofType('welcome')[0]?.resumeFrom).toBe(10);
    h.core.sessions.output(id, 10, bytes('abcde'));
    expect(agentOf(h, id).outputSeq).toBe(15);
    expect(text(h.core.output.readFrom(id, 10) ?? new Uint8Array())).toBe('abcde');
  });
});

describe('message order', () => {
  it('handles hello, spawned and exited of one agent strictly in arrival order', async () => {
    const h = await makeCore();
    const view = await h.core.service.create(cmdRequest(), 'cli');
    const link = new FakeLink(5001);
    const hello: HostHello = {
      type: 'hello',
      protocol: 1,
      agentId: view.id,
      hostPid: 5001,
      hostVersion: 'test',
      child: null,
      pendingExit: null,
      outputSeq: 0,
      bufferedFrom: 0,
      cols: 80,
      rows: 24,
    };
    const release = h.store.hold(); // every step waits on the store
    const accepted = h.core.sessions.hello(link, hello);
    h.core.sessions.message(view.id, { type: 'spawned', pid: 9001, startedAt: h.clock.now() });
    h.core.sessions.message(view.id, {
      type: 'exited',
      report: { pid: 9001, exit: { exitCode: 0, signal: null }, at: h.clock.now() },
    });
    h.core.sessions.message(view.id, { type: 'reply', id: 1, ok: true }); // not a lifecycle message
    release();
    expect(await accepted).toBe(true);
    await flush();
    expect(link.types()).toEqual(['welcome', 'spawn', 'shutdown']);
    expect(transitions(h, view.id).map((t) => t[1])).toEqual(['starting', 'running', 'exited']);
    expect(h.log.entries.filter((e) => e.level === 'warn' || e.level === 'error')).toEqual([]);
  });
});
