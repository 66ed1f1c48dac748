import { BarChart } from '@mantine/charts';
import { Alert, SegmentedControl, Skeleton, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import type { CostSeries } from '../../../src/protocol/usage.js';
import { usd } from '../../../src/protocol/usage-words.js';
import { client, errorText } from '../api.js';
import { formatTime, timeAxis, timeAxisProps } from './format.js';
import { useLiveLoad } from './use-live-load.js';
import { windowSince, type MetricsWindow } from './windows.js';

const HOUR = 3_600_000;
const COLORS = ['teal.6', 'blue.6', 'grape.6', 'orange.6', 'cyan.6', 'pink.6', 'lime.6', 'indigo.6'];
type By = 'workspace' | 'vendor' | 'model';

/** Hourly rows with one column per workspace, vendor or model. */
function rows(series: CostSeries, by: By): { rows: Record<string, number>[]; keys: string[] } {
  const keys = [...new Set(series.points.map((p) => p[by]))].sort();
  const byHour = new Map<number, Record<string, number>>();
  for (const p of series.points) {
    const t = Date.parse(p.at);
    const row = byHour.get(t) ?? { t };
    row[p[by]] = (row[p[by]] ?? 0) + p.costUsd;
    byHour.set(t, row);
  }
  return { rows: [...byHour.values()].sort((a, b) => (a['t'] ?? 0) - (b['t'] ?? 0)), keys };
}

/**
 * Spend over time: dollars per hour by workspace, vendor or model, from the agents' own
 * usage records priced with the price table (`GET /api/v1/report/cost/series`). Models without a
 * price add nothing here: their tokens are in `wtp report --cost`.
 */
export function CostChart({ win }: { win: MetricsWindow }) {
  const [by, setBy] = useState<By>('workspace');
  const { data, error } = useLiveLoad(
    `cost-${win.value}`,
    () => client.call('costSeries', { query: { since: windowSince(win) } }),
    { everyMs: 15_000, throttleMs: win.throttleMs },
  );
  if (error)
    return (
      <Alert color="red" title="Spend">
        {errorText(error)}
      </Alert>
    );
  if (!data) return <Skeleton h={220} />;
  const { rows: chartRows, keys } = rows(data, by);
  const total = data.points.reduce((n, p) => n + p.costUsd, 0);
  const axis = timeAxis(chartRows[0]?.['t'] ?? 0, chartRows.at(-1)?.['t'] ?? 0, 6, HOUR);
  return (
    <Stack gap="xs" data-testid="cost-chart" data-total={total.toFixed(6)} data-hours={chartRows.length}>
      <SegmentedControl
        size="xs"
        value={by}
        onChange={(v) => setBy(v as By)}
        data={[
          { value: 'workspace', label: 'Workspace' },
          { value: 'vendor', label: 'Vendor' },
          { value: 'model', label: 'Model' },
        ]}
        data-testid="cost-by"
      />
      {chartRows.length === 0 ? (
        <Text c="dimmed" size="sm">
          No usage counted in this window.
        </Text>
      ) : (
        <BarChart
          h={220}
          data={chartRows}
          dataKey="t"
          type="stacked"
          withLegend
          legendProps={{ verticalAlign: 'bottom' }}
          series={keys.map((k, i) => ({ name: k, color: COLORS[i % COLORS.length] ?? 'gray.6' }))}
          xAxisProps={timeAxisProps(axis)}
          valueFormatter={(n) => usd(n)}
          tooltipProps={{ labelFormatter: (t) => formatTime(Number(t), HOUR, win.ms > 86_400_000) }}
        />
      )}
      <Text size="xs" c="dimmed">
        {usd(total)} in this window, per hour; `wtp report --cost` has the tokens and the models without a
        price.
      </Text>
    </Stack>
  );
}
