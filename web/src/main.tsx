import '@mantine/core/styles.css';
import { Alert, AppShell, Badge, Group, MantineProvider, Tabs, Title } from '@mantine/core';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ApiError } from './api.js';
import { Fleet } from './fleet.js';
import { Inbox, needingYou } from './inbox.js';
import { useNow } from './use-now.js';
import { useFleet } from './use-fleet.js';

const STATUS_COLOR = { connecting: 'gray', live: 'green', reconnecting: 'orange' } as const;

function App() {
  const fleet = useFleet();
  const now = useNow();
  const waiting = needingYou(fleet.agents).length;
  const unauthorized = fleet.error instanceof ApiError && fleet.error.status === 401;
  return (
    <AppShell header={{ height: 52 }} padding="md">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between">
          <Title order={4}>wezterm-parallel</Title>
          <Badge color={STATUS_COLOR[fleet.status]} variant="dot" data-testid="stream-status">
            {fleet.status}
          </Badge>
        </Group>
      </AppShell.Header>
      <AppShell.Main>
        {fleet.error ? (
          <Alert
            color="red"
            title={unauthorized ? 'Not signed in' : 'The daemon answered with an error'}
            mb="md"
          >
            {unauthorized
              ? 'This page needs the one-time link of `wtp dashboard` (the session may have expired or the daemon restarted).'
              : fleet.error.message}
          </Alert>
        ) : null}
        <Tabs defaultValue="fleet" keepMounted={false}>
          <Tabs.List mb="md">
            <Tabs.Tab value="fleet" data-testid="tab-fleet">
              Fleet ({fleet.agents.length})
            </Tabs.Tab>
            <Tabs.Tab
              value="inbox"
              data-testid="tab-inbox"
              rightSection={
                waiting > 0 ? (
                  <Badge color="orange" size="sm" circle data-testid="inbox-count">
                    {waiting}
                  </Badge>
                ) : null
              }
            >
              Inbox
            </Tabs.Tab>
          </Tabs.List>
          <Tabs.Panel value="fleet">
            <Fleet agents={fleet.agents} />
          </Tabs.Panel>
          <Tabs.Panel value="inbox">
            <Inbox agents={fleet.agents} now={now} />
          </Tabs.Panel>
        </Tabs>
      </AppShell.Main>
    </AppShell>
  );
}

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <MantineProvider defaultColorScheme="auto">
        <App />
      </MantineProvider>
    </StrictMode>,
  );
}
