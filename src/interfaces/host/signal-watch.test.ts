import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseCorpusScreen } from '../../core/state/detectors/screen-corpus.js';
import type { Signal } from '../../protocol/signals.js';
import { DETECTORS, MODE_LINES } from '../../vendors/registry.js';
import { SignalWatch } from './signal-watch.js';

const SCREENS = join(
  import.meta.dirname,
  '..',
  '..',
  '..',
  'test',
  'fixtures',
  'screens',
  'claude',
  '2.1.330',
);
const lines = (file: string): string[] => parseCorpusScreen(readFileSync(join(SCREENS, file), 'utf8')).lines;

/** The host's screen watch reports what a dialog asks with its verdict (issue 17). */
describe('SignalWatch: the request a dialog on screen makes', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('reports a permission dialog with its target (again when another target shows), a question with its options', async () => {
    vi.useFakeTimers();
    let shown = lines('permission-03.screen');
    const sent: Signal[] = [];
    const watch = new SignalWatch({
      watch: { detector: 'claude', version: '2.1.330', statusProtocol: false, stream: null },
      readers: { detectors: DETECTORS, streams: {} },
      reply: () => {},
      send: (s) => sent.push(s),
      readScreen: () =>
        Promise.resolve({
          cols: 120,
          rows: 40,
          cursor: { x: 0, y: 0 },
          altScreen: true,
          title: '',
          lines: shown,
        }),
      now: () => Date.now(),
    });
    const look = async (): Promise<void> => {
      watch.output(new Uint8Array([0x20]));
      await vi.advanceTimersByTimeAsync(500);
    };
    await look();
    expect(sent.map((s) => [s.state, s.request])).toEqual([
      ['needs_permission', { kind: 'permission', about: 'echo hi > out.txt' }],
    ]);
    await look(); // the same dialog: nothing new
    expect(sent).toHaveLength(1);
    // Another command in the same kind of dialog: a new verdict (the same rule, another target).
    shown = shown.map((l) => l.replace('echo hi > out.txt', 'rm -rf build'));
    await look();
    expect(sent.map((s) => s.request)).toEqual([
      { kind: 'permission', about: 'echo hi > out.txt' },
      { kind: 'permission', about: 'rm -rf build' },
    ]);
    shown = lines('question-03.screen');
    await look();
    // A question: its numbered options as the dialog shows them (the status record names only the
    // model's own two; the screen adds Claude's free-text rows).
    expect(sent.at(-1)).toMatchObject({ state: 'needs_input' });
    expect(sent.at(-1)?.request).toEqual({
      kind: 'question',
      options: ['Red', 'Blue', 'Type something.', 'Chat about this'],
    });
    // A screen that asks nothing: no request.
    shown = lines('interrupt-01.screen');
    await look();
    expect(sent.at(-1)?.request).toBeUndefined();
    watch.dispose();
  });
});

/** The host's screen watch reports the permission mode its agent's mode line shows (issue 29). */
describe('SignalWatch: the mode line', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('reports the mode when it changes (shift+tab), not while it stays, and again for a daemon that was away', async () => {
    vi.useFakeTimers();
    let shown = lines('text-reply-06.screen'); // ⏵⏵ auto mode on
    const modes: string[] = [];
    const watch = new SignalWatch({
      watch: { detector: 'claude', version: '2.1.330', statusProtocol: false, stream: null },
      readers: { detectors: DETECTORS, streams: {}, modes: MODE_LINES },
      reply: () => {},
      send: () => {},
      mode: (r) => modes.push(`${r.native} ${r.evidence}`),
      readScreen: () =>
        Promise.resolve({
          cols: 120,
          rows: 40,
          cursor: { x: 0, y: 0 },
          altScreen: true,
          title: '',
          lines: shown,
        }),
      now: () => Date.now(),
    });
    const look = async (): Promise<void> => {
      watch.output(new Uint8Array([0x20]));
      await vi.advanceTimersByTimeAsync(500);
    };
    await look();
    await look();
    expect(modes).toEqual(['auto screen line 39: "⏵⏵ auto mode on (shift+tab to cycle) · ← for agents"']);
    shown = lines('mode-plan-01.screen');
    await look();
    // A dialog hides the mode line: nothing is said.
    shown = lines('permission-03.screen');
    await look();
    expect(modes.map((m) => m.split(' ')[0])).toEqual(['auto', 'plan']);
    watch.resendMode();
    shown = lines('mode-plan-01.screen');
    await vi.advanceTimersByTimeAsync(500);
    expect(modes.map((m) => m.split(' ')[0])).toEqual(['auto', 'plan', 'plan']);
    watch.dispose();
  });
});

