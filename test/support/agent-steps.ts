import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { expect } from 'vitest';
import type { AgentView } from '../../src/protocol/agent.js';
import type { AnswerResult } from '../../src/protocol/answers.js';
import { cliOutputSchemas } from '../../src/protocol/cli-output.js';
import type { WtpEvent } from '../../src/protocol/events.js';
import type { Signal } from '../../src/protocol/signals.js';
import { anyTestFailed } from './file-failures.js';
import { eventually, type TestHome } from './harness.js';

/**
 * What the real-CLI e2e tests (test/e2e/claude-*.test.ts, codex-states.test.ts) read back from a
 * daemon: an agent's state changes as steps, and waits for a state, a last step or the end.
 */

/**
 * Options for a describe block of real-CLI tests: longer than one wait (60 s) and the next, so a
 * wait that times out fails with its own message (what it last saw), not vitest's bare timeout.
 */
export const REAL_CLI_TESTS = { timeout: 150_000 } as const;

/** One state change: [state, signal source, reason]. */
export type Step = [state: string, source: string | undefined, reason: string];

/** One state change with its evidence: [state, signal source, reason, evidence]. */
export type EvidencedStep = [
  state: string,
  source: string | undefined,
  reason: string,
  evidence: string | undefined,
];

export interface StepsOptions {
  /** Start at the agent's first event of this type (no steps before it happened). */
  from?: WtpEvent['type'];
  /** Only the events after this one (its `seq`): a later task of the same agent. */
  afterSeq?: number;
  /** Leave out the changes to these states. */
  skip?: readonly string[];
}

/** The agent's state changes (`agent.stateChanged` events) with their evidence. */
export async function agentStepsWithEvidence(
  home: TestHome,
  name: string,
  opts: StepsOptions = {},
): Promise<EvidencedStep[]> {
  let events = await home.events(name);
  if (opts.afterSeq !== undefined) events = events.filter((e) => e.seq > (opts.afterSeq ?? 0));
  if (opts.from !== undefined) {
    const at = events.findIndex((e) => e.type === opts.from);
    if (at < 0) return [];
    events = events.slice(at);
  }
  return events
    .map((e) => (e.type === 'agent.stateChanged' ? e.data : null))
    .filter((d) => d !== null)
    .map((d): EvidencedStep => [d.to, d.detail.source, d.detail.reason, d.detail.evidence])
    .filter(([state]) => !opts.skip?.includes(state));
}

/** The agent's state changes (`agent.stateChanged` events): [state, signal source, reason]. */
export async function agentSteps(home: TestHome, name: string, opts: StepsOptions = {}): Promise<Step[]> {
  return (await agentStepsWithEvidence(home, name, opts)).map(([state, source, reason]) => [
    state,
    source,
    reason,
  ]);
}

/** The steps from the first `working` on (what the prompt caused). */
export const fromWork = (all: Step[]): Step[] => all.slice(all.findIndex(([s]) => s === 'working'));

/** How long an agent may take to start and be typed its first prompt (`wtp new --prompt`). */
export const START_MS = 120_000;

/**
 * Waits (up to `ms`, 60 s) until the agent is in `state` and returns it. With WTP_DEBUG_E2E set every
 * poll is logged, after `tag` when one is given.
 */
export function untilState(
  home: TestHome,
  name: string,
  state: string,
  what: string,
  tag?: string,
  ms = 60_000,
): Promise<AgentView> {
  let seen: AgentView | undefined;
  return withLastSeen(
    eventually(
      what,
      async () => {
        const a = (seen = await home.agent(name));
        if (process.env.WTP_DEBUG_E2E) {
          console.log(...(tag === undefined ? [] : [tag]), name, a.state, JSON.stringify(a.stateDetail));
        }
        return a.state === state ? a : undefined;
      },
      ms,
    ),
    () => (seen ? `${seen.state} ${JSON.stringify(seen.stateDetail)}` : 'nothing read'),
    { home, name },
  );
}

/**
 * A wait that timed out says what it last saw (a CI log keeps the failure, not the run's
 * output): the error's message gets `last seen: …` appended.
 */
function withLastSeen<T>(
  wait: Promise<T>,
  lastSeen: () => string,
  explain?: { home: TestHome; name: string },
): Promise<T> {
  const seen = wait.catch((err: unknown) => {
    if (err instanceof Error) err.message += `; last seen: ${lastSeen()}`;
    throw err;
  });
  return explain ? withEvidence(explain.home, explain.name, seen) : seen;
}

/** A wait whose timeout error carries what the daemon knows of the agent (`agentEvidence`). */
export async function withEvidence<T>(home: TestHome, name: string, wait: Promise<T>): Promise<T> {
  try {
    return await wait;
  } catch (err) {
    if (err instanceof Error) err.message += `\n${await agentEvidence(home, name).catch(String)}`;
    throw err;
  }
}

/**
 * What the daemon knows of an agent, for a failed wait's message: its last signals (`wtp why`)
 * and the daemon's warnings and errors about it.
 */
