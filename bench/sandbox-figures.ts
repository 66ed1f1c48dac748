import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { probeSandbox } from '../src/adapters/sandbox/sandbox-probe.js';
import { markerArgv, markerFile, readMarker } from './marker.js';
import { sampleMemory } from './memory.js';
import { nowMs, sleep } from './proc.js';
import type { RepoPaths } from './repo-paths.js';
import { latencyBaseline, latencyResult, memoryResult, progress, type BenchResult } from './report.js';
import { removeAgent, startSession, type Session } from './session.js';

const MARKER_TIMEOUT_MS = 20_000;
const MiB = 1024 * 1024;

/** `createAgent` (waiting for it to run) → the marker its command writes first; the agent removed after. */
async function start(s: Session, work: string, label: string, sandbox: boolean): Promise<number> {
  const file = markerFile(work, label);
  const t0 = nowMs();
  const { agent } = await s.client.call('createAgent', {
    body: { profile: 'cmd', argv: markerArgv(file), cwd: work, name: label, wait: true, sandbox },
  });
  if (agent.state !== 'running')
    throw new Error(`agent ${label} is ${agent.state}: ${JSON.stringify(agent.stateDetail)}`);
  const marker = await readMarker(file, MARKER_TIMEOUT_MS);
  await removeAgent(s, label);
  return marker - t0;
}

/** Every process under `pid` (its children, theirs…), from /proc/<pid>/task/<pid>/children. */
function descendants(pid: number): number[] {
  let kids: number[] = [];
  try {
    const text = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
    kids = text === '' ? [] : text.split(' ').map(Number);
  } catch {
    return [];
  }
  return kids.flatMap((k) => [k, ...descendants(k)]);
}

const comm = (pid: number): string => {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '?';
  }
};

/** PSS of an agent's host and everything under it, and of the sandbox's own processes among them. */
function treeMemory(hostPid: number): { pss: number; rss: number; sandboxPss: number; processes: string[] } {
  const pids = [hostPid, ...descendants(hostPid)];
  let pss = 0;
  let rss = 0;
  let sandboxPss = 0;
  const processes: string[] = [];
  for (const pid of pids) {
    const m = sampleMemory(pid);
    const name = comm(pid);
    processes.push(name);
    pss += m.pssBytes;
    rss += m.rssBytes;
    if (name === 'bwrap' || name === 'socat') sandboxPss += m.pssBytes;
  }
  return { pss, rss, sandboxPss, processes };
}

/**
 * The sandbox's price (issue 33): an agent's start with and without `--sandbox` (the same `cmd`
 * marker command through the API, alternated, after a warm-up of each), and the memory of an idle
 * agent's host and process tree with and without it (PSS, so shared pages are not counted twice).
 * Skipped, with why, where no sandbox can be made.
 */
export async function measureSandbox(paths: RepoPaths, runs: number): Promise<Record<string, BenchResult>> {
  const probe = probeSandbox(process.env.PATH);
  if (!probe.ok) {
    const skipped = `no sandbox here: ${probe.reason}`;
    const nan = { value: Number.NaN, unit: 'ms', samples: 0, note: skipped, skipped };
    return { 'sandbox.start': nan, 'sandbox.memory': { ...nan, unit: 'MiB' } };
  }
  progress('sandbox: starting its session daemon');
  const s = await startSession(paths, 'sandbox', { WTP_BACKEND: 'headless' });
  const work = join(s.home, 'work');
  mkdirSync(work);
  progress(`sandbox: agent start with and without --sandbox (${runs} each, alternated)`);
  await start(s, work, 'warm-plain', false);
  await start(s, work, 'warm-sandboxed', true);
  const plain: number[] = [];
  const sandboxed: number[] = [];
  for (let i = 0; i < runs; i++) {
    plain.push(await start(s, work, `plain-${i}`, false));
    sandboxed.push(await start(s, work, `sandboxed-${i}`, true));
  }
  progress('sandbox: memory of an idle agent with and without --sandbox');
  const idle = async (name: string, sandbox: boolean) => {
    const { agent } = await s.client.call('createAgent', {
      body: {
        profile: 'cmd',
        argv: markerArgv(markerFile(work, name)),
        cwd: work,
        name,
        wait: true,
        sandbox,
      },
    });
    await readMarker(markerFile(work, name), MARKER_TIMEOUT_MS);
    if (agent.hostPid === null) throw new Error(`${name} has no host`);
    return agent.hostPid;
  };
  const plainHost = await idle('idle-plain', false);
  const sandboxHost = await idle('idle-sandboxed', true);
  await sleep(1_000); // past the start: the host's emulator and buffers settled
  const a = treeMemory(plainHost);
  const b = treeMemory(sandboxHost);
  return {
    'sandbox.start': latencyResult({
      samples: sandboxed,
      baseline: latencyBaseline('the same agent without --sandbox, same run', plain),
      note:
        '`createAgent` (wait: true) of a `cmd` agent whose command writes a marker first → the marker, with ' +
        '`sandbox: true` (the policy planned, bwrap, the host’s proxy and filter, the socat bridges waited for) ' +
        'against the same without, alternated in one session (headless backend)',
    }),
    'sandbox.memory': memoryResult({
      values: [b.pss / MiB],
      baseline: {
        name: 'the same idle agent without --sandbox (host + process tree, PSS)',
        value: Math.round((a.pss / MiB) * 10) / 10,
      },
      note:
        'PSS of an idle agent’s host and its whole process tree (`sh -c … exec sleep`), sandboxed against not; ' +
        '`extra.sandboxProcessesMiB` is the part of bwrap and socat alone',
      extra: {
        sandboxProcessesMiB: Math.round((b.sandboxPss / MiB) * 100) / 100,
        sandboxedRssMiB: Math.round((b.rss / MiB) * 10) / 10,
        plainRssMiB: Math.round((a.rss / MiB) * 10) / 10,
        sandboxedTree: b.processes,
        plainTree: a.processes,
      },
    }),
  };
}
