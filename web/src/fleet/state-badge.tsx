import { Badge, Tooltip } from '@mantine/core';
import type { AgentView } from '../../../src/protocol/agent.js';
import { STATE_STYLE } from '../state-style.js';
import { evidence } from './evidence.js';

/** The agent's state with its colour and icon; the evidence behind it on hover. */
export function StateBadge({ agent, now }: { agent: AgentView; now: number }) {
  const s = STATE_STYLE[agent.state];
  return (
    <Tooltip label={evidence(agent, now)} multiline maw={420} withArrow>
      <Badge color={s.color} variant="light" data-testid="state" data-state={agent.state}>
        {s.icon} {s.label}
        {agent.stateDetail.stalled ? ' ?' : ''}
      </Badge>
    </Tooltip>
  );
}
