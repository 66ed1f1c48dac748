import { useEffect, useState } from 'react';
import type { AgentView } from '../../../protocol/agent.js';
import { paint } from '../../cli/format.js';
import { errorText } from '../tui-actions.js';
import type { TuiStore } from '../tui-store.js';
import type { BodyView } from './app.js';
import { ScrollText } from './scroll-text.js';
import { cellText } from '../../../protocol/terminal-text.js';

/** A unified diff, coloured: added green, removed red, hunk headers cyan, file headers bold. */
export function diffLines(patch: string, color: boolean): string[] {
  return patch.split('\n').map((line) => {
    // A repository's text: tabs as spaces, control characters as escapes, before any colour.
    const l = cellText(expandTabs(line));
    if (l.startsWith('diff --git') || l.startsWith('+++') || l.startsWith('---'))
      return paint(color, 'bold', l);
    if (l.startsWith('@@')) return paint(color, 'cyan', l);
    if (l.startsWith('+')) return paint(color, 'green', l);
    if (l.startsWith('-')) return paint(color, 'red', l);
    return l;
  });
}

/** Tabs as spaces to the next multiple of 8 columns. */
function expandTabs(line: string): string {
  let out = '';
  for (const ch of line) out += ch === '\t' ? ' '.repeat(8 - ([...out].length % 8)) : ch;
  return out;
}

function DiffBody(props: {
  store: TuiStore;
  agent: AgentView;
  color: boolean;
  width: number;
  height: number;
  close: () => void;
}) {
  const [lines, setLines] = useState<string[]>(['loading the diff…']);
  useEffect(() => {
    props.store.client
      .call('agentDiff', { params: { agent: props.agent.id } })
      .then(({ diff }) => {
        const list = diff.files.map(
          (f) =>
            `  ${paint(props.color, 'green', `+${f.insertions}`)} ${paint(props.color, 'red', `-${f.deletions}`)}  ${f.status.padEnd(9)} ${cellText(f.oldPath ? `${f.oldPath} → ${f.path}` : f.path)}`,
        );
        const head = [
          `${diff.files.length} file${diff.files.length === 1 ? '' : 's'} changed against ${diff.base}`,
          ...list,
          '',
        ];
        const body = diffLines(diff.patch, props.color);
        setLines(diff.files.length === 0 ? ['No changes against the base.'] : [...head, ...body]);
      })
      .catch((err: unknown) => setLines([errorText(err)]));
  }, [props.store, props.agent.id, props.color]);
  return (
    <ScrollText
      title={`diff of ${props.agent.name}`}
      lines={lines}
      width={props.width}
      height={props.height}
      close={props.close}
    />
  );
}

/** `D`: the agent's changes (committed and not) against its base — `wtp diff`. */
export function diffView(store: TuiStore, agent: AgentView, color: boolean): BodyView {
  return {
    title: `diff ${agent.name}: j/k scroll, pgup/pgdn, g/G`,
    render: (size, close) => <DiffBody store={store} agent={agent} color={color} {...size} close={close} />,
  };
}
