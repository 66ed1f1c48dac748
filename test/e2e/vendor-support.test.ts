import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCorpusScreen } from '../../src/core/state/detectors/screen-corpus.js';
import { detectScreen, evidenceOf } from '../../src/core/state/detectors/screen-detector.js';
import { cliOutputSchemas } from '../../src/protocol/cli-output.js';
import type { ProfileInfo } from '../../src/protocol/profiles.js';
import { DETECTORS } from '../../src/vendors/registry.js';
import { eventually, TestHome } from '../support/harness.js';

/** An executable `#!/bin/sh` script named `name` in `dir`. */
function script(dir: string, name: string, body: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${dir}/${name}`, `#!/bin/sh\n${body}\n`);
  chmodSync(`${dir}/${name}`, 0o755);
}

/**
 * A stand-in for Aider 0.86.1 (Aider cannot run here: no Python registry): its `--version`, then a
 * shell-command confirmation as Aider draws it, waiting for the answer.
 */
const FAKE_AIDER = `if [ "$1" = "--version" ]; then echo "aider 0.86.1"; exit 0; fi
printf 'Aider v0.86.1\\n\\n> run the tests\\n\\npytest -q\\n'
printf "Run shell command? (Y)es/(N)o/(D)on't ask again [Yes]: "
read answer
exec sleep 600`;

/** What the detectors say about a corpus file's screen, with the version and detector it names. */
function detectorsOn(text: string) {
  const screen = parseCorpusScreen(text);
  const h = screen.headers;
  const v = detectScreen(DETECTORS, h['detector'] ?? '', h['version'] ?? null, { lines: screen.lines });
  return { screen, verdict: v, evidence: v === null ? null : evidenceOf(v) };
}

/**
 * What a user sees about vendor support, on a real daemon with agents on tmux and agent CLIs of
 * our own on its PATH: a claude outside the tested versions, a gemini inside, an aider (screens
 * only, never run). Then `wtp record-screen` saves screens as corpus files the detectors reproduce.
 */
