import type { ScreenRecord } from './profiles.js';

/**
 * Writes a screen as a corpus file (`test/fixtures/screens/<detector>/<version>/*.screen`, read by
 * core/state/detectors/screen-corpus.ts): `key: value` headers, `---`, the rows with trailing
 * spaces trimmed and blank rows kept. `wtp record-screen` writes one from the daemon's record.
 */
export function corpusScreenText(
  headers: readonly (readonly [string, string | null])[],
  lines: readonly string[],
): string {
  const head = headers.flatMap(([k, v]) => (v === null || v === '' ? [] : [`${k}: ${oneLine(v)}`]));
  const rows = [...lines];
  while (rows.length > 0 && rows.at(-1)?.trim() === '') rows.pop();
  return `${[...head, '---', ...rows.map((l) => l.trimEnd())].join('\n')}\n`;
}

/** A header value on one line: control characters (newlines included) become spaces. */
function oneLine(v: string): string {
  return v.replace(/[\u0000-\u001f\u007f]/g, ' ').trim();
}

/**
 * The corpus file of a recorded screen: `state` is what the user says the screen shows (by default
 * the detector's verdict), the other headers say where it came from and what the detector said.
 */
export function recordedScreenFile(
  r: ScreenRecord,
  o: { expected: string; reason: string | null; recordedAt: string },
): string {
  const v = r.verdict;
  const agrees = o.expected === v.state;
  const verdict = v.state === 'none' ? 'none' : `${v.state}${v.reason ? `(${v.reason})` : ''}`;
  const note = `recorded by wtp record-screen from agent ${r.agent.name} (profile ${r.agent.profile}${r.cliVersion ? `, CLI ${r.cliVersion}` : ''}) at ${o.recordedAt}, ${r.screen.cols}x${r.screen.rows}; ${agrees ? 'the detector agrees' : `the detector said ${verdict}`}`;
  return corpusScreenText(
    [
      ['state', o.expected],
      ['reason', o.reason ?? (agrees ? v.reason : null)],
      ['about', agrees ? v.about : null],
      ['note', note],
      ['profile', r.agent.profile],
      ['detector', r.detector ?? 'none'],
      ['version', r.cliVersion ?? 'unknown'],
      ['verdict', verdict],
      ['evidence', v.evidence],
      ['agent-state', r.agent.state],
      // The permission mode its mode line names (`none`: none shown), for agents whose mode is read.
      ['mode', r.mode?.native ?? (r.agent.permission ? 'none' : null)],
    ],
    r.screen.lines,
  );
}
