import { BarChart } from '@mantine/charts';
import { Alert, Group, ScrollArea, SegmentedControl, Skeleton, Stack, Table, Text } from '@mantine/core';
import { useState } from 'react';
import type { ReportDurations, TimeReport } from '../../../src/protocol/report.js';
import { client, errorText } from '../api.js';
import { STATE_STYLE } from '../state-style.js';
import { formatDuration } from './format.js';
import { useLiveLoad } from './use-live-load.js';
import { windowSince, type MetricsWindow } from './windows.js';

type Row = ReportDurations & { key: string; name: string; removed?: boolean };

const SERIES = [
  { name: 'workingMs', label: 'working', color: `${STATE_STYLE.working.color}.6` },
  { name: 'waitingMs', label: 'waiting for you', color: `${STATE_STYLE.needs_permission.color}.6` },
  { name: 'idleMs', label: 'idle', color: `${STATE_STYLE.idle.color}.4` },
  { name: 'otherMs', label: 'running (activity unknown)', color: `${STATE_STYLE.running.color}.2` },
];
/** Bars drawn at most (the table lists every row). */
const MAX_BARS = 15;

function rowsOf(r: TimeReport, by: 'agent' | 'workspace'): Row[] {
  const rows: Row[] =
    by === 'agent'
      ? r.agents.map((a) => ({ ...a, key: a.id, name: a.name }))
      : r.workspaces.map((w) => ({ ...w, key: w.workspaceId, name: w.workspace }));
  return rows.sort(
    (a, b) => b.waitingMs - a.waitingMs || b.workingMs - a.workingMs || a.name.localeCompare(b.name),
  );
}

/**
 * Time waiting for a human over the window (`GET /api/v1/report`): working / waiting / idle per
 * agent or per workspace as bars, and the number of waits and the longest one in a table.
 */
export function WaitingReport({ win }: { win: MetricsWindow }) {
  const [by, setBy] = useState<'agent' | 'workspace'>('agent');
  const { data, error } = useLiveLoad(
    `report-${win.value}`,
    () => client.call('timeReport', { query: { since: windowSince(win) } }),
    { throttleMs: win.throttleMs },
  );
  if (error)
    return (
      <Alert color="red" title="Time waiting for you">
        {errorText(error)}
      </Alert>
    );
  if (!data) return <Skeleton h={200} />;
  const rows = rowsOf(data, by);
  const bars = rows.slice(0, MAX_BARS);
  return (
    <Stack gap="sm" data-testid="waiting-report">
      <Group justify="space-between">
        <Text size="sm">
          Waiting for you: <b>{formatDuration(data.totals.waitingMs)}</b> in {data.totals.waits} waits
          {data.totals.waits > 0 ? `, the longest ${formatDuration(data.totals.longestWaitMs)}` : ''}
        </Text>
        <SegmentedControl
          size="xs"
          value={by}
          onChange={(v) => setBy(v === 'workspace' ? 'workspace' : 'agent')}
          data={[
            { value: 'agent', label: 'Per agent' },
            { value: 'workspace', label: 'Per workspace' },
          ]}
          data-testid="waiting-by"
        />
      </Group>
      {rows.length === 0 ? (
        <Text c="dimmed" size="sm">
          No agent time in this window.
        </Text>
      ) : (
        <>
          <BarChart
            h={60 + bars.length * 32}
            data={bars}
            dataKey="name"
            type="stacked"
            orientation="vertical"
            withLegend
            series={SERIES}
            valueFormatter={formatDuration}
            yAxisProps={{ width: 110, interval: 0 }}
            gridAxis="y"
          />
          {rows.length > bars.length ? (
            <Text size="xs" c="dimmed">
              The {MAX_BARS} that waited longest are drawn; the table lists all {rows.length}.
            </Text>
          ) : null}
          <WaitTable rows={rows} by={by} />
        </>
      )}
    </Stack>
  );
}

function WaitTable({ rows, by }: { rows: Row[]; by: 'agent' | 'workspace' }) {
  return (
    <ScrollArea>
      <Table striped verticalSpacing={4} fz="sm" miw={640}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{by === 'agent' ? 'Agent' : 'Workspace'}</Table.Th>
            <Table.Th ta="right">Working</Table.Th>
            <Table.Th ta="right">Waiting for you</Table.Th>
            <Table.Th ta="right">Idle</Table.Th>
            <Table.Th ta="right">Running</Table.Th>
            <Table.Th ta="right">Waits</Table.Th>
            <Table.Th ta="right">Longest wait</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((r) => (
            <Table.Tr
              key={r.key}
              data-testid="wait-row"
              data-by={by}
              data-name={r.name}
              data-waits={r.waits}
              data-waiting-ms={r.waitingMs}
            >
              <Table.Td fw={600}>
                {r.name}
                {r.removed ? (
                  <Text span c="dimmed" size="xs">
                    {' '}
                    (removed)
                  </Text>
                ) : null}
              </Table.Td>
              <Table.Td ta="right">{formatDuration(r.workingMs)}</Table.Td>
              <Table.Td ta="right">{formatDuration(r.waitingMs)}</Table.Td>
              <Table.Td ta="right">{formatDuration(r.idleMs)}</Table.Td>
              <Table.Td ta="right">{formatDuration(r.otherMs)}</Table.Td>
              <Table.Td ta="right">{r.waits}</Table.Td>
              <Table.Td ta="right">{r.waits > 0 ? formatDuration(r.longestWaitMs) : '–'}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </ScrollArea>
  );
}
