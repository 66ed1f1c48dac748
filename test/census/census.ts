import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { corpusScreenText } from '../../src/protocol/corpus-screen.js';
import type { ScreenRecord } from '../../src/protocol/profiles.js';
import { alwaysChoice } from '../../src/core/state/dialog-options.js';
import { DETECTORS, PROFILES } from '../../src/vendors/registry.js';
import { detectScreen, screenRows } from '../../src/core/state/detectors/screen-detector.js';
import type { ProfileName } from '../../src/protocol/agent.js';
import { newAgent, START_MS } from '../support/agent-steps.js';
import { eventually, REPO, sleep, type TestHome } from '../support/harness.js';

/**
 * The census of a pinned agent CLI's dialogs: the CLI, driven by its scripted model server through
 * every kind of request it can ask about, in each permission mode and width, and every screen a
 * user must act on kept as a corpus file (test/fixtures/screens/<vendor>/<version>/census-*.screen).
 * The corpus tests then check the screen rules and the answerer against each of them.
 *
 * What a screen must be (`state:`) is the census's own declaration per kind and mode, not the
 * detector's reading: a file where they differ fails test/integration/screen-corpus.test.ts.
 */

/** One kind of request, as the scripted model asks for it. */
export interface CensusKind {
  name: string;
  /** What is asked, in a user's words (the file's note). */
  what: string;
  /** The model's request (a tool use), given the agent's folder. */
  tool: (dir: string) => { name: string; input: unknown };
  /** Files the request needs (made before its prompt). */
  setup?: (dir: string) => void;
  /**
   * What the user must act on, per permission mode (absent: `default`'s): a dialog for permission,
   * a question, or nothing (the request runs, or is refused, without asking).
   */
  expect: Partial<Record<string, 'needs_permission' | 'needs_input' | 'none'>> & {
    default: 'needs_permission' | 'needs_input' | 'none';
  };
  /** The target the dialog names (its `about`), as the screen must give it. */
  about?: (dir: string) => string;
  /** A question's reply (`wtp answer NAME <text>`), and what of it the model must get back. */
  reply?: { text: string; heard: string };
}

/** One agent of the census: its mode, its width, and whether a file changed before its walk. */
export interface CensusPass {
  mode: string;
  cols: number;
  /** A file is changed (and approved) first: the panels a CLI draws once files changed. */
  changed?: boolean;
  /**
   * The agent works in a folder as deep as a user's checkout often is: a panel that shows the
   * folder (OpenCode's, from 160 columns) wraps it on more rows, next to the dialog's own.
   */
  deep?: boolean;
}

/** A pass's suffix in names: `-changed`, `-deep`. */
const passSuffix = (p: CensusPass): string => `${p.changed ? '-changed' : ''}${p.deep ? '-deep' : ''}`;

/** A screen the census keeps. */
export interface CensusScreen {
  file: string;
  text: string;
  /** The detector disagrees with what the census says the screen is. */
  disagrees: boolean;
}

/** What a census drives: the daemon with its agents' environment, and how the vendor starts. */
export interface CensusRig {
  home: TestHome;
  vendor: string;
  version: string;
  /** `wtp new` arguments for a mode (its own; the CLI's after `--`). */
  modeArgs: (mode: string) => string[];
  /** The keys that approve once (the changed-file step), and leave any dialog unanswered. */
  approveKeys: string[];
  leaveKeys: string[];
  /** The width the daemon gives new agents now (0: not started yet). */
  cols: number;
  /**
   * The kind the model asks for now, set by the census before each prompt: a new object each time,
   * so that a timer of an earlier prompt's script cannot mark a later one asked.
   */
  asking: { kind: CensusKind | null; dir: string };
  /** Every tool result the model got back, in order (the vendor's script adds them). */
  results: string[];
  /**
   * How long its CLI must have said nothing, once idle, before it takes the next prompt (absent:
   * none). OpenCode ends a turn refused on its doom-loop guard with two `session.idle` 300 ms apart,
   * and a prompt entered between them is drawn but never sent (seen 2 of 2 without a wait).
   */
  quietMs?: number;
}

/** Temporary folders as a stable word, so that a screen recorded again compares equal. */
export function stable(text: string, home: TestHome): string {
  return text
    .split(home.dir)
    .join('<home>')
    .replace(/\/tmp\/wtp-test-[\w-]+/g, '<tmp>');
}

