import '@mantine/charts/styles.css';
import { Card, Group, SegmentedControl, Stack, Text, Title } from '@mantine/core';
import { useState, type ReactNode } from 'react';
import type { AgentView } from '../../../src/protocol/agent.js';
import { ResourceCharts } from './resource-charts.js';
import { StateChart } from './state-chart.js';
import { CostChart } from './cost-chart.js';
import { WaitingReport } from './waiting-report.js';
import { WINDOWS, type MetricsWindow } from './windows.js';

function Section({
  title,
  hint,
  children,
  testId,
}: {
  title: string;
  hint: string;
  children: ReactNode;
  testId: string;
}) {
  return (
    <Card withBorder padding="md" data-testid={testId}>
      <Title order={5}>{title}</Title>
      <Text size="xs" c="dimmed" mb="sm">
        {hint}
      </Text>
      {children}
    </Card>
  );
}

/**
 * The Metrics view (`#/metrics`): agents by state over a window, time waiting for a human over
 * the same window, spend per hour, and the CPU and memory of each agent over the last minutes.
 */
export function Metrics({ agents }: { agents: AgentView[] }) {
  const [win, setWin] = useState<MetricsWindow>(WINDOWS[0]);
  return (
    <Stack gap="md">
      <Group justify="space-between">
        <Text size="sm" c="dimmed">
          Window of the state and waiting charts
        </Text>
        <SegmentedControl
          value={win.value}
          onChange={(v) => setWin(WINDOWS.find((w) => w.value === v) ?? WINDOWS[0])}
          data={WINDOWS.map((w) => ({ value: w.value, label: w.label }))}
          data-testid="metrics-window"
        />
      </Group>
      <Section title="Agents by state" hint={`The last ${win.label}, live`} testId="section-states">
        <StateChart win={win} />
      </Section>
      <Section
        title="Time waiting for you"
        hint={`Working, waiting for a human, idle and running (shells and commands, whose activity is unknown) over the last ${win.label}: the time report`}
        testId="section-waiting"
      >
        <WaitingReport win={win} />
      </Section>
      <Section
        title="Spend"
        hint={`Dollars per hour over the last ${win.label}, by workspace, vendor or model: the agents' own usage records, priced`}
        testId="section-cost"
      >
        <CostChart win={win} />
      </Section>
      <Section
        title="CPU and memory per agent"
        hint="Each agent's process tree, sampled by the daemon; the last samples it keeps"
        testId="section-resources"
      >
        <ResourceCharts agents={agents} />
      </Section>
    </Stack>
  );
}
