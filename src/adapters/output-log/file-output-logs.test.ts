import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { streamBytes, TempDirs } from '../../../test/support/adapters/temp-dirs.js';
import { readKept } from '../../core/hosts/output-log-reader.js';
import { FileOutputLogs } from './file-output-logs.js';
import { GAPS_FILE, listLogFiles, logFileName } from './log-files.js';
import { OutputLogWriter } from './output-log-writer.js';

const temp = new TempDirs();
const writers: OutputLogWriter[] = [];
let agentsDir: string;
let logs: FileOutputLogs;

/** Writes the stream's bytes [0, end) for `agentId` in `size`-byte chunks, as a host would. */
function writeStream(agentId: string, end: number, size = 5_000, maxBytes = 65_536): OutputLogWriter {
  const w = new OutputLogWriter(join(agentsDir, agentId), maxBytes);
  writers.push(w);
  while (w.end < end) w.append(streamBytes(w.end, Math.min(end, w.end + size)));
  return w;
}

const files = (agentId: string) => listLogFiles(join(agentsDir, agentId));

beforeEach(() => {
  agentsDir = join(temp.make(), 'agents');
  logs = new FileOutputLogs(agentsDir);
});

afterEach(() => {
  for (const w of writers.splice(0)) w.close();
  temp.removeAll();
});

describe('FileOutputLogs of an agent with no output', () => {
  it('reads nothing, ends at 0 and tails nothing', () => {
    expect(logs.end('ghost')).toBe(0);
    const r = logs.read('ghost', 0, 100);
    expect(r.from).toBe(0);
    expect(r.data).toHaveLength(0);
    const later = logs.read('ghost', 42, 100);
    expect(later.from).toBe(42);
    expect(later.data).toHaveLength(0);
    expect(logs.gaps('ghost')).toEqual([]);
    expect(() => logs.remove('ghost')).not.toThrow();
  });

  it('reads nothing from a log that exists but is empty', () => {
    writeStream('a1', 0);
    expect(logs.end('a1')).toBe(0);
    expect(logs.read('a1', 0, 100).data).toHaveLength(0);
  });
});

describe('FileOutputLogs.read', () => {
  it('returns the bytes at the asked offsets within one file', () => {
    writeStream('a1', 10_000);
    const r = logs.read('a1', 1_234, 500);
    expect(r.from).toBe(1_234);
    expect(Buffer.from(r.data).equals(streamBytes(1_234, 1_734))).toBe(true);
  });

  it('reads across the boundary between the two kept files', () => {
    writeStream('a1', 50_000);
    const [older, current] = files('a1');
    expect(older?.start).toBe(0);
    expect(current?.start).toBe(35_000); // rotated at the first chunk end ≥ 32 KiB
    const r = logs.read('a1', 34_000, 3_000);
    expect(r.from).toBe(34_000);
    expect(Buffer.from(r.data).equals(streamBytes(34_000, 37_000))).toBe(true);
  });

  it('stops at the end of what is on disk', () => {
    writeStream('a1', 50_000);
    const r = logs.read('a1', 49_000, 10_000);
    expect(r.from).toBe(49_000);
    expect(Buffer.from(r.data).equals(streamBytes(49_000, 50_000))).toBe(true);
    const beyond = logs.read('a1', 60_000, 1_000);
    expect(beyond.from).toBe(60_000);
    expect(beyond.data).toHaveLength(0);
  });

  it('returns nothing for maxBytes ≤ 0', () => {
    writeStream('a1', 1_000);
    expect(logs.read('a1', 0, 0).data).toHaveLength(0);
    expect(logs.read('a1', 0, -5).data).toHaveLength(0);
  });

  it('from an offset that was rotated away starts at the oldest kept byte (a later `from`)', () => {
    writeStream('a1', 150_000);
    const oldest = files('a1')[0]?.start ?? -1;
    expect(oldest).toBeGreaterThan(0);
    // The window [0, 150 000) still covers everything kept: all of it comes back.
    const all = logs.read('a1', 0, 150_000);
    expect(all.from).toBe(oldest);
    expect(Buffer.from(all.data).equals(streamBytes(oldest, 150_000))).toBe(true);
    // A window [oldest - 100, oldest + 400): the 100 rotated-away bytes count against it.
    const part = logs.read('a1', oldest - 100, 500);
    expect(part.from).toBe(oldest);
    expect(Buffer.from(part.data).equals(streamBytes(oldest, oldest + 400))).toBe(true);
    // A window that lies wholly in the rotated-away past returns nothing, and says where the log starts.
    const gone = logs.read('a1', 0, 1_000);
    expect(gone.from).toBe(oldest);
    expect(gone.data).toHaveLength(0);
  });

  it('stops at a gap between files instead of returning bytes from the wrong offsets', () => {
    const dir = join(agentsDir, 'gappy');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, logFileName(0)), streamBytes(0, 100));
    writeFileSync(join(dir, logFileName(200)), streamBytes(200, 300));
    const r = logs.read('gappy', 50, 1_000);
    expect(r.from).toBe(50);
    expect(Buffer.from(r.data).equals(streamBytes(50, 100))).toBe(true);
    expect(logs.end('gappy')).toBe(300);
    // From inside the gap: the bytes after it, at their own offsets.
    const after = logs.read('gappy', 150, 1_000);
    expect(after.from).toBe(200);
    expect(Buffer.from(after.data).equals(streamBytes(200, 300))).toBe(true);
    // A window that ends inside the gap: nothing, and where the log goes on.
    expect(logs.read('gappy', 120, 50)).toEqual({ from: 200, data: Buffer.alloc(0) });
  });
});

