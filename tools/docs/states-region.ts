import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SIGNAL_REASONS } from '../../src/protocol/signals.js';
import {
  LIFECYCLE_REASONS,
  STATE_REASON_WORDS,
  STATE_REASONS,
  type StateReason,
} from '../../src/protocol/state-reasons.js';
import { fillRegions } from './architecture-regions.js';
import { code, table, text } from './markdown.js';

/** Who gives a reason: the lifecycle, a signal (or the state engine for one that names none), or reading. */
function givenBy(r: StateReason): string {
  if ((LIFECYCLE_REASONS as readonly string[]).includes(r)) return 'lifecycle';
  if ((SIGNAL_REASONS as readonly string[]).includes(r) || r === 'working') return 'signal';
  return 'reading a record';
}

/** docs/states.md's table of reasons: every value of `stateDetail.reason`, with what it means. */
export function reasonsTable(): string {
  return table(
    ['reason', 'given by', 'state: meaning'],
    STATE_REASONS.map((r) => [code(r), givenBy(r), text(STATE_REASON_WORDS[r])]),
  );
}

/** docs/states.md as it is, with its table of reasons as src/protocol/state-reasons.ts says. */
export function statesDoc(root: string): string {
  const doc = readFileSync(join(root, 'docs/states.md'), 'utf8');
  return fillRegions(doc, { reasons: reasonsTable() }, 'docs/states.md');
}
