import type { AgentView } from '../../../protocol/agent.js';
import { paint } from '../../cli/format.js';
import { Box } from 'ink';
import { columnWidths, fit, keptAgentColumns, type AgentColumns } from '../agent-line.js';
import type { FleetRow } from '../fleet-rows.js';
import { teamName } from '../../../protocol/team-tree.js';
import { windowStart } from '../screen-layout.js';
import { TextRows } from './scroll-text.js';

/** The agents grouped by workspace: only the rows in view are rendered (a fleet of hundreds stays cheap). */
export function AgentList(props: {
  rows: readonly FleetRow[];
  selected: string | null;
  conflicts: ReadonlyMap<string, string[]>;
  /** In a fleet: machines out of reach → their last heartbeat (ISO). */
  unreachable?: ReadonlyMap<string, string>;
  width: number;
  height: number;
  color: boolean;
  now: number;
  loaded: boolean;
}) {
  const { rows, width, height, color } = props;
  const at = rows.findIndex((r) => r.kind === 'agent' && r.agent.id === props.selected);
  const start = windowStart(rows.length, at, height);
  const cols = columnWidths(width);
  const cut = (text: string): AgentColumns => {
    if (cols === null) return { left: paint(color, 'bold', text), age: '', right: '' };
    // A header row spans the columns: cut after `fit` (one code point per column), each part painted.
    const chars = [...text];
    const part = (from: number, n: number): string =>
      paint(color, 'bold', chars.slice(from, from + n).join(''));
    return {
      left: part(0, cols.left),
      age: part(cols.left, cols.age),
      right: part(cols.left + cols.age, cols.right),
    };
  };
  const shown = rows.slice(start, start + height).map((r) =>
    r.kind === 'workspace'
      ? cut(
          fit(
            `▾ ${r.name}  ${r.agents} agent${r.agents === 1 ? '' : 's'}${r.needs > 0 ? `, ${r.needs} need you` : ''}${awayText(r.machine, props.unreachable)}`,
            width,
          ),
        )
      : keptAgentColumns(r.agent as AgentView, {
          width,
          selected: r.agent.id === props.selected,
          color,
          now: props.now,
          conflicts: props.conflicts.get(r.agent.id),
          name: r.team ? teamName(r.agent.name, r.team) : undefined,
        }),
  );
  if (rows.length === 0 || cols === null) {
    const lines = shown.map((c) => c.left + c.age + c.right);
    if (rows.length === 0) {
      lines.push(
        props.loaded
          ? 'No agents. Press n to start one, or run `wtp new claude` in a shell.'
          : 'Loading agents…',
      );
    }
    return <TextRows lines={lines} top={0} width={width} height={height} />;
  }
  // Three text nodes side by side: once a second only the ages change, and only their node is
  // measured and drawn again (a row's text as a whole would be rebuilt for every row).
  return (
    <Box flexDirection="row" width={width} height={height}>
      <TextRows lines={shown.map((c) => c.left)} top={0} width={cols.left} height={height} />
      <TextRows lines={shown.map((c) => c.age)} top={0} width={cols.age} height={height} />
      <TextRows lines={shown.map((c) => c.right)} top={0} width={cols.right} height={height} />
    </Box>
  );
}

/** `  ✖ unreachable since 14:02:17` for a machine out of reach (its agents as last seen), else ''. */
function awayText(machine: string | null | undefined, away: ReadonlyMap<string, string> | undefined): string {
  const since = machine ? away?.get(machine) : undefined;
  return since === undefined ? '' : `  ✖ unreachable since ${new Date(since).toTimeString().slice(0, 8)}`;
}
