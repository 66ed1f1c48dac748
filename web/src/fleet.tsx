import { Badge, Card, Group, ScrollArea, Stack, Table, Text, Tooltip } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import type { AgentView } from '../../src/protocol/agent.js';
import { STATE_STYLE, ago } from './state-style.js';
import { useNow } from './use-now.js';

/** "hook Notification permission_prompt 12 s ago": what the state rests on. */
function evidence(a: AgentView, now: number): string {
  const d = a.stateDetail;
  const what = [d.source, d.evidence ?? d.reason].filter(Boolean).join(' ');
  const when = d.signalAt ? ` ${ago(d.signalAt, now)} ago` : '';
  const extra = [d.stalled ? 'stalled?' : '', d.resetsAt ? `resets ${d.resetsAt}` : '', d.message ?? '']
    .filter(Boolean)
    .join(' · ');
  return `${what}${when}${extra ? ` — ${extra}` : ''}`;
}

function StateBadge({ agent, now }: { agent: AgentView; now: number }) {
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

/** Every agent across workspaces: a table on wide screens, cards on a phone. */
export function Fleet({ agents }: { agents: AgentView[] }) {
  const now = useNow();
  const narrow = useMediaQuery('(max-width: 640px)');
  if (agents.length === 0) {
    return <Text c="dimmed">No agents yet: start one with `wtp new claude` or add a task.</Text>;
  }
  if (narrow) {
    return (
      <Stack gap="xs">
        {agents.map((a) => (
          <Card key={a.id} withBorder padding="sm" data-testid="agent" data-agent={a.name}>
            <Group justify="space-between">
              <Text fw={600}>{a.name}</Text>
              <StateBadge agent={a} now={now} />
            </Group>
            <Text size="sm" c="dimmed">
              {a.workspace} · {a.profile} · {ago(a.stateSince, now)}
              {a.worktree?.branch ? ` · ${a.worktree.branch}` : ''}
            </Text>
          </Card>
        ))}
      </Stack>
    );
  }
  return (
    <ScrollArea>
      <Table striped highlightOnHover verticalSpacing="xs">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Agent</Table.Th>
            <Table.Th>Workspace</Table.Th>
            <Table.Th>Profile</Table.Th>
            <Table.Th>State</Table.Th>
            <Table.Th>Since</Table.Th>
            <Table.Th>Why</Table.Th>
            <Table.Th>Branch</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {agents.map((a) => (
            <Table.Tr key={a.id} data-testid="agent" data-agent={a.name}>
              <Table.Td fw={600}>{a.name}</Table.Td>
              <Table.Td>{a.workspace}</Table.Td>
              <Table.Td>{a.profile}</Table.Td>
              <Table.Td>
                <StateBadge agent={a} now={now} />
              </Table.Td>
              <Table.Td>{ago(a.stateSince, now)}</Table.Td>
              <Table.Td>
                <Text size="sm" c="dimmed" lineClamp={1} data-testid="evidence">
                  {evidence(a, now)}
                </Text>
              </Table.Td>
              <Table.Td>{a.worktree?.branch ?? '—'}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </ScrollArea>
  );
}
