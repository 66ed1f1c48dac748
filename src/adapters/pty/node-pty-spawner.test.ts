import { describe, expect, it } from 'vitest';
import { newDrainMarker } from './drain-marker.js';
import { nodePtySpawner } from './node-pty-spawner.js';
import type { PtyProcess } from '../../core/ports/host.js';

/** Runs `command` in a pty; resolves to all it wrote, as read before the exit was reported. */
function run(
  command: string,
  args: string[],
  steer: (p: PtyProcess, output: () => string) => void = () => {},
): Promise<string> {
  return new Promise((resolve) => {
    const p = nodePtySpawner.spawn({
      command,
      args,
      cwd: '/',
      env: { PATH: '/usr/bin:/bin' },
      cols: 80,
      rows: 24,
    });
    const chunks: Buffer[] = [];
    const output = (): string => Buffer.concat(chunks).toString('latin1');
    p.onData((d) => {
      chunks.push(Buffer.from(d));
      steer(p, output);
    });
    p.onExit(() => resolve(output()));
    steer(p, output);
  });
}

describe('nodePtySpawner', () => {
  it('delivers everything an agent wrote before it exited, before the exit', async () => {
    // A program that fills the terminal and exits at once: without the terminal's other end held
    // open, its last bytes were lost in about one run in ten (libuv takes the hang-up for the end).
    const payload = 'hello'.repeat(4096);
    const runs = await Promise.all(Array.from({ length: 40 }, () => run('/bin/echo', ['-n', payload])));
    expect(runs.filter((out) => out.length !== payload.length)).toEqual([]);
  });

  it('keeps output its reader paused for past node-pty’s 200 ms destroy timer', async () => {
    const payload = 'x'.repeat(2000);
    let paused = false;
    const out = await run('/bin/echo', ['-n', payload], (p) => {
      if (paused) return;
      paused = true;
      p.pause();
      setTimeout(() => p.resume(), 400);
    });
    expect(out).toBe(payload);
  });

  it('passes on a lookalike of its end marker, whole or cut short at the end, untouched', async () => {
    const lookalike = newDrainMarker().toString('latin1');
    const text = `a${lookalike}b${lookalike.slice(0, 12)}`;
    const runs = await Promise.all(Array.from({ length: 10 }, () => run('/usr/bin/printf', ['%s', text])));
    expect(runs.filter((out) => out !== text)).toEqual([]);
  });

  it('reports the exit of an agent that left output stopped (^S), with what it wrote before', async () => {
    let typed = false;
    const out = await run('/bin/sh', ['-c', 'printf before; read line; sleep 0.2'], (p, output) => {
      if (typed || !output().includes('before')) return;
      typed = true;
      p.write('go\r\x13'); // the line, then XOFF: output stays stopped after the agent is gone
    });
    expect(out.startsWith('before')).toBe(true);
  });
});