/** The agent's screen and its detector's verdict, once two reads 600 ms apart are the same. */
async function settled(home: TestHome, agent: string): Promise<ScreenRecord> {
  let last = '';
  let record: ScreenRecord | undefined;
  const until = Date.now() + 15_000;
  for (;;) {
    const r = await home.json<{ record?: ScreenRecord }>(['record-screen', agent, '--out', '-']);
    if (r.doc.record === undefined) throw new Error(`wtp record-screen ${agent}: ${JSON.stringify(r.doc)}`);
    record = r.doc.record;
    const now = record.screen.lines.join('\n');
    if (now === last || Date.now() > until) return record;
    last = now;
    await sleep(600);
  }
}

/** What a census screen is of: the kind asked for, its tool, and the pass that showed it. */
interface CensusOrigin {
  expected: string;
  kind: string;
  what: string;
  pass: CensusPass;
  about?: string | undefined;
  tool?: string | undefined;
}

/** The corpus file of one census screen. */
function censusFile(
  rig: CensusRig,
  record: ScreenRecord,
  o: CensusOrigin,
): { text: string; disagrees: boolean } {
  const v = record.verdict;
  const verdict = v.state === 'none' ? 'none' : `${v.state}${v.reason ? `(${v.reason})` : ''}`;
  const expected = o.expected === 'none' ? 'idle' : o.expected;
  const reason =
    expected === 'needs_permission' ? 'permission' : expected === 'needs_input' ? 'question' : null;
  // The "always" option as drawn (what `--always` would press), read as the answerer reads it.
  const profile = PROFILES.get(record.agent.profile as ProfileName);
  const detector = profile.detector ?? record.agent.profile;
  const rows = screenRows(DETECTORS, detector, rig.version, record.screen.lines);
  const seen = detectScreen(DETECTORS, detector, rig.version, { lines: rows });
  const always =
    expected === 'needs_permission' && profile.dialogs !== undefined && seen !== null
      ? alwaysChoice(profile.dialogs, rows, seen.line)
      : null;
  const text = corpusScreenText(
    [
      ['state', expected],
      ['reason', reason],
      ['about', o.about ?? null],
      ['always', expected === 'needs_permission' ? (always?.text ?? 'none') : null],
      ['always-mode', always?.modeChange === true ? 'change' : null],
      [
        'note',
        `census: ${o.what}; ${rig.vendor} ${rig.version} in mode ${o.pass.mode} at ${record.screen.cols}x${record.screen.rows}${o.pass.changed ? ', after a file changed' : ''}${o.pass.deep ? ', in a deep folder' : ''}`,
      ],
      ['profile', record.agent.profile],
      ['detector', record.detector ?? 'none'],
      ['version', rig.version],
      ['census', `${o.kind} ${o.pass.mode} ${o.pass.cols}${passSuffix(o.pass).replaceAll('-', ' ')}`],
      // The tool asked for: which answers its CLI's decision channel takes (docs/answers.md's census).
      ['census-tool', o.tool ?? null],
      ['verdict', verdict],
    ],
    record.screen.lines,
  );
  return { text: stable(text, rig.home), disagrees: v.state !== expected };
}

/**
 * Starts agent `name` in the pass's mode and width, in a repository of its own (as a user's
 * worktree is: a CLI may draw what changed in it); its folder.
 */
export async function startAgent(rig: CensusRig, pass: CensusPass, name: string): Promise<string> {
  const { home } = rig;
  const dir = pass.deep
    ? home.path('proj', 'src', 'an-organisation', 'a-repository-with-a-long-name', '.worktrees', name)
    : home.path('proj', name);
  mkdirSync(dir, { recursive: true });
  git(dir, ['init', '-q', '-b', 'main']);
  writeFileSync(join(dir, 'README.md'), `# ${name}\n`);
  git(dir, ['add', '.']);
  git(dir, ['-c', 'user.name=census', '-c', 'user.email=census@example.invalid', 'commit', '-qm', 'start']);
  if (rig.cols !== pass.cols) {
    // New agents take their width from the config the daemon read at its start.
    await home.run(['down', '--stop-agents'], { timeoutMs: 60_000 });
    home.writeConfig(`agents:\n  cols: ${pass.cols}\n`);
    await home.up();
    rig.cols = pass.cols;
  }
  await newAgent(home, rig.vendor, name, dir, rig.modeArgs(pass.mode));
  await eventually(`${name} to start`, async () => (await home.agent(name)).state !== 'starting', START_MS);
  return dir;
}

/**
 * Walks one pass: an agent in the pass's mode and width, each kind's prompt in turn, each screen
 * recorded once it settles, and the dialog left by the CLI's own cancel key.
 */
