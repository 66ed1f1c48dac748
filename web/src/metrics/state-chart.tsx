import { AreaChart } from '@mantine/charts';
import { Alert, Skeleton, Stack, Text } from '@mantine/core';
import type { AgentState } from '../../../src/protocol/agent.js';
import type { StateTimeline } from '../../../src/protocol/metrics.js';
import { client, errorText } from '../api.js';
import { STATE_STYLE } from '../state-style.js';
import { formatDuration, formatTime, timeAxis, timeAxisProps } from './format.js';
import { useLiveLoad } from './use-live-load.js';
import { windowSince, type MetricsWindow } from './windows.js';

/** Shades that keep the two grey states (starting, exited) apart. */
const SHADE: Partial<Record<AgentState, string>> = { starting: 'gray.4', exited: 'gray.7' };
const colorOf = (s: AgentState): string => SHADE[s] ?? `${STATE_STYLE[s].color}.6`;

/**
 * Chart rows from the bucket before the first with an agent in it (the empty time before says
 * nothing), drawn as steps: each bucket's value holds until the next, and a closing row at the
 * end of the window gives the last bucket its width.
 */
function rows(timeline: StateTimeline): Record<string, number>[] {
  const first = timeline.points.findIndex((p) => Object.values(p.counts).some((n) => n > 0));
  const last = timeline.points.at(-1);
  if (first < 0 || !last) return [];
  const out = timeline.points.slice(Math.max(0, first - 1)).map((p) => ({ t: p.t, ...p.counts }));
  out.push({ t: Date.parse(timeline.until), ...last.counts });
  return out;
}

/**
 * Agents by state over the window: a stacked area of the average number of agents in each state
 * per bucket (`GET /api/v1/report/states`), reloaded when agents change state.
 */
export function StateChart({ win }: { win: MetricsWindow }) {
  // Reloaded at least once a bucket: the last bucket fills as time passes, events or not.
  const { data, error } = useLiveLoad(
    `states-${win.value}`,
    () => client.call('stateTimeline', { query: { since: windowSince(win), buckets: win.buckets } }),
    { everyMs: Math.max(5_000, win.ms / win.buckets), throttleMs: win.throttleMs },
  );
  if (error)
    return (
      <Alert color="red" title="Agents by state">
        {errorText(error)}
      </Alert>
    );
  if (!data) return <Skeleton h={260} />;
  const chartRows = rows(data);
  const present = data.states.filter((s) => data.points.some((p) => p.counts[s] > 0));
  const last = data.points.at(-1);
  const axis = timeAxis(chartRows[0]?.['t'] ?? 0, chartRows.at(-1)?.['t'] ?? 0, 6, data.bucketMs);
  return (
    <Stack
      gap="xs"
      data-testid="state-chart"
      data-points={chartRows.length}
      data-bucket-ms={data.bucketMs}
      data-last={JSON.stringify(last?.counts ?? {})}
    >
      {chartRows.length === 0 ? (
        <Text c="dimmed" size="sm">
          No agents in this window.
        </Text>
      ) : (
        <AreaChart
          h={260}
          data={chartRows}
          dataKey="t"
          type="stacked"
          curveType="stepAfter"
          withDots={false}
          withLegend
          legendProps={{ verticalAlign: 'bottom' }}
          fillOpacity={0.6}
          strokeWidth={1}
          series={present.map((s) => ({ name: s, label: STATE_STYLE[s].label, color: colorOf(s) }))}
          xAxisProps={timeAxisProps(axis)}
          valueFormatter={(n) => (Math.round(n * 10) / 10).toString()}
          tooltipProps={{ labelFormatter: (t) => formatTime(Number(t), data.bucketMs, win.ms > 86_400_000) }}
        />
      )}
      <Text size="xs" c="dimmed">
        Average number of agents in each state per {formatDuration(data.bucketMs)}; exited and crashed agents
        count until they are removed.
      </Text>
    </Stack>
  );
}
