import { describe, expect, it } from 'vitest';
import {
  agentOf,
  agentRecord,
  bytes,
  connectHost,
  makeCore,
  startAgent,
  text,
  type Harness,
} from '../../../test/support/core-fakes.js';

/** What a host does with output: append it to the agent's log, then stream it to the daemon. */
function emit(h: Harness, id: string, s: string): void {
  const seq = h.logs.end(id);
  h.logs.append(id, bytes(s));
  h.core.sessions.output(id, seq, bytes(s));
}

/** Collects what `follow` delivers and checks it is one contiguous stream. */
function collector() {
  const chunks: { seq: number; text: string; length: number }[] = [];
  return {
    listener: (seq: number, data: Uint8Array) => {
      chunks.push({ seq, text: text(data), length: data.length });
    },
    /** The stream's first offset and text; throws on a gap or an overlap. */
    stream(): { from: number | null; text: string } {
      for (let i = 1; i < chunks.length; i++) {
        const prev = chunks[i - 1];
        const cur = chunks[i];
        if (prev && cur && cur.seq !== prev.seq + prev.length) {
          throw new Error(`chunk ${i} starts at ${cur.seq}, expected ${prev.seq + prev.length}`);
        }
      }
      return { from: chunks[0]?.seq ?? null, text: chunks.map((c) => c.text).join('') };
    },
    chunks,
  };
}

/** An agent with 16 bytes of output; the in-memory tail (8 bytes) holds only offsets 8..16. */
async function withOutput() {
  const h = await makeCore({ outputTailBytes: 8 });
  const { id } = await startAgent(h);
  for (const s of ['aaaa', 'bbbb', 'cccc', 'dddd']) emit(h, id, s);
  expect(h.core.output.tailStart(id)).toBe(8);
  return { h, id };
}

describe('logs', () => {
  it('returns the whole log, or its last tailBytes bytes, with their offsets', async () => {
    const { h, id } = await withOutput();
    const all = h.core.service.logs(id, undefined);
    expect({ from: all.from, to: all.to, text: text(all.data) }).toEqual({
      from: 0,
      to: 16,
      text: 'aaaabbbbccccdddd',
    });
    const tail = h.core.service.logs('cmd-1', 6);
    expect({ from: tail.from, to: tail.to, text: text(tail.data) }).toEqual({
      from: 10,
      to: 16,
      text: 'ccdddd',
    });
  });

  it('starts at the oldest kept byte when the log has been rotated', async () => {
    const { h, id } = await withOutput();
    h.logs.dropBefore(id, 5);
    const all = h.core.service.logs(id, undefined);
    expect({ from: all.from, to: all.to, text: text(all.data) }).toEqual({
      from: 5,
      to: 16,
      text: 'bbbccccdddd',
    });
  });
});

describe('follow', () => {
  it('delivers the log, then the in-memory tail, then live output, without gaps or overlaps', async () => {
    const { h, id } = await withOutput();
    const c = collector();
    const stop = h.core.service.follow(agentOf(h, id), 0, c.listener);
    expect(h.logs.reads).toEqual([{ agentId: id, fromSeq: 0, maxBytes: 8 }]);
    emit(h, id, 'eeee');
    emit(h, id, 'ff');
    expect(c.stream()).toEqual({ from: 0, text: 'aaaabbbbccccddddeeeeff' });

    stop();
    emit(h, id, 'gg');
    expect(c.stream().text).toBe('aaaabbbbccccddddeeeeff');
    expect(h.core.output.subscriberCount()).toBe(0);
  });

  it('serves a recent offset from memory only', async () => {
    const { h, id } = await withOutput();
    const c = collector();
    h.core.service.follow(agentOf(h, id), 10, c.listener);
    emit(h, id, 'ee');
    expect(c.stream()).toEqual({ from: 10, text: 'ccddddee' });
    expect(h.logs.reads).toEqual([]);
  });

  it('from the end, delivers only what comes next', async () => {
    const { h, id } = await withOutput();
    const c = collector();
    h.core.service.follow(agentOf(h, id), 16, c.listener);
    expect(c.chunks).toEqual([]);
    emit(h, id, 'xy');
    expect(c.stream()).toEqual({ from: 16, text: 'xy' });
  });

  it('starts at the oldest kept byte when the asked-for output was rotated away', async () => {
    const { h, id } = await withOutput();
    h.logs.dropBefore(id, 6);
    const c = collector();
    h.core.service.follow(agentOf(h, id), 2, c.listener);
    emit(h, id, 'ee');
    expect(c.stream()).toEqual({ from: 6, text: 'bbccccddddee' });
  });

  it('still delivers what memory holds when the log comes up short of the tail', async () => {
    // E.g. the host rotated a log file away while the daemon was reading it: bytes 4..8 are
    // gone for good, but 8..16 are in memory and must not be skipped.
    const h = await makeCore({ outputTailBytes: 8 });
    const { id } = await startAgent(h);
    h.logs.append(id, bytes('aaaa'));
    for (const [seq, s] of [
      [0, 'aaaa'],
      [4, 'bbbb'],
      [8, 'cccc'],
      [12, 'dddd'],
    ] as const) {
      h.core.sessions.output(id, seq, bytes(s));
    }
    const c = collector();
    h.core.service.follow(agentOf(h, id), 0, c.listener);
    h.core.sessions.output(id, 16, bytes('ee'));
    expect(c.chunks.map((x) => [x.seq, x.text])).toEqual([
      [0, 'aaaa'],
      [8, 'ccccdddd'],
      [16, 'ee'],
    ]);
  });

  it('overlapping resends from the host reach followers once', async () => {
    const { h, id } = await withOutput();
    const c = collector();
    h.core.service.follow(agentOf(h, id), 12, c.listener);
    h.core.sessions.output(id, 14, bytes('ddee'));
    h.core.sessions.output(id, 12, bytes('ddddee'));
    expect(c.stream()).toEqual({ from: 12, text: 'ddddee' });
  });

  it('fills from the log what a new host starts beyond: output its killed predecessor logged but never sent', async () => {
    // Found by the soak (npm run soak): the host wrote 'eeee' to the log and was SIGKILLed before
    // streaming it (the daemon was down); the next host starts at the log's end (20). A follower
    // at 16 used to get 'ff' as if it came at 16, and a later resume from its count repeated bytes.
    const { h, id } = await withOutput();
    const c = collector();
    h.core.service.follow(agentOf(h, id), 16, c.listener);
    h.logs.append(id, bytes('eeee'));
    await connectHost(h.core, id, {
      hostPid: 7000,
      child: { pid: 9002, startedAt: h.clock.now() },
      outputSeq: 20,
      bufferedFrom: 20,
    });
    emit(h, id, 'ff');
    expect(c.stream()).toEqual({ from: 16, text: 'eeeeff' });
  });

  it('before a surviving host reconnects, serves the log up to the persisted offset', async () => {
    const h = await makeCore({
      agents: [agentRecord({ id: 'ag-old', hostPid: 6000, outputSeq: 6 })],
      aliveHosts: [6000],
    });
    h.logs.append('ag-old', bytes('abcdef'));
    const c = collector();
    h.core.service.follow(agentOf(h, 'ag-old'), 2, c.listener);
    expect(c.stream()).toEqual({ from: 2, text: 'cdef' });
    expect(h.logs.reads).toEqual([{ agentId: 'ag-old', fromSeq: 2, maxBytes: 4 }]);
  });
});
