import { Alert, AppShell, Badge, Group, Tabs, Title } from '@mantine/core';
import { useState } from 'react';
import { isUnauthorized } from './api.js';
import { EventHubProvider, useStreamStatus } from './event-hub.js';
import { Fleet } from './fleet/fleet.js';
import { Inbox, needingYou } from './inbox.js';
import { Metrics } from './metrics/metrics.js';
import { Review } from './review/review.js';
import { go, useRoute, VIEWS, type View } from './route.js';
import { TaskBoard } from './tasks/task-board.js';
import { TerminalView } from './terminal/terminal-view.js';
import { useFleet } from './use-fleet.js';
import { useNow } from './use-now.js';

const STATUS_COLOR = { connecting: 'gray', live: 'green', reconnecting: 'orange' } as const;
const TITLES: Record<View, string> = {
  fleet: 'Fleet',
  inbox: 'Inbox',
  terminal: 'Terminal',
  tasks: 'Tasks',
  review: 'Review',
  metrics: 'Metrics',
};

export function App() {
  const [error, setError] = useState<Error | null>(null);
  return (
    <EventHubProvider onError={setError}>
      <Shell hubError={error} />
    </EventHubProvider>
  );
}

function Shell({ hubError }: { hubError: Error | null }) {
  const fleet = useFleet();
  const status = useStreamStatus();
  const route = useRoute();
  const now = useNow();
  const waiting = needingYou(fleet.agents).length;
  const error = hubError ?? fleet.error;
  const unauthorized = isUnauthorized(error);
  return (
    <AppShell header={{ height: 52 }} padding="md">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between">
          <Title order={4}>wezterm-parallel</Title>
          <Badge color={STATUS_COLOR[status]} variant="dot" data-testid="stream-status">
            {status}
          </Badge>
        </Group>
      </AppShell.Header>
      <AppShell.Main>
        {error ? (
          <Alert
            color="red"
            title={unauthorized ? 'Not signed in' : 'The daemon answered with an error'}
            mb="md"
          >
            {unauthorized
              ? 'This page needs the one-time link of `wtp dashboard` (the session may have expired or the daemon restarted).'
              : error.message}
          </Alert>
        ) : null}
        <Tabs value={route.view} onChange={(v) => v && go(v as View)} keepMounted={false}>
          <Tabs.List mb="md">
            {VIEWS.map((v) => (
              <Tabs.Tab
                key={v}
                value={v}
                data-testid={`tab-${v}`}
                rightSection={
                  v === 'inbox' && waiting > 0 ? (
                    <Badge color="orange" size="sm" circle data-testid="inbox-count">
                      {waiting}
                    </Badge>
                  ) : null
                }
              >
                {v === 'fleet' ? `Fleet (${fleet.agents.length})` : TITLES[v]}
              </Tabs.Tab>
            ))}
          </Tabs.List>
          <Tabs.Panel value="fleet">
            <Fleet agents={fleet.agents} loaded={fleet.loaded} />
          </Tabs.Panel>
          <Tabs.Panel value="inbox">
            <Inbox agents={fleet.agents} now={now} />
          </Tabs.Panel>
          <Tabs.Panel value="terminal">
            <TerminalView agents={fleet.agents} selected={route.arg} />
          </Tabs.Panel>
          <Tabs.Panel value="tasks">
            <TaskBoard agents={fleet.agents} selected={route.arg} />
          </Tabs.Panel>
          <Tabs.Panel value="review">
            <Review agents={fleet.agents} selected={route.arg} />
          </Tabs.Panel>
          <Tabs.Panel value="metrics">
            <Metrics agents={fleet.agents} />
          </Tabs.Panel>
        </Tabs>
      </AppShell.Main>
    </AppShell>
  );
}
