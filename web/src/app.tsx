import { Alert, AppShell, Badge, Code, Group, Loader, Stack, Tabs, Text, Title } from '@mantine/core';
import { lazy, Suspense, useState, type ReactNode } from 'react';
import { isUnauthorized } from './api.js';
import { EventHubProvider, useStreamStatus } from './event-hub.js';
import { Fleet } from './fleet/fleet.js';
import { Inbox, needingYou } from './inbox.js';
import { RenderGuard } from './render-guard.js';
import { go, useRoute, VIEWS, type View } from './route.js';
import { useFleet } from './use-fleet.js';
import { useNow } from './use-now.js';

// The heavier views (xterm.js, the diff viewer, the charts) load when first opened: the fleet's
// first load does not wait for them.
const TerminalView = lazy(() =>
  import('./terminal/terminal-view.js').then((m) => ({ default: m.TerminalView })),
);
const TaskBoard = lazy(() => import('./tasks/task-board.js').then((m) => ({ default: m.TaskBoard })));
const Review = lazy(() => import('./review/review.js').then((m) => ({ default: m.Review })));
const Metrics = lazy(() => import('./metrics/metrics.js').then((m) => ({ default: m.Metrics })));

/** A view loaded when first opened; one that cannot be drawn says so in its place. */
function Lazy({ children }: { children: ReactNode }) {
  return (
    <RenderGuard kind="view" what="this view">
      <Suspense fallback={<Loader size="sm" />}>{children}</Suspense>
    </RenderGuard>
  );
}

const STATUS_COLOR = {
  connecting: 'gray',
  live: 'green',
  reconnecting: 'orange',
  signed_out: 'red',
} as const;
const STATUS_LABEL = {
  connecting: 'connecting',
  live: 'live',
  reconnecting: 'reconnecting',
  signed_out: 'signed out',
} as const;
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
  const signedOut = status === 'signed_out' || isUnauthorized(error);
  const shown = signedOut ? 'signed_out' : status;
  return (
    <AppShell header={{ height: 52 }} padding="md">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between">
          <Title order={4}>wezterm-parallel</Title>
          <Badge color={STATUS_COLOR[shown]} variant="dot" data-testid="stream-status">
            {STATUS_LABEL[shown]}
          </Badge>
        </Group>
      </AppShell.Header>
      <AppShell.Main>
        {signedOut ? <SignedOut /> : null}
        {error && !signedOut ? (
          <Alert color="red" title="The daemon answered with an error" mb="md">
            {error.message}
          </Alert>
        ) : null}
        {signedOut ? null : (
          <Tabs value={route.view} onChange={(v) => v && go(v as View)} keepMounted={false}>
            <Tabs.List mb="md" style={{ flexWrap: 'nowrap', overflowX: 'auto', overflowY: 'hidden' }}>
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
              <RenderGuard kind="view" what="the Fleet view">
                <Fleet agents={fleet.agents} loaded={fleet.loaded} />
              </RenderGuard>
            </Tabs.Panel>
            <Tabs.Panel value="inbox">
              <RenderGuard kind="view" what="the Inbox">
                <Inbox agents={fleet.agents} now={now} />
              </RenderGuard>
            </Tabs.Panel>
            <Tabs.Panel value="terminal">
              <Lazy>
                <TerminalView agents={fleet.agents} selected={route.arg} />
              </Lazy>
            </Tabs.Panel>
            <Tabs.Panel value="tasks">
              <Lazy>
                <TaskBoard agents={fleet.agents} selected={route.arg} />
              </Lazy>
            </Tabs.Panel>
            <Tabs.Panel value="review">
              <Lazy>
                <Review agents={fleet.agents} selected={route.arg} />
              </Lazy>
            </Tabs.Panel>
            <Tabs.Panel value="metrics">
              <Lazy>
                <Metrics agents={fleet.agents} />
              </Lazy>
            </Tabs.Panel>
          </Tabs>
        )}
      </AppShell.Main>
    </AppShell>
  );
}

/**
 * The page has no session (never signed in, or it expired): how to get one. A session survives
 * daemon restarts, so a restart is never the reason given.
 */
function SignedOut() {
  return (
    <Alert color="gray" title="Not signed in" data-testid="signed-out">
      <Stack gap="xs">
        <Text size="sm">
          This dashboard opens with a one-time link from the daemon. In a terminal on this machine, run{' '}
          <Code>wtp dashboard</Code> to open a signed-in page in your browser, or{' '}
          <Code>wtp dashboard --print-url</Code> to print a link to open here (each link works once, for a
          minute).
        </Text>
        <Text size="sm" c="dimmed">
          A sign-in survives daemon restarts on the same port; sign in again once it has expired.
        </Text>
      </Stack>
    </Alert>
  );
}