export async function walk(
  rig: CensusRig,
  pass: CensusPass,
  kinds: readonly CensusKind[],
  out: CensusScreen[],
  log: (line: string) => void,
): Promise<void> {
  const { home } = rig;
  const name = `c-${pass.mode.replace(/\W/g, '').toLowerCase()}-${pass.cols}${pass.changed ? 'x' : ''}${pass.deep ? 'd' : ''}`;
  const dir = await startAgent(rig, pass, name);
  await sleep(1_500);
  // A start screen to act on (a mode warning): recorded as the pass's first screen.
  const first = await settled(home, name);
  if (first.verdict.state !== 'idle' || (await home.agent(name)).state !== 'idle') {
    keep(rig, out, first, { expected: 'needs_input', kind: 'start', what: 'the start screen', pass }, log);
    return;
  }
  /** Asks for `kind`, records the screen once settled, then presses `keys` (or, on a dialog, the leave keys). */
  const ask = async (kind: CensusKind, keys: string[] | null): Promise<ScreenRecord> => {
    kind.setup?.(dir);
    rig.asking = { kind, dir };
    const sent = await home.run(['send', name, `census ${kind.name}`, '--enter']);
    if (sent.code !== 0) throw new Error(`wtp send: ${sent.stderr}`);
    await eventually(`${name}: the model asked for ${kind.name}`, () => rig.asking.kind === null, 60_000);
    await sleep(1_000);
    const record = await settled(home, name);
    const waits = (await home.agent(name)).state.startsWith('needs_');
    for (const key of keys ?? (waits ? rig.leaveKeys : [])) {
      await home.run(['send', name, '--key', key, '--force']);
      await sleep(300);
    }
    await eventually(
      `${name} back at its prompt after ${kind.name}`,
      async () => (await home.agent(name)).state === 'idle',
      60_000,
    );
    return record;
  };
  if (pass.changed) {
    const change = kinds.find((k) => k.name === 'write-new');
    if (change) await ask(change, rig.approveKeys);
  }
  for (const kind of kinds) {
    const expected = kind.expect[pass.mode] ?? kind.expect.default;
    const record = await ask(kind, null);
    // A request that runs without asking leaves nothing to keep, unless it asked after all.
    if (expected === 'none' && !record.verdict.state.startsWith('needs_')) continue;
    keep(
      rig,
      out,
      record,
      {
        expected,
        kind: kind.name,
        what: kind.what,
        pass,
        about: expected === 'none' ? undefined : kind.about?.(dir),
        tool: kind.tool(dir).name,
      },
      log,
    );
  }
}

function keep(
  rig: CensusRig,
  out: CensusScreen[],
  record: ScreenRecord,
  o: CensusOrigin,
  log: (line: string) => void,
): void {
  const { text, disagrees } = censusFile(rig, record, o);
  const rows = text.slice(text.indexOf('\n---\n'));
  // The same screen in another pass (a mode that does not change it) is kept once.
  if (out.some((s) => s.text.slice(s.text.indexOf('\n---\n')) === rows)) return;
  const file = `census-${o.kind}-${o.pass.mode}-${o.pass.cols}${passSuffix(o.pass)}.screen`;
  out.push({ file, text, disagrees });
  log(
    `${disagrees ? 'DISAGREES' : 'agrees   '} ${file}: ${record.verdict.state}${record.verdict.reason ? `(${record.verdict.reason})` : ''}`,
  );
}

/**
 * Writes the census into the corpus: its screens replace the version's census files, and what
 * changed against the files there is returned (added, changed, gone).
 */
export function saveCensus(vendor: string, version: string, screens: readonly CensusScreen[]): string[] {
  const dir = join(REPO, 'test', 'fixtures', 'screens', vendor, version);
  mkdirSync(dir, { recursive: true });
  const before = new Map(
    readdirSync(dir)
      .filter((f) => f.startsWith('census-'))
      .map((f) => [f, readFileSync(join(dir, f), 'utf8')] as const),
  );
  const report: string[] = [];
  for (const s of screens) {
    const old = before.get(s.file);
    before.delete(s.file);
    if (old === s.text) continue;
    report.push(
      `${old === undefined ? 'added  ' : 'changed'} ${s.file}${s.disagrees ? ' (the detector disagrees)' : ''}`,
    );
    writeFileSync(join(dir, s.file), s.text);
  }
  for (const gone of before.keys())
    report.push(`gone    ${gone} (kept: delete it if the CLI no longer shows it)`);
  return report;
}

function git(cwd: string, args: string[]): void {
  execFileSync('git', args, { cwd, stdio: 'ignore' });
}

export const exists = existsSync;
