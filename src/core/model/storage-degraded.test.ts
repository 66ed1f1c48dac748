import { describe, expect, it } from 'vitest';
import {
  agentOf,
  bytes,
  exitCode,
  makeCore,
  reportExit,
  startAgent,
  text,
  type Harness,
} from '../../../test/support/core-fakes.js';
import { flush } from '../../../test/support/fake-clock.js';
import type { WtpEvent } from '../../protocol/events.js';
import { AppError } from '../errors.js';

/** What better-sqlite3 throws when the disk is full, mapped by the SQLite store. */
const sqliteFull = (): AppError =>
  new AppError('STORAGE_FULL', 'Cannot write the database (disk full, SQLITE_FULL)', {
    component: 'database',
    path: '/state/wtp.db',
    errorCode: 'SQLITE_FULL',
  });

/** A raw errno error, as node:fs throws it. */
const enospc = (path: string): NodeJS.ErrnoException =>
  Object.assign(new Error(`ENOSPC: no space left on device, write '${path}'`), {
    code: 'ENOSPC',
    path,
  });

function published(h: Harness): WtpEvent[] {
  const out: WtpEvent[] = [];
  h.core.bus.subscribe((e) => out.push(e));
  return out;
}

async function fullDisk(h: Harness): Promise<void> {
  h.store.failing = sqliteFull();
  await h.core.registry.record([
    {
      type: 'daemon.started',
      source: 'daemon',
      agentId: null,
      workspaceId: null,
      data: { pid: 1, version: 't' },
    },
  ]);
  await flush();
}