export async function agentEvidence(home: TestHome, name: string): Promise<string> {
  const why = await home.json<{ agent?: AgentView; signals?: Signal[]; nextDecisionAt?: string | null }>([
    'why',
    name,
  ]);
  const id = why.doc.agent?.id ?? '(unknown id)';
  // When each signal came beside when it was observed: a late signal and a decision that never ran look alike.
  const signals = (why.doc.signals ?? []).map(
    (x) =>
      `  ${new Date(x.at).toISOString().slice(11)} +${x.receivedAt === undefined ? '?' : x.receivedAt - x.at}ms ${x.source} ${x.state} ${x.reason ?? ''} ${x.evidence.slice(0, 100)}`,
  );
  signals.push(`  decides again at: ${why.doc.nextDecisionAt ?? 'nothing pending'}`);
  const warnings = home.daemonTrouble(15, id);
  // The agent as the daemon holds it (its state can differ from the events a wait reads).
  const a = why.doc.agent;
  const now = a ? `${a.state} ${JSON.stringify(a.stateDetail)} since ${a.stateSince}` : '(not found)';
  // What it shows (a dialog the rules did not read, an error, a prompt not yet drawn).
  const peek = await home.run(['peek', name]).catch(() => null);
  const screen = (peek?.code === 0 ? peek.stdout : `(peek failed: ${peek?.stderr.trim() ?? 'no answer'})`)
    .replace(/\s+$/, '')
    .split('\n')
    .slice(-25)
    .map((l) => `  | ${l.slice(0, 160)}`);
  return [
    `${name} now: ${now}`,
    `signals of ${name} (${id}):`,
    ...signals,
    'daemon warnings about it:',
    ...warnings,
    'its screen (last lines):',
    ...screen,
    'its processes (seconds running, state, command):',
    ...processTree(a?.pid ?? null),
    ...vendorLog(home),
  ].join('\n');
}

/** The agent's process and its descendants: a child it waits on (a hook, git) shows here. */
function processTree(pid: number | null): string[] {
  if (pid === null) return ['  (no process)'];
  let table: string;
  try {
    table = execFileSync('ps', ['-e', '-o', 'pid=,ppid=,etimes=,stat=,args='], { encoding: 'utf8' });
  } catch (err) {
    return [`  (ps failed: ${String(err)})`];
  }
  const rows = table
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((r) => r.length >= 5)
    .map((r) => ({
      pid: Number(r[0]),
      ppid: Number(r[1]),
      line: `${r[2]}s ${r[3]} ${r.slice(4).join(' ')}`,
    }));
  const out: string[] = [];
  const walk = (p: number, depth: number): void => {
    for (const r of rows.filter((x) => x.ppid === p)) {
      out.push(`  ${'  '.repeat(depth)}${r.pid} ${r.line.slice(0, 160)}`);
      walk(r.pid, depth + 1);
    }
  };
  const self = rows.find((r) => r.pid === pid);
  if (self) out.push(`  ${self.pid} ${self.line.slice(0, 160)}`);
  walk(pid, 1);
  return out.length > 0 ? out : [`  (${pid} is gone)`];
}

/** The newest debug log of the agent CLI, where it keeps one (Qwen Code with QWEN_DEBUG_LOG_FILE). */
function vendorLog(home: TestHome): string[] {
  const latest = home.path('home', '.qwen', 'debug', 'latest');
  if (!existsSync(latest)) return [];
  // Per-frame lines (each spinner frame reflows, memory samples) would push out what it last did.
  const lines = readFileSync(latest, 'utf8')
    .trimEnd()
    .split('\n')
    .filter((l) => !/\[(RESIZE_REFLOW|MEMORY_MONITOR)\]/.test(l))
    .slice(-30);
  return ['its CLI debug log (last lines):', ...lines.map((l) => `  ${l.slice(0, 200)}`)];
}

/** Waits (up to 60 s) until `read()` gives steps that are `done`, and returns them. */
export function untilSteps<S extends Step | EvidencedStep>(
  what: string,
  read: () => Promise<S[]>,
  done: (steps: S[]) => boolean,
  explain?: { home: TestHome; name: string },
): Promise<S[]> {
  let seen: S[] | undefined;
  return withLastSeen(
    eventually(
      what,
      async () => {
        const s = (seen = await read());
        if (process.env.WTP_DEBUG_E2E) console.log(what, JSON.stringify(s));
        return done(s) ? s : undefined;
      },
      60_000,
    ),
    () => (seen ? JSON.stringify(seen) : 'nothing read'),
    explain,
  );
}

/** Waits until the agent's steps (as `read` gives them) are two or more and end in `last`. */
export const untilLastStep = <S extends Step | EvidencedStep>(
  name: string,
  last: string,
  read: () => Promise<S[]>,
  home?: TestHome,
): Promise<S[]> =>
  untilSteps(
    `${name} to reach ${last}`,
    read,
    (s) => s.length > 1 && s.at(-1)?.[0] === last,
    home ? { home, name } : undefined,
  );

