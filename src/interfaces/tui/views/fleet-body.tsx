import { Box, Text } from 'ink';
import type { AgentView } from '../../../protocol/agent.js';
import { paint } from '../../cli/format.js';
import type { FleetRow } from '../fleet-rows.js';
import type { TuiStore } from '../tui-store.js';
import { AgentList } from './agent-list.js';
import { PreviewPane } from './preview-pane.js';

/** The agents tab: the list, and the selected agent's screen beside it (or under it when narrow). */
export function FleetBody(props: {
  store: TuiStore;
  rows: readonly FleetRow[];
  selected: AgentView | undefined;
  size: {
    width: number;
    bodyH: number;
    side: boolean;
    listW: number;
    listH: number;
    previewW: number;
    previewH: number;
  };
  color: boolean;
  now: number;
  onMaxScroll: (max: number) => void;
}) {
  const { store, rows, selected, color, now } = props;
  const { bodyH, side, listW, listH, previewW, previewH } = props.size;
  const listView = (
    <AgentList
      rows={rows}
      selected={selected?.id ?? null}
      conflicts={store.conflicts}
      unreachable={store.unreachable}
      width={listW}
      height={listH}
      color={color}
      now={now}
      loaded={store.agents.loaded}
    />
  );
  const preview = (
    <PreviewPane
      client={store.client}
      agent={selected}
      width={previewW}
      height={previewH}
      color={color}
      scroll={store.scroll}
      onMaxScroll={props.onMaxScroll}
      machine={store.machine}
    />
  );
  return side ? (
    <Box flexDirection="row" height={bodyH}>
      {listView}
      <Box width={1} height={bodyH} flexDirection="column">
        <Text>{Array.from({ length: bodyH }, () => paint(color, 'gray', '│')).join('\n')}</Text>
      </Box>
      {preview}
    </Box>
  ) : (
    <Box flexDirection="column" height={bodyH}>
      {listView}
      {preview}
    </Box>
  );
}
