import { Group, Text } from '@mantine/core';
import { memo } from 'react';
import { formatBytes, formatPercent } from './format.js';
import type { Sample } from './stats-store.js';

const W = 64;
const H = 18;
const COLOR = { cpu: 'var(--mantine-color-blue-6)', rss: 'var(--mantine-color-violet-6)' } as const;
/** The smallest top of the CPU scale, so an idle agent's noise stays flat. */
const CPU_FLOOR = 10;

/** The polyline of the samples' metric, scaled to the box (time on x, 0 at the bottom). */
function points(samples: readonly Sample[], metric: 'cpu' | 'rss'): string {
  const value = (s: Sample): number => (metric === 'cpu' ? s.cpuPercent : s.rssBytes);
  const first = samples[0]?.t ?? 0;
  const span = Math.max(1, (samples.at(-1)?.t ?? 0) - first);
  let top = metric === 'cpu' ? CPU_FLOOR : 1;
  for (const s of samples) top = Math.max(top, value(s));
  return samples
    .map((s) => {
      const x = ((s.t - first) / span) * (W - 2) + 1;
      const y = H - 1 - (value(s) / top) * (H - 2);
      return `${x.toFixed(1)},${y.toFixed(1)}`;
    })
    .join(' ');
}

/**
 * A tiny curve of an agent's CPU or memory with the current values as text ("12 % · 310 MB").
 * Plain SVG, memoised on the samples array (the stats store replaces it only when it grew), so
 * a table of 100 agents re-renders cheaply every sampling interval.
 */
export const AgentSparkline = memo(function AgentSparkline({
  samples,
  metric,
}: {
  samples: readonly Sample[] | undefined;
  metric: 'cpu' | 'rss';
}) {
  const last = samples?.at(-1);
  if (!samples || !last) {
    return (
      <Text size="xs" c="dimmed" data-testid="sparkline" data-metric={metric}>
        –
      </Text>
    );
  }
  return (
    <Group
      gap={6}
      wrap="nowrap"
      data-testid="sparkline"
      data-metric={metric}
      data-cpu={last.cpuPercent}
      data-rss={last.rssBytes}
    >
      <svg width={W} height={H} viewBox={`0 0 ${W} ${H}`} aria-hidden="true">
        {samples.length > 1 ? (
          <polyline points={points(samples, metric)} fill="none" stroke={COLOR[metric]} strokeWidth={1.5} />
        ) : null}
      </svg>
      <Text size="xs" c="dimmed" style={{ whiteSpace: 'nowrap', fontVariantNumeric: 'tabular-nums' }}>
        {formatPercent(last.cpuPercent)} · {formatBytes(last.rssBytes)}
      </Text>
    </Group>
  );
});