/**
 * The same dialog twice with only an unconfirmed idle between (a CLI that asks again as soon as
 * it is prompted again, before its composer has looked idle for idleStableMs): the second is a
 * new wait the daemon must hear of, with its request — CI saw Codex's MCP form of round 3 go
 * unreported (the screen's key still that of round 2's form), and the agent's request lack its tool.
 */
describe('SignalWatch: a dialog that shows again', () => {
  const CODEX = join(SCREENS, '..', '..', 'codex', '0.169.0');
  const codexLines = (file: string): string[] =>
    parseCorpusScreen(readFileSync(join(CODEX, file), 'utf8')).lines;

  afterEach(() => {
    vi.useRealTimers();
  });

  const watching = (
    shown: () => string[],
    read: () => Promise<void> = () => Promise.resolve(),
  ): { watch: SignalWatch; sent: Signal[] } => {
    const sent: Signal[] = [];
    const watch = new SignalWatch({
      watch: { detector: 'codex', version: '0.169.0', statusProtocol: false, stream: null },
      readers: { detectors: DETECTORS, streams: {} },
      reply: () => {},
      send: (s) => sent.push(s),
      readScreen: async () => {
        const lines = shown();
        await read();
        return { cols: 120, rows: 40, cursor: { x: 0, y: 0 }, altScreen: true, title: '', lines };
      },
      now: () => Date.now(),
    });
    return { watch, sent };
  };

  it('reports the dialog again after the screen showed something else, even an idle not yet confirmed', async () => {
    vi.useFakeTimers();
    let shown = codexLines('permission-mcp-01.screen');
    const { watch, sent } = watching(() => shown);
    const look = async (ms = 300): Promise<void> => {
      watch.output(new Uint8Array([0x20]));
      await vi.advanceTimersByTimeAsync(ms);
    };
    await look();
    expect(sent.map((s) => [s.state, s.request?.tool])).toEqual([['needs_permission', 'mcp__probe__ping']]);
    shown = codexLines('text-reply-01.screen');
    await look(); // idle-looking, for less than idleStableMs: not reported yet
    shown = codexLines('permission-mcp-01.screen');
    await look(); // output cancelled the idle; the same form again
    expect(sent.map((s) => [s.state, s.request?.tool])).toEqual([
      ['needs_permission', 'mcp__probe__ping'],
      ['needs_permission', 'mcp__probe__ping'],
    ]);
    await look(); // still the same form: nothing new
    expect(sent).toHaveLength(2);
    watch.dispose();
  });

  it('checks the screen again after output that came while a check was reading it', async () => {
    vi.useFakeTimers();
    let shown = codexLines('text-reply-01.screen');
    // A slow read (a loaded machine): the form is drawn while the check reads the screen before it.
    const { watch, sent } = watching(
      () => shown,
      () => new Promise((r) => setTimeout(r, 1_000)),
    );
    watch.output(new Uint8Array([0x20]));
    await vi.advanceTimersByTimeAsync(300); // the check began reading the reply
    shown = codexLines('permission-mcp-01.screen');
    watch.output(new Uint8Array([0x20])); // the form's output, while that check reads
    await vi.advanceTimersByTimeAsync(3_000);
    expect(sent.map((s) => [s.state, s.request?.tool])).toEqual([['needs_permission', 'mcp__probe__ping']]);
    watch.dispose();
  });
});