/** Waits (up to 30 s) until the agent has exited or crashed, and returns it. */
export function untilEnded(home: TestHome, name: string): Promise<AgentView> {
  let seen: AgentView | undefined;
  return withLastSeen(
    eventually(
      'the agent to end',
      async () => {
        const x = (seen = await home.agent(name));
        return x.state === 'exited' || x.state === 'crashed' ? x : undefined;
      },
      30_000,
    ),
    () =>
      seen ? `${seen.state} pid ${seen.pid ?? 'none'} ${JSON.stringify(seen.stateDetail)}` : 'nothing read',
  );
}

/** `wtp new <profile> --name <name> --cwd <cwd> <args>`, which must succeed. */
export async function newAgent(
  home: TestHome,
  profile: string,
  name: string,
  cwd: string,
  args: string[],
): Promise<void> {
  // WTP_E2E_SANDBOX=1: the same tests with every agent sandboxed (docs/sandbox.md; the vendors'
  // scripted servers are reached through their base-URL variables, which the policy allows).
  const sandbox = process.env.WTP_E2E_SANDBOX === '1' ? ['--sandbox'] : [];
  const r = await home.json(['new', profile, '--name', name, '--cwd', cwd, ...sandbox, ...args]);
  expect(r.code, `${r.stderr}${JSON.stringify(r.doc)}`).toBe(0); // with --json the error is in the document
}

/** A stand-in `notify-send` that appends its argv (one JSON line) to `log`. */
export function fakeNotifySend(dir: string, log: string): void {
  mkdirSync(dir, { recursive: true });
  const file = `${dir}/notify-send`;
  writeFileSync(
    file,
    `#!${process.execPath}\nrequire('fs').appendFileSync(${JSON.stringify(log)}, JSON.stringify(process.argv.slice(2)) + '\\n');\n`,
  );
  chmodSync(file, 0o755);
}

/** The JSON lines of `file` (none when it does not exist). */
export const jsonLines = (file: string): unknown[] =>
  existsSync(file)
    ? readFileSync(file, 'utf8')
        .trim()
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as unknown)
    : [];

/** `wtp why NAME --json`, as far as the vendor e2e tests read it. */
export interface Why {
  agent: AgentView;
  signals: { source: string; evidence: string }[];
}

/**
 * With WTP_DEBUG_E2E set, or once a test of the file failed: prints each agent's events, `wtp why`
 * and screen (`wtp peek`), labelled, to see why a real-CLI test waited in vain. Does nothing otherwise.
 */
export async function dumpAgentsForDebug(
  home: TestHome | undefined,
  label: string,
  names: readonly string[],
) {
  if (!(process.env.WTP_DEBUG_E2E || anyTestFailed()) || !home) return;
  for (const name of names) {
    for (const e of await home.events(name)) console.log(label, name, JSON.stringify(e));
    console.log(label, name, (await home.run(['why', name, '--json'])).stdout);
    console.log(label, name, 'SCREEN\n' + (await home.run(['peek', name])).stdout);
  }
}

/**
 * Waits until the agent's screen (what `wtp peek` prints) shows `text`. A vendor's hook or status channel speaks when its turn ends,
 * which may be before its screen draws the reply: OpenCode, for one, draws a reply only once its
 * syntax highlighter (a worker) has returned, seconds later on a loaded machine.
 */
export async function screenShows(
  home: TestHome,
  name: string,
  text: string | RegExp,
  ms = 30_000,
): Promise<string> {
  let screen = '';
  const shows = (): boolean => (typeof text === 'string' ? screen.includes(text) : text.test(screen));
  try {
    return await eventually(
      `${name}'s screen to show ${String(text)}`,
      async () => {
        screen = await home.screen(name);
        return shows() ? screen : undefined;
      },
      ms,
    );
  } catch (err) {
    throw new Error(`${(err as Error).message}; it last showed:\n${screen}`);
  }
}

/**
 * Types `text` at the agent's prompt, waits until its screen shows it, then presses Enter
 * SUBMIT_GAP_MS later. Gemini CLI turns an Enter into a newline in two cases (its bundle): within
 * 40 ms of a paste, cleared by a timer and a re-render that a starved process runs after the Enter
 * is read; and within 30 ms of a typed key, by the clock when each key is read. Only the second is
 * ordered by its echo, so Gemini gets the text as keys; other CLIs get a paste, as `wtp send` does.
 */
export async function typeThenEnter(home: TestHome, name: string, text: string): Promise<void> {
  const keys = (await home.agent(name)).profile === 'gemini';
  await home.send(name, keys ? { text, raw: true } : { text });
  await screenShows(home, name, text);
  await sleep(SUBMIT_GAP_MS);
  await home.send(name, { key: 'enter' });
}
const SUBMIT_GAP_MS = 100;

/** Runs `wtp <args> --json` for an answer command: its exit code, its answers, and the document. */
export async function answerDoc(
  home: TestHome,
  args: string[],
): Promise<{ code: number; answered: AnswerResult[]; doc: unknown }> {
  const r = await home.json(args);
  const parsed = cliOutputSchemas.answers.safeParse(r.doc);
  return { code: r.code, answered: parsed.success ? parsed.data.answered : [], doc: r.doc };
}