describe('a database that cannot be written (disk full)', () => {
  it('keeps state changes in memory, publishes their events with the seq they keep, and writes them when space returns', async () => {
    const h = await makeCore();
    const { id } = await startAgent(h);
    const seen = published(h);
    const stored = h.store.events.length;
    h.store.failing = sqliteFull();

    // The agent exits while nothing can be written: the daemon still knows, and says so at once.
    await reportExit(h, id, 9001, exitCode(0));
    expect(agentOf(h, id).state).toBe('exited');
    const changed = seen.filter((e) => e.type === 'agent.stateChanged');
    expect(changed.map((e) => (e.type === 'agent.stateChanged' ? e.data.to : null))).toEqual(['exited']);
    expect(h.store.events).toHaveLength(stored); // nothing reached the database
    expect(h.store.agents.get(id)?.state).toBe('running');
    const seqs = seen.map((e) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b)); // increasing, after the stored ones
    expect(seqs[0]).toBe(stored + 1);

    const status = h.core.storage.status();
    expect(status.ok).toBe(false);
    expect(status.problems).toMatchObject([
      { component: 'database', code: 'SQLITE_FULL', path: '/state/wtp.db' },
    ]);
    expect(status.counters.unsavedChanges).toBe(1);
    expect(status.counters.unsavedEvents).toBeGreaterThan(0);
    expect(seen.some((e) => e.type === 'daemon.storageDegraded' && e.data.component === 'database')).toBe(
      true,
    );
    // Readers of the event log see the published events although the database has not got them.
    const read = await h.core.events.since({ since: stored, limit: 100 });
    expect(read.map((e) => e.seq)).toEqual(seqs);
    expect(await h.core.events.latestSeq()).toBe(seqs.at(-1));

    // Space returns: the probe writes everything kept, with the same seq and time.
    h.store.failing = null;
    await h.clock.advanceAsync(2_000);
    expect(h.store.agents.get(id)?.state).toBe('exited');
    const written = h.store.events.slice(stored, stored + seqs.length);
    expect(written.map((e) => [e.seq, e.type, e.ts])).toEqual(
      seen.slice(0, seqs.length).map((e) => [e.seq, e.type, e.ts]),
    );
    expect(h.core.storage.status()).toMatchObject({ ok: true, problems: [] });
    expect(h.core.storage.status().counters).toMatchObject({
      unsavedChanges: 0,
      unsavedEvents: 0,
      lostEvents: 0,
    });
    const recovered = h.store.ofType('daemon.storageRecovered');
    expect(recovered.map((e) => e.data.component)).toEqual(['database']);
    expect(recovered[0]?.data.failedWrites).toBeGreaterThan(0);
    expect(h.log.entries.filter((e) => e.msg.startsWith('storage: database writes work again'))).toHaveLength(
      1,
    );
    expect(h.log.entries.filter((e) => e.msg.startsWith('storage: the database'))).toHaveLength(1); // logged once
  });

  it('refuses to create an agent with STORAGE_FULL before making anything, and creates it again once space returns', async () => {
    const h = await makeCore();
    await fullDisk(h);
    const launched = h.launcher.launched.length;
    await expect(
      h.core.service.create(
        { profile: 'cmd', cwd: '/work', restart: 'never', argv: ['node'], env: {}, wait: false },
        'cli',
      ),
    ).rejects.toMatchObject({
      code: 'STORAGE_FULL',
      details: { component: 'database', path: '/state/wtp.db', errorCode: 'SQLITE_FULL' },
    });
    expect(h.core.registry.all()).toHaveLength(0);
    expect(h.launcher.launched).toHaveLength(launched);

    h.store.failing = null;
    await h.clock.advanceAsync(2_000);
    const { id } = await startAgent(h);
    expect(h.store.agents.has(id)).toBe(true);
  });

  it('forgets an agent whose creation the database refused (the first failure), and says why', async () => {
    const h = await makeCore();
    h.store.failNext = sqliteFull();
    await expect(startAgent(h)).rejects.toMatchObject({ code: 'STORAGE_FULL' });
    expect(h.core.registry.all()).toHaveLength(0);
    // A failure that passes at once (the next write works) is still on record.
    await flush();
    expect(h.core.storage.isFailing('database')).toBe(false);
    expect(h.store.ofType('daemon.storageDegraded').map((e) => e.data.code)).toEqual(['SQLITE_FULL']);
    expect(h.store.ofType('daemon.storageRecovered').map((e) => e.data.component)).toEqual(['database']);
  });

  it('a task change is refused (and put back) while the database is full', async () => {
    const h = await makeCore();
    await fullDisk(h);
    await expect(h.core.tasks.add({ title: 'x', prompt: 'y', status: 'ready' }, 'cli')).rejects.toMatchObject(
      { code: 'STORAGE_FULL' },
    );
    expect(h.core.tasks.list({})).toHaveLength(0);
  });

  it('acks no output offset it could not write; acks it once space returns', async () => {
    const h = await makeCore();
    const { id, link } = await startAgent(h);
    h.core.sessions.output(id, 0, bytes('hello'));
    h.store.failing = sqliteFull();
    await h.core.sessions.checkpoint();
    expect(link.ofType('ack')).toEqual([]);
    // Reported once by the storage health, not on every checkpoint.
    expect(h.log.entries.map((e) => e.msg)).not.toContain(
      'could not persist output offsets; hosts keep their buffers',
    );
    h.store.failing = null;
    await h.core.sessions.checkpoint();
    expect(link.ofType('ack')).toEqual([{ type: 'ack', seq: 5 }]);
    expect(h.store.agents.get(id)?.outputSeq).toBe(5);
  });

  it('keeps at most 10 000 events; older ones are counted as lost', async () => {
    const h = await makeCore();
    await fullDisk(h);
    const e = {
      type: 'daemon.started',
      source: 'daemon',
      agentId: null,
      workspaceId: null,
      data: { pid: 1, version: 't' },
    } as const;
    await h.core.registry.record(Array.from({ length: 10_050 }, () => e));
    const c = h.core.storage.status().counters;
    expect(c.unsavedEvents).toBe(10_000);
    expect(c.lostEvents).toBeGreaterThanOrEqual(50);
  });
});

