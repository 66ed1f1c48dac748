import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { readMarker } from './marker.js';
import { nowMs, runTimed } from './proc.js';
import type { RepoPaths } from './repo-paths.js';
import { latencyBaseline, latencyResult, progress, type BenchResult } from './report.js';
import { removeAgent, startSession, type Session } from './session.js';
import { summarize } from './stats.js';
import { disposeHome, makeHome } from './sandbox.js';

const MARKER_TIMEOUT_MS = 20_000;
const CLI_TIMEOUT_MS = 30_000;

/**
 * The agent program of this figure: the session daemon's SHELL, so that a `shell` agent (what a
 * lead can start without a command line) writes CLOCK_REALTIME to `marker-<its name>` as its first
 * act, then idles like an agent.
 */
function markerShell(dir: string): string {
  const file = join(dir, 'marker-shell');
  writeFileSync(file, '#!/bin/sh\ndate +%s%N > "$WTP_HOME/marker-$WTP_AGENT_NAME"\nexec sleep 3600\n');
  chmodSync(file, 0o755);
  return file;
}

/**
 * `mcp.startAgent` (issue 34): from a lead's `start_agent` tool call (the official SDK's client,
 * over stdio through `wtp mcp --token-file`, as an agent CLI runs it, connected once) until the
 * worker's program runs (its marker), against the same worker started through the CLI
 * (`wtp new shell --repo R --json`, from spawning it) — both with a worktree of their own in the
 * same repository. Rounds alternate; one unrecorded warm-up round first.
 */
export async function measureMcpStart(paths: RepoPaths, runs: number): Promise<Record<string, BenchResult>> {
  const bin = makeHome('mcp-bin');
  const s: Session = await startSession(paths, 'mcp', { SHELL: markerShell(bin) });
  const repo = join(s.home, 'repo');
  mkdirSync(repo);
  const git = (...args: string[]): string =>
    execFileSync('git', args, { cwd: repo, env: s.env, encoding: 'utf8' });
  git('init', '-q', '-b', 'main');
  writeFileSync(join(repo, 'README'), 'bench\n');
  git('-c', 'user.name=b', '-c', 'user.email=b@example.com', 'add', '-A');
  git('-c', 'user.name=b', '-c', 'user.email=b@example.com', 'commit', '-qm', 'start');
  const { agent: lead } = await s.client.call('createAgent', {
    body: { profile: 'cmd', name: 'lead', cwd: repo, repo, argv: ['sleep', '3600'], mcp: true },
  });
  const tokenFile = join(s.home, 'agents', lead.id, 'mcp-token');
  readFileSync(tokenFile); // written with the agent
  const client = new Client({ name: 'bench-lead', version: '1' });
  await client.connect(
    new StdioClientTransport({
      command: process.execPath,
      args: [paths.binWtp, 'mcp', '--token-file', tokenFile],
      env: s.env,
      stderr: 'inherit',
    }),
  );
  const viaMcp = async (name: string): Promise<number> => {
    const t0 = nowMs();
    const r = (await client.callTool({ name: 'start_agent', arguments: { profile: 'shell', name } })) as {
      isError?: boolean;
      content: { text: string }[];
    };
    if (r.isError) throw new Error(`start_agent: ${r.content[0]?.text ?? ''}`);
    const at = await readMarker(join(s.home, `marker-${name}`), MARKER_TIMEOUT_MS);
    await removeAgent(s, name);
    return at - t0;
  };
  const viaCli = async (name: string): Promise<number> => {
    const t0 = nowMs();
    const run = await runTimed(
      process.execPath,
      [paths.binWtp, 'new', 'shell', '--name', name, '--repo', repo, '--json'],
      { env: s.env, cwd: repo, timeoutMs: CLI_TIMEOUT_MS },
    );
    if (run.code !== 0) throw new Error(`wtp new exited with ${run.code}: ${run.stderr}${run.stdout}`);
    const at = await readMarker(join(s.home, `marker-${name}`), MARKER_TIMEOUT_MS);
    await removeAgent(s, name);
    return at - t0;
  };
  const mcp: number[] = [];
  const cli: number[] = [];
  try {
    await viaMcp('warm-m');
    await viaCli('warm-c');
    for (let i = 0; i < runs; i++) {
      progress(`mcp start_agent round ${i + 1}/${runs}`);
      mcp.push(await viaMcp(`m-${i}`));
      cli.push(await viaCli(`c-${i}`));
    }
  } finally {
    await client.close().catch(() => undefined);
    disposeHome(s.home, paths.binWtp);
    disposeHome(bin, paths.binWtp);
  }
  const baseline = latencyBaseline(
    '`node bin/wtp.js new shell --name X --repo R --json`, from its spawn until the agent program wrote its marker',
    cli,
  );
  return {
    'mcp.startAgent': latencyResult({
      samples: mcp,
      baseline,
      note:
        "From a lead's `start_agent` call (the MCP SDK's client, connected once over stdio to `wtp mcp --token-file`, " +
        'as an agent CLI keeps its servers) until the worker program wrote CLOCK_REALTIME (`date +%s%N`, the daemon’s ' +
        'SHELL for a `shell` agent) to its marker; both ways give the worker a worktree of its own (branch wtp/<name>) in ' +
        'the same repository; each worker removed after its sample; rounds alternate, one warm-up round first.',
      extra: { cliP90: summarize(cli).p90 },
    }),
  };
}
