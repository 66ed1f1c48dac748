import { LineChart } from '@mantine/charts';
import { Alert, MultiSelect, ScrollArea, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { useState } from 'react';
import type { AgentView } from '../../../src/protocol/agent.js';
import { errorText } from '../api.js';
import { AgentSparkline } from './agent-sparkline.js';
import { formatBytes, formatPercent, formatTime, timeAxis, timeAxisProps } from './format.js';
import { useStatsState, type Sample } from './stats-store.js';

const PALETTE = [
  'blue.6',
  'red.6',
  'green.6',
  'violet.6',
  'orange.6',
  'cyan.6',
  'pink.6',
  'lime.7',
  'indigo.6',
  'yellow.7',
];
/** Agents drawn until the user picks others: the busiest by average CPU. */
const DEFAULT_COUNT = 5;

interface Summary {
  id: string;
  name: string;
  samples: Sample[];
  cpuAvg: number;
  cpuPeak: number;
  rssPeak: number;
}

function summarize(id: string, name: string, samples: Sample[]): Summary {
  let cpu = 0;
  let cpuPeak = 0;
  let rssPeak = 0;
  for (const s of samples) {
    cpu += s.cpuPercent;
    cpuPeak = Math.max(cpuPeak, s.cpuPercent);
    rssPeak = Math.max(rssPeak, s.rssBytes);
  }
  return { id, name, samples, cpuAvg: samples.length ? cpu / samples.length : 0, cpuPeak, rssPeak };
}

/** One row per sampling time, a column per drawn agent (`a0`, `a1`, …: ids may hold dots). */
function chartRows(drawn: Summary[], metric: 'cpu' | 'rss'): Record<string, number>[] {
  const byT = new Map<number, Record<string, number>>();
  drawn.forEach((a, i) => {
    for (const s of a.samples) {
      const row = byT.get(s.t) ?? { t: s.t };
      row[`a${i}`] = metric === 'cpu' ? s.cpuPercent : s.rssBytes;
      byT.set(s.t, row);
    }
  });
  return [...byT.values()].sort((x, y) => (x['t'] ?? 0) - (y['t'] ?? 0));
}

/**
 * CPU and resident memory per agent over the last minutes (the daemon's sample ring, polled every
 * sampling interval while the view is open): line charts of the chosen agents and a table of all.
 */
export function ResourceCharts({ agents }: { agents: AgentView[] }) {
  const stats = useStatsState();
  const narrow = useMediaQuery('(max-width: 640px)');
  const [chosen, setChosen] = useState<string[] | null>(null);
  const all = agents.flatMap((a) => {
    const samples = stats.samples.get(a.id);
    return samples && samples.length > 0 ? [summarize(a.id, a.name, samples)] : [];
  });
  const busiest = [...all].sort((a, b) => b.cpuAvg - a.cpuAvg || a.name.localeCompare(b.name));
  const selected = chosen ?? busiest.slice(0, DEFAULT_COUNT).map((a) => a.id);
  const drawn = busiest.filter((a) => selected.includes(a.id));
  const series = drawn.map((a, i) => ({
    name: `a${i}`,
    label: a.name,
    color: PALETTE[i % PALETTE.length] ?? 'blue.6',
  }));
  const from = Math.min(...drawn.map((a) => a.samples[0]?.t ?? Infinity));
  const to = Math.max(...drawn.map((a) => a.samples.at(-1)?.t ?? 0));
  const axis = timeAxis(from, to, 6, stats.intervalMs);
  const common = {
    h: 220,
    dataKey: 't',
    series,
    withDots: false,
    curveType: 'linear' as const,
    withLegend: true,
    legendProps: { verticalAlign: 'bottom' as const },
    xAxisProps: timeAxisProps(axis),
    tooltipProps: { labelFormatter: (t: unknown) => formatTime(Number(t), stats.intervalMs) },
  };
  return (
    <Stack gap="sm" data-testid="resources">
      {stats.error ? (
        <Alert color="red" title="CPU and memory">
          {errorText(stats.error)}
        </Alert>
      ) : null}
      {all.length === 0 ? (
        <Text c="dimmed" size="sm">
          No samples yet: agents are sampled every {Math.round(stats.intervalMs / 100) / 10} s while they run.
        </Text>
      ) : (
        <>
          <MultiSelect
            label="Agents drawn"
            data={busiest.map((a) => ({ value: a.id, label: a.name }))}
            value={selected}
            onChange={setChosen}
            searchable
            clearable
            maw={narrow ? undefined : 640}
            data-testid="resource-agents"
          />
          <SimpleGrid cols={narrow ? 1 : 2}>
            <div data-testid="cpu-chart">
              <Title order={6} mb={4}>
                CPU (% of one core)
              </Title>
              <LineChart {...common} data={chartRows(drawn, 'cpu')} valueFormatter={formatPercent} unit="" />
            </div>
            <div data-testid="rss-chart">
              <Title order={6} mb={4}>
                Memory (resident)
              </Title>
              <LineChart
                {...common}
                data={chartRows(drawn, 'rss')}
                valueFormatter={formatBytes}
                yAxisProps={{ width: 70 }}
              />
            </div>
          </SimpleGrid>
          <ResourceTable rows={busiest} />
        </>
      )}
    </Stack>
  );
}

function ResourceTable({ rows }: { rows: Summary[] }) {
  return (
    <ScrollArea>
      <Table striped verticalSpacing={4} fz="sm" miw={560}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Agent</Table.Th>
            <Table.Th>Now</Table.Th>
            <Table.Th ta="right">CPU average</Table.Th>
            <Table.Th ta="right">CPU peak</Table.Th>
            <Table.Th ta="right">Memory peak</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((r) => (
            <Table.Tr
              key={r.id}
              data-testid="resource-row"
              data-agent={r.name}
              data-cpu-avg={r.cpuAvg.toFixed(1)}
              data-rss-peak={r.rssPeak}
            >
              <Table.Td fw={600}>{r.name}</Table.Td>
              <Table.Td>
                <AgentSparkline samples={r.samples} metric="cpu" />
              </Table.Td>
              <Table.Td ta="right">{formatPercent(r.cpuAvg)}</Table.Td>
              <Table.Td ta="right">{formatPercent(r.cpuPeak)}</Table.Td>
              <Table.Td ta="right">{formatBytes(r.rssPeak)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </ScrollArea>
  );
}