describe('agent output logs that cannot be written', () => {
  it("shows a host's report as a problem until it writes again, counting the bytes not written", async () => {
    const h = await makeCore();
    const { id } = await startAgent(h);
    const seen = published(h);
    const report = {
      type: 'outputLog',
      path: '/state/agents/x',
      failedWrites: 1,
      droppedBytes: 100,
    } as const;
    h.core.sessions.message(id, { ...report, ok: false, code: 'ENOSPC', message: 'no space left on device' });
    h.core.sessions.message(id, {
      ...report,
      ok: false,
      code: 'ENOSPC',
      message: 'no space left on device',
      failedWrites: 4,
      droppedBytes: 900,
    });
    await flush();
    expect(h.core.storage.status().problems).toMatchObject([
      { component: 'outputLog', agentId: id, code: 'ENOSPC', failedWrites: 4, droppedBytes: 900 },
    ]);
    expect(h.core.storage.status().problems[0]?.message).toContain('gap marker');
    h.core.sessions.message(id, {
      ...report,
      ok: true,
      code: null,
      message: null,
      failedWrites: 4,
      droppedBytes: 900,
    });
    await flush();
    expect(h.core.storage.status()).toMatchObject({ ok: true, counters: { outputLogDroppedBytes: 900 } });
    expect(seen.map((e) => e.type).filter((t) => t.startsWith('daemon.storage'))).toEqual([
      'daemon.storageDegraded',
      'daemon.storageRecovered',
    ]);
    expect(seen.find((e) => e.type === 'daemon.storageRecovered')).toMatchObject({
      agentId: id,
      data: { component: 'outputLog', droppedBytes: 900 },
    });
  });

  it('a raw ENOSPC thrown by a file write becomes STORAGE_FULL naming the file', async () => {
    const { storageError } = await import('./storage-errors.js');
    const err = storageError(enospc('/state/agents/x/settings.json'), { component: 'stateFile' });
    expect(err).toMatchObject({
      code: 'STORAGE_FULL',
      details: { path: '/state/agents/x/settings.json', errorCode: 'ENOSPC' },
    });
    expect(err?.message).toContain('Free space on the filesystem holding /state/agents/x');
    expect(storageError(new Error('boom'), { component: 'stateFile' })).toBeNull();
  });
});

describe('follow and logs across a gap in the log', () => {
  /** 12 bytes of output of which bytes 4..8 never reached the log (disk full), a tail of 4 bytes in memory. */
  async function gapped() {
    const h = await makeCore({ outputTailBytes: 4 });
    const { id } = await startAgent(h);
    const out = (s: string, written: boolean): void => {
      const seq = h.logs.end(id);
      if (written) h.logs.append(id, bytes(s));
      else h.logs.skip(id, s.length);
      h.core.sessions.output(id, seq, bytes(s));
    };
    out('aaaa', true);
    out('bbbb', false);
    out('cccc', true);
    out('dddd', true);
    return { h, id };
  }

  it('logs leaves the gap out and lists it, offsets unchanged', async () => {
    const { h, id } = await gapped();
    const all = h.core.service.logs(id, undefined);
    expect({ from: all.from, to: all.to, text: text(all.data), gaps: all.gaps }).toEqual({
      from: 0,
      to: 16,
      text: 'aaaaccccdddd',
      gaps: [{ from: 4, to: 8, reason: 'disk full' }],
    });
    const tail = h.core.service.logs(id, 10); // starts inside the gap
    expect({ from: tail.from, text: text(tail.data), gaps: tail.gaps }).toEqual({
      from: 8,
      text: 'ccccdddd',
      gaps: [{ from: 6, to: 8, reason: 'disk full' }],
    });
  });

  it('follow tells where the gap is, then goes on at the offset after it', async () => {
    const { h, id } = await gapped();
    const got: string[] = [];
    h.core.service.follow(
      agentOf(h, id),
      0,
      (seq, data) => got.push(`${seq}:${text(data)}`),
      (g) => got.push(`gap ${g.from}-${g.to} ${g.reason}`),
    );
    expect(got).toEqual(['0:aaaa', 'gap 4-8 disk full', '8:cccc', '12:dddd']);
  });
});