describe('vendor support and record-screen (tmux)', () => {
  let home: TestHome;
  let bin: string;
  beforeAll(async () => {
    home = new TestHome({ WTP_BACKEND: 'tmux', SHELL: '/bin/sh', LANG: 'C.UTF-8' });
    bin = home.path('bin');
    // A claude that stays up (a quick exit would race `wtp new`'s "started").
    script(
      bin,
      'claude',
      'if [ "$1" = "--version" ]; then echo "2.0.1 (Claude Code)"; exit 0; fi\nexec sleep 600',
    );
    script(bin, 'gemini', 'echo "0.61.0"');
    script(bin, 'aider', FAKE_AIDER);
    home.env.PATH = `${bin}:/usr/bin:/bin`;
    await home.up();
  });
  afterAll(() => home.cleanup());

  it('`wtp profiles` shows signals, tested versions, the installed version, and warns outside the range', async () => {
    const r = await home.json(['profiles']);
    expect(r.code).toBe(0);
    const { profiles } = cliOutputSchemas.profiles.parse(r.doc);
    const by = (name: string): ProfileInfo => {
      const p = profiles.find((x) => x.name === name);
      if (!p) throw new Error(`no profile ${name}`);
      return p;
    };
    expect(by('claude')).toMatchObject({
      signals: ['status', 'hook', 'stream', 'screen', 'process'],
      found: `${bin}/claude`,
      cli: { testedVersions: ['2.1.330'], support: 'e2e', version: '2.0.1', inRange: false },
    });
    expect(by('claude').cli?.warning).toMatch(/^claude 2\.0\.1 is outside the tested versions \(2\.1\.330\)/);
    expect(by('gemini').cli).toMatchObject({ version: '0.61.0', inRange: true, warning: null });
    expect(by('codex').cli).toMatchObject({
      version: null,
      versionError: 'not found',
      inRange: null,
      warning: null,
    });
    expect(by('aider').cli).toMatchObject({ support: 'screens-only', testedVersions: [], version: '0.86.1' });
    expect(by('aider').cli?.warning).toMatch(/^aider is screens only, not run: /);
    expect(by('cmd').cli).toBeNull();

    const human = await home.run(['profiles']);
    expect(human.stdout).toMatch(
      /^claude +status > hook > stream > screen > process +\S+ +2\.1\.330 +2\.0\.1 \(untested\) /m,
    );
    expect(human.stdout).toMatch(/^gemini +.* 0\.61\.0 +0\.61\.0 \(tested\) /m);
    expect(human.stdout).toMatch(
      /^aider +screen > process +\S+ +screens only, not run +0\.86\.1 \(untested\) /m,
    );
    expect(human.stdout).toMatch(/^warning: claude 2\.0\.1 is outside the tested versions \(2\.1\.330\)/m);
    expect(human.stdout).toMatch(/^warning: aider is screens only, not run/m);
    expect(human.stdout).not.toMatch(/^warning: (gemini|codex)/m);
  });

  it('`wtp doctor` warns of the untested claude and of aider (screens only, not run), not of the tested gemini', async () => {
    const r = await home.json(['doctor']);
    const report = cliOutputSchemas.doctor.parse(r.doc);
    const by = (id: string) => report.checks.find((c) => c.id === id);
    expect(by('agent:claude')).toMatchObject({ status: 'warn', version: '2.0.1' });
    expect(by('agent:gemini')).toMatchObject({
      status: 'ok',
      summary: expect.stringContaining('a tested version'),
    });
    expect(by('agent:aider')).toMatchObject({
      status: 'warn',
      version: '0.86.1',
      summary: expect.stringContaining('screens only, not run'),
      fix: expect.stringContaining('wtp record-screen'),
    });
  });

  it('starts an agent of an untested CLI with a warning', async () => {
    const r = await home.json(['new', 'aider', '-n', 'ai']);
    expect(r.code).toBe(0);
    const doc = cliOutputSchemas.agent.parse(r.doc);
    expect(doc.agent).toMatchObject({ name: 'ai', profile: 'aider', version: '0.86.1' });
    expect(doc.cli).toMatchObject({ support: 'screens-only', version: '0.86.1' });
    const human = await home.run(['new', 'claude', '-n', 'cl']);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^started cl /m);
    expect(human.stderr).toMatch(/^warning: claude 2\.0\.1 is outside the tested versions \(2\.1\.330\)/m);
    expect(human.stderr).toContain('`wtp record-screen cl`');
  });

  it('records the screen with the verdict; the detectors reproduce it from the file', async () => {
    await home.untilState('ai', 'needs_permission');
    const file = home.path('ai.screen');
    const r = await home.json(['record-screen', 'ai', '--out', file]);
    expect(r.code).toBe(0);
    const doc = cliOutputSchemas.recordScreen.parse(r.doc);
    expect(doc).toMatchObject({ file, expected: 'needs_permission' });
    expect(doc.record).toMatchObject({
      detector: 'aider',
      cliVersion: '0.86.1',
      verdict: { state: 'needs_permission', reason: 'permission', rule: 'aider/confirm' },
    });
    const text = readFileSync(file, 'utf8');
    expect(text).toBe(doc.text);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const { screen, verdict, evidence } = detectorsOn(text);
    expect(screen).toMatchObject({ expected: 'needs_permission', reason: 'permission' });
    expect(screen.headers).toMatchObject({ profile: 'aider', detector: 'aider', version: '0.86.1' });
    expect(screen.lines).toContain("Run shell command? (Y)es/(N)o/(D)on't ask again [Yes]:");
    // As the corpus test checks it: state, reason and about from the file, on the file's lines.
    expect(verdict?.state).toBe(screen.expected);
    expect(verdict?.reason).toBe(screen.reason);
    expect(verdict?.about).toBe(screen.headers['about']);
    expect(evidence).toBe(doc.record.verdict.evidence);
    expect(screen.headers['evidence']).toBe(evidence);

    // Again without --force: the file is kept.
    const again = await home.run(['record-screen', 'ai', '--out', file]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('[FILE_EXISTS]');
    expect(readFileSync(file, 'utf8')).toBe(text);
  });

  it('writes the state the user says the screen shows, and keeps what the detector said', async () => {
    const file = home.path('ai-idle.screen');
    const human = await home.run([
      'record-screen',
      'ai',
      '--state',
      'idle',
      '--reason',
      'at_prompt',
      '-o',
      file,
    ]);
    expect(human.code).toBe(0);
    expect(human.stdout).toContain(`saved ${file}`);
    expect(human.stdout).toMatch(
      /^ {2}detector: aider says needs_permission \(permission\): screen aider\/confirm /m,
    );
    expect(human.stdout).toMatch(/^ {2}expected: idle \(the detector disagrees/m);
    const { screen, verdict } = detectorsOn(readFileSync(file, 'utf8'));
    expect(screen).toMatchObject({ expected: 'idle', reason: 'at_prompt' });
    expect(screen.headers['about']).toBeUndefined();
    // The detectors still say what the file records they said: the file shows them wrong.
    expect(screen.headers['verdict']).toBe('needs_permission(permission)');
    expect(verdict?.state).toBe('needs_permission');
  });

  it('records a cmd agent (no detector) as `state: none`, to stdout with --out -', async () => {
    const created = await home.run([
      'new',
      'cmd',
      '-n',
      'c',
      '--',
      'sh',
      '-c',
      'echo hello from cmd; exec sleep 600',
    ]);
    expect(created.code).toBe(0);
    await eventually('the cmd screen', async () =>
      (await home.run(['peek', 'c'])).stdout.includes('hello from cmd'),
    );
    const r = await home.json(['record-screen', 'c', '--out', '-']);
    const doc = cliOutputSchemas.recordScreen.parse(r.doc);
    expect(doc).toMatchObject({
      file: null,
      expected: 'none',
      record: { detector: null, verdict: { state: 'none' } },
    });
    const { screen, verdict } = detectorsOn(doc.text);
    expect(screen.expected).toBe('none');
    expect(screen.headers).toMatchObject({ profile: 'cmd', detector: 'none', verdict: 'none' });
    expect(screen.lines[0]).toBe('hello from cmd');
    expect(verdict).toBeNull();
    const human = await home.run(['record-screen', 'c', '--out', '-']);
    expect(human.stdout).toMatch(/^state: none\n/);
  });

  it('says what is wrong with a stable code', async () => {
    const unknown = await home.json(['record-screen', 'nobody']);
    expect(unknown.code).toBe(1);
    expect(unknown.doc).toMatchObject({ error: { code: 'AGENT_NOT_FOUND' } });
    const bad = await home.json(['record-screen', 'ai', '--state', 'busy']);
    expect(bad.code).toBe(2);
    expect(bad.doc).toMatchObject({ error: { code: 'INVALID_INPUT' } });
  });
});
