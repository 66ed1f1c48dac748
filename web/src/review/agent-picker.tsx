import { Badge, Card, Group, Select, SimpleGrid, Text } from '@mantine/core';
import type { AgentView } from '../../../src/protocol/agent.js';
import { go } from '../route.js';
import { STATE_STYLE } from '../state-style.js';
import { DiffStat, diffStatText } from './diff-stat.js';
import { StateIcon } from '../state-icon.js';

/** Agents that have work to review: those with a git worktree. */
export const reviewable = (agents: AgentView[]): AgentView[] => agents.filter((a) => a.worktree !== null);

/** Picks the agent to review (`#/review/<agent>`), with its diff stat. */
export function AgentPicker({ agents, selected }: { agents: AgentView[]; selected: AgentView | null }) {
  const list = reviewable(agents);
  return (
    <Select
      data-testid="review-picker"
      placeholder={list.length === 0 ? 'No agent works in a git worktree' : 'Choose an agent to review'}
      searchable
      value={selected?.id ?? null}
      onChange={(id) => {
        const a = list.find((x) => x.id === id);
        if (a) go('review', a.name);
      }}
      data={list.map((a) => ({
        value: a.id,
        label: `${a.name}${a.diffStat ? ` — ${diffStatText(a.diffStat)}` : ''}`,
      }))}
      maw={420}
      w="100%"
    />
  );
}

/** Every reviewable agent as a card (when none is chosen yet). */
export function AgentCards({ agents }: { agents: AgentView[] }) {
  const list = reviewable(agents);
  if (list.length === 0) {
    return (
      <Text c="dimmed">
        No agent works in a git worktree: start one in a repository (`wtp new claude --repo .`) to review its
        work here.
      </Text>
    );
  }
  return (
    <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} spacing="sm">
      {list.map((a) => {
        const s = STATE_STYLE[a.state];
        return (
          <Card
            key={a.id}
            withBorder
            padding="sm"
            style={{ cursor: 'pointer' }}
            onClick={() => go('review', a.name)}
            data-testid="review-agent"
            data-agent={a.name}
          >
            <Group justify="space-between" wrap="nowrap">
              <Text fw={600}>{a.name}</Text>
              <Badge color={s.color} variant="light">
                <StateIcon state={a.state} />
                {s.label}
              </Badge>
            </Group>
            <Group justify="space-between" wrap="nowrap">
              <Text size="sm" c="dimmed" truncate>
                {a.worktree?.branch ?? 'in the repository'} ← {a.worktree?.base}
              </Text>
              <DiffStat agent={a} />
            </Group>
          </Card>
        );
      })}
    </SimpleGrid>
  );
}
