import { Badge, Button, Card, Code, Group, Stack, Text } from '@mantine/core';
import type { AgentView } from '../../src/protocol/agent.js';
import { askOf } from './inbox-words.js';
import { go } from './route.js';
import { STATE_STYLE, ago } from './state-style.js';

/** States in which an agent waits for a human (a usage limit is needs_input with its reason). */
const NEEDS_YOU = new Set<AgentView['state']>(['needs_permission', 'needs_input', 'crashed']);

/** The agents that need the user, oldest first. */
export function needingYou(agents: AgentView[]): AgentView[] {
  return agents
    .filter((a) => NEEDS_YOU.has(a.state))
    .sort((a, b) => Date.parse(a.stateSince) - Date.parse(b.stateSince) || a.name.localeCompare(b.name));
}

/** The inbox: what needs you, oldest first, with how long it has waited. */
export function Inbox({ agents, now }: { agents: AgentView[]; now: number }) {
  const waiting = needingYou(agents);
  if (waiting.length === 0) return <Text c="dimmed">Nothing needs you.</Text>;
  return (
    <Stack gap="xs">
      {waiting.map((a) => {
        const s = STATE_STYLE[a.state];
        const ask = askOf(a);
        return (
          <Card key={a.id} withBorder padding="sm" data-testid="inbox-item" data-agent={a.name}>
            <Group justify="space-between" wrap="nowrap">
              <Text fw={600}>
                {a.workspace}/{a.name}
              </Text>
              <Badge color={s.color} variant="light" data-state={a.state}>
                {s.icon} {s.label}
              </Badge>
            </Group>
            <Text size="sm" data-testid="inbox-ask">
              {ask.text}
            </Text>
            {ask.about !== undefined ? (
              <Code block data-testid="inbox-about">
                {ask.about}
              </Code>
            ) : null}
            <Group justify="space-between" wrap="wrap" gap="xs">
              <Text size="sm" c="dimmed">
                waiting {ago(a.stateSince, now)}
                {a.state === 'crashed' ? (
                  <>
                    {' '}
                    · then <Code>wtp restart {a.name}</Code>
                  </>
                ) : null}
              </Text>
              <Button
                size="compact-sm"
                variant={a.state === 'crashed' ? 'default' : 'filled'}
                onClick={() => go('terminal', a.name)}
                data-testid="open-terminal"
              >
                {a.state === 'crashed'
                  ? 'Show its last output'
                  : a.state === 'needs_permission'
                    ? 'Answer in its terminal'
                    : 'Open its terminal'}
              </Button>
            </Group>
          </Card>
        );
      })}
    </Stack>
  );
}