describe('FileOutputLogs: gaps (bytes the host could not write)', () => {
  it('lists the gaps between files, with the reason gaps.jsonl gives', () => {
    const dir = join(agentsDir, 'a1');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, logFileName(0)), streamBytes(0, 100));
    writeFileSync(join(dir, logFileName(200)), streamBytes(200, 300));
    writeFileSync(join(dir, logFileName(350)), streamBytes(350, 400));
    writeFileSync(
      join(dir, GAPS_FILE),
      `${JSON.stringify({ from: 100, to: 200, code: 'ENOSPC', at: 'now' })}\n{"torn":`,
    );
    expect(logs.gaps('a1')).toEqual([
      { from: 100, to: 200, reason: 'disk full' },
      { from: 300, to: 350, reason: 'not in the log' },
    ]);
    const kept = readKept(logs, 'a1', 0, logs.end('a1'));
    expect({ from: kept.from, to: kept.to, gaps: kept.gaps }).toEqual({
      from: 0,
      to: 400,
      gaps: logs.gaps('a1'),
    });
    expect(
      Buffer.from(kept.data).equals(
        Buffer.concat([streamBytes(0, 100), streamBytes(200, 300), streamBytes(350, 400)]),
      ),
    ).toBe(true);
  });

  it('appends for the daemon (setup output) without throwing, and reports how it went', () => {
    const reports: { id: string; ok: boolean; failedWrites: number }[] = [];
    const withHealth = new FileOutputLogs(agentsDir, 65_536, (id, h) =>
      reports.push({ id, ok: h.ok, failedWrites: h.failedWrites }),
    );
    expect(withHealth.append('a1', Buffer.from('setup ok\n'))).toBe(0);
    expect(withHealth.append('a1', Buffer.from('more\n'))).toBe(9);
    expect(reports).toEqual([
      { id: 'a1', ok: true, failedWrites: 0 },
      { id: 'a1', ok: true, failedWrites: 0 },
    ]);
  });
});

describe('FileOutputLogs: the last bytes (readKept), end and remove', () => {
  it('end is one past the last byte written, across rotations and a writer restart', () => {
    const w = writeStream('a1', 123_456);
    expect(logs.end('a1')).toBe(123_456);
    w.close();
    writers.splice(writers.indexOf(w), 1);
    writeStream('a1', 130_000); // a new writer (host restart) continues at the old end
    expect(logs.end('a1')).toBe(130_000);
    const r = logs.read('a1', 123_000, 2_000);
    expect(Buffer.from(r.data).equals(streamBytes(123_000, 125_000))).toBe(true);
  });

  it('the last bytes and where they start', () => {
    writeStream('a1', 50_000);
    const t = readKept(logs, 'a1', 30_000, logs.end('a1')); // spans both files
    expect(t.from).toBe(30_000);
    expect(Buffer.from(t.data).equals(streamBytes(30_000, 50_000))).toBe(true);
  });

  it('more than is kept returns everything kept', () => {
    writeStream('a1', 150_000);
    const oldest = files('a1')[0]?.start ?? -1;
    const t = readKept(logs, 'a1', 0, logs.end('a1'));
    expect(t.from).toBe(oldest);
    expect(Buffer.from(t.data).equals(streamBytes(oldest, 150_000))).toBe(true);
  });

  it("remove deletes the agent's folder and leaves other agents alone", () => {
    writeStream('a1', 1_000);
    writeStream('a2', 2_000);
    logs.remove('a1');
    expect(existsSync(join(agentsDir, 'a1'))).toBe(false);
    expect(logs.end('a1')).toBe(0);
    expect(logs.end('a2')).toBe(2_000);
  });
});
