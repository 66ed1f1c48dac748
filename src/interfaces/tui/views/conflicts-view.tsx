import { useCallback, useEffect, useState } from 'react';
import type { RouteResponse } from '../../../protocol/routes.js';
import { paint } from '../../cli/format.js';
import { errorText } from '../tui-actions.js';
import type { TuiStore } from '../tui-store.js';
import type { BodyView } from './app.js';
import { ScrollText } from './scroll-text.js';

/** The radar's report as lines: conflicting pairs and their files, overlaps, the merge order. */
export function conflictLines(r: RouteResponse<'conflicts'>, color: boolean): string[] {
  const conflicting = r.pairs.filter((p) => p.conflicting);
  const overlapping = r.pairs.filter((p) => !p.conflicting && p.overlapping.length > 0);
  const lines = [
    `${r.branches.length} branch${r.branches.length === 1 ? '' : 'es'} looked at; ${conflicting.length} conflicting pair${conflicting.length === 1 ? '' : 's'}`,
  ];
  for (const p of conflicting) {
    lines.push(paint(color, 'yellow', `⚠ ${p.a} × ${p.b}`));
    for (const c of p.conflicts) lines.push(`    ${c.path} (${c.kind})`);
  }
  for (const p of overlapping)
    lines.push(`  ${p.a} × ${p.b} both change ${p.overlapping.join(', ')} (merges cleanly)`);
  if (r.mergeOrder.order.length > 0) lines.push('', `merge order: ${r.mergeOrder.order.join(' → ')}`);
  for (const n of r.mergeOrder.notes) lines.push(`  ${n}`);
  return lines;
}

function ConflictsBody(props: {
  store: TuiStore;
  color: boolean;
  width: number;
  height: number;
  close: () => void;
}) {
  const [lines, setLines] = useState<string[]>(['loading the conflict radar…']);
  const load = useCallback(
    (cached: boolean) => {
      if (!cached) setLines(['running the radar (git merge-tree over every pair)…']);
      props.store.client
        .call('conflicts', { query: { cached: cached ? 'true' : 'false' } })
        .then((r) => setLines(conflictLines(r, props.color)))
        .catch((err: unknown) => setLines([errorText(err)]));
    },
    [props.store, props.color],
  );
  useEffect(() => load(true), [load]);
  return (
    <ScrollText
      title="conflicts (r runs the radar again)"
      lines={lines}
      width={props.width}
      height={props.height}
      close={props.close}
      onKey={(input) => input === 'r' && load(false)}
    />
  );
}

/** `c`: where agents change the same files — `wtp conflicts`. */
export function conflictsView(store: TuiStore, color: boolean): BodyView {
  return {
    title: 'conflicts: r runs the radar again',
    render: (size, close) => <ConflictsBody store={store} color={color} {...size} close={close} />,
  };
}
