import { Badge, Group, Progress, Text, Tooltip } from '@mantine/core';
import type { AgentView } from '../../../src/protocol/agent.js';
import { contextBar, costWords, usageLines } from '../../../src/protocol/usage-words.js';

/**
 * What an agent cost: its money ("unknown" for a model without a price) with its tokens
 * and where they come from on hover; in its terminal's header also the context window's fill as a bar.
 */
export function CostBadge({ agent, detail = false }: { agent: AgentView; detail?: boolean }) {
  const u = agent.usage;
  if (!u) return null;
  const fill = u.context?.percent ?? null;
  return (
    <Group gap={6} wrap="nowrap" data-testid="agent-cost" data-cost={u.costUsd ?? 'unknown'}>
      <Tooltip
        label={usageLines(u).join('\n')}
        multiline
        maw={480}
        withArrow
        style={{ whiteSpace: 'pre-line' }}
      >
        <Badge color={u.costUsd === null ? 'gray' : 'teal'} variant="light" size="sm">
          {detail ? costWords(u) : `cost ${costWords(u)}`}
        </Badge>
      </Tooltip>
      {detail && u.context ? (
        <Tooltip
          label={`Context: ${contextBar(u.context)} (${u.context.used} tokens at the last request)`}
          withArrow
        >
          <Group gap={4} wrap="nowrap" data-testid="context-fill" data-percent={fill ?? 'unknown'}>
            <Text size="xs" c="dimmed">
              context
            </Text>
            {fill === null ? (
              <Text size="xs">{u.context.used} tokens</Text>
            ) : (
              <Progress
                value={Math.min(100, fill)}
                w={80}
                size="sm"
                color={fill > 80 ? 'red' : fill > 60 ? 'yellow' : 'blue'}
              />
            )}
          </Group>
        </Tooltip>
      ) : null}
    </Group>
  );
}
