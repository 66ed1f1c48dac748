import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { nowMs, sleep } from './proc.js';

const POLL_MS = 2;

/**
 * The agent command of the spawn benchmark: it writes CLOCK_REALTIME in epoch nanoseconds
 * (`date +%s%N`) to `file` as its first act, then stays alive like an idle agent.
 */
export function markerArgv(file: string): string[] {
  return ['sh', '-c', `date +%s%N > '${file}'; exec sleep 3600`];
}

export function markerFile(home: string, label: string): string {
  return join(home, `marker-${label}`);
}

/** Waits for the marker and returns its time in epoch ms (microsecond resolution). */
export async function readMarker(file: string, timeoutMs: number): Promise<number> {
  const deadline = nowMs() + timeoutMs;
  for (;;) {
    let text = '';
    try {
      text = readFileSync(file, 'latin1');
    } catch {
      // not written yet
    }
    const m = /^(\d+)\n$/.exec(text);
    if (m?.[1]) return Number(BigInt(m[1]) / 1000n) / 1000;
    if (text.endsWith('\n'))
      throw new Error(`marker ${file} holds ${JSON.stringify(text)}: needs GNU date +%N`);
    if (nowMs() > deadline) throw new Error(`marker ${file} not written within ${timeoutMs} ms`);
    await sleep(POLL_MS);
  }
}

/**
 * Checks that `date +%s%N` and this process's clock (performance.timeOrigin + performance.now())
 * agree: a marker written by a child must fall between the times taken around it.
 */
export async function checkClocks(
  file: string,
  run: (argv: string[]) => Promise<void>,
): Promise<{
  consistent: boolean;
  markerMinusStartMs: number;
  endMinusMarkerMs: number;
}> {
  const before = nowMs();
  await run(['sh', '-c', `date +%s%N > '${file}'`]);
  const after = nowMs();
  const marker = await readMarker(file, 5_000);
  return {
    consistent: before <= marker && marker <= after,
    markerMinusStartMs: Math.round((marker - before) * 1000) / 1000,
    endMinusMarkerMs: Math.round((after - marker) * 1000) / 1000,
  };
}
