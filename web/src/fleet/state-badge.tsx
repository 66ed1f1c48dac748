import { Badge, Tooltip } from '@mantine/core';
import type { AgentView } from '../../../src/protocol/agent.js';
import { STATE_STYLE } from '../state-style.js';
import { evidence } from './evidence.js';
import { StateIcon } from '../state-icon.js';

/** The agent's state with its colour and icon; the evidence behind it on hover. */
export function StateBadge({ agent, now }: { agent: AgentView; now: number }) {
  // A state this page does not know (another machine's version): shown as it is named.
  const s = (Object.hasOwn(STATE_STYLE, agent.state) ? STATE_STYLE[agent.state] : undefined) ?? {
    color: 'gray',
    label: String(agent.state),
  };
  return (
    <Tooltip label={evidence(agent, now)} multiline maw={420} withArrow>
      <Badge
        color={s.color}
        variant="light"
        data-testid="state"
        data-state={agent.state}
        // Other badges beside it give way; the state is never cut.
        style={{ flexShrink: 0, overflow: 'visible' }}
        styles={{ label: { overflow: 'visible' } }}
      >
        <StateIcon state={agent.state} />
        {s.label}
        {agent.stateDetail?.stalled ? ' ?' : ''}
      </Badge>
    </Tooltip>
  );
}
