import pty from 'node-pty';
import { markerArgv, markerFile, readMarker } from './marker.js';
import { nowMs, runTimed, spawnTracked, stopChild } from './proc.js';
import type { RepoPaths } from './repo-paths.js';
import { progress } from './report.js';
import { liveKillers } from './sandbox.js';
import { removeAgent, type Session } from './session.js';

const MARKER_TIMEOUT_MS = 20_000;
const CLI_TIMEOUT_MS = 30_000;
const PTY_OPTIONS = { name: 'xterm-256color', cols: 120, rows: 40 } as const;

export interface SpawnSamples {
  /** spawn of `wtp new cmd` → marker written by the agent command. */
  cli: number[];
  /** spawn → `wtp new` process exit. */
  cliExit: number[];
  /** `createAgent` call → marker. */
  api: number[];
  /** `createAgent` call → answer. */
  apiReturn: number[];
  /** spawn of a fresh `node -e` that loads node-pty and pty.spawn()s the command → marker. */
  freshNodePty: number[];
  /** pty.spawn() in the benchmark process → marker. */
  inProcessPty: number[];
}

async function viaCli(paths: RepoPaths, s: Session, label: string): Promise<[number, number]> {
  const file = markerFile(s.home, label);
  const t0 = nowMs();
  const run = await runTimed(
    process.execPath,
    [paths.binWtp, 'new', 'cmd', '--name', label, '--json', '--', ...markerArgv(file)],
    { env: s.env, cwd: s.home, timeoutMs: CLI_TIMEOUT_MS },
  );
  if (run.code !== 0) throw new Error(`wtp new exited with ${run.code}: ${run.stderr}${run.stdout}`);
  const marker = await readMarker(file, MARKER_TIMEOUT_MS);
  await removeAgent(s, label);
  return [marker - t0, run.ms];
}

async function viaApi(s: Session, label: string): Promise<[number, number]> {
  const file = markerFile(s.home, label);
  const t0 = nowMs();
  const { agent } = await s.client.call('createAgent', {
    body: { profile: 'cmd', argv: markerArgv(file), cwd: s.home, name: label, wait: true },
  });
  const returned = nowMs();
  if (agent.state !== 'running') throw new Error(`agent ${label} is ${agent.state}`);
  const marker = await readMarker(file, MARKER_TIMEOUT_MS);
  await removeAgent(s, label);
  return [marker - t0, returned - t0];
}

function freshNodeScript(nodePty: string, argv: string[], cwd: string): string {
  const [file, ...args] = argv;
  return [
    `const pty = require(${JSON.stringify(nodePty)});`,
    `const p = pty.spawn(${JSON.stringify(file)}, ${JSON.stringify(args)}, ` +
      `{ ...${JSON.stringify(PTY_OPTIONS)}, cwd: ${JSON.stringify(cwd)}, env: process.env });`,
    `p.onExit(() => process.exit(0));`,
    `process.on('SIGTERM', () => p.kill('SIGKILL'));`,
  ].join('\n');
}

async function viaFreshNode(paths: RepoPaths, s: Session, label: string): Promise<number> {
  const file = markerFile(s.home, label);
  const t0 = nowMs();
  const child = spawnTracked(
    process.execPath,
    ['-e', freshNodeScript(paths.nodePty, markerArgv(file), s.home)],
    {
      env: s.env,
      cwd: s.home,
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  try {
    const marker = await readMarker(file, MARKER_TIMEOUT_MS);
    return marker - t0;
  } finally {
    // The script answers SIGTERM by killing its PTY child and exits when that child is gone.
    await stopChild(child, 5_000, 'node-pty baseline');
  }
}

async function viaInProcessPty(s: Session, label: string): Promise<number> {
  const [file, ...args] = markerArgv(markerFile(s.home, label));
  const t0 = nowMs();
  const p = pty.spawn(file ?? 'sh', args, { ...PTY_OPTIONS, cwd: s.home, env: s.env });
  const exited = new Promise<void>((resolve) => p.onExit(() => resolve()));
  const kill = (): void => p.kill('SIGKILL');
  liveKillers.add(kill);
  try {
    const marker = await readMarker(markerFile(s.home, label), MARKER_TIMEOUT_MS);
    return marker - t0;
  } finally {
    kill();
    await exited;
    liveKillers.delete(kill);
  }
}

/** Figure 4: `runs` rounds, each timing the four ways to the same marker command in turn. */
export async function measureSpawn(paths: RepoPaths, s: Session, runs: number): Promise<SpawnSamples> {
  const out: SpawnSamples = {
    cli: [],
    cliExit: [],
    api: [],
    apiReturn: [],
    freshNodePty: [],
    inProcessPty: [],
  };
  // Warm-up round (not recorded): page cache, the daemon's first spawn paths, node-pty's addon.
  await viaCli(paths, s, 'spawn-warm-cli');
  await viaApi(s, 'spawn-warm-api');
  await viaFreshNode(paths, s, 'spawn-warm-node');
  await viaInProcessPty(s, 'spawn-warm-pty');
  for (let i = 0; i < runs; i++) {
    const [cli, cliExit] = await viaCli(paths, s, `spawn-cli-${i}`);
    const [api, apiReturn] = await viaApi(s, `spawn-api-${i}`);
    out.cli.push(cli);
    out.cliExit.push(cliExit);
    out.api.push(api);
    out.apiReturn.push(apiReturn);
    out.freshNodePty.push(await viaFreshNode(paths, s, `spawn-node-${i}`));
    out.inProcessPty.push(await viaInProcessPty(s, `spawn-pty-${i}`));
    progress(
      `spawn ${i + 1}/${runs}: cli ${cli.toFixed(1)} ms, api ${api.toFixed(1)} ms, ` +
        `fresh node-pty ${out.freshNodePty.at(-1)?.toFixed(1)} ms, in-process ${out.inProcessPty.at(-1)?.toFixed(1)} ms`,
    );
  }
  return out;
}
