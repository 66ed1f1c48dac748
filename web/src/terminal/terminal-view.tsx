import { Text } from '@mantine/core';
import type { AgentView } from '../../../src/protocol/agent.js';

/** Being built in this issue (#7); replaced before it closes. */
export function TerminalView(_props: { agents: AgentView[]; selected: string | null }) {
  return <Text c="dimmed">This view is being built.</Text>;
}
