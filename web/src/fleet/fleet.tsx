import { Group, Loader, Stack, Text, TextInput } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { useWindowVirtualizer } from '@tanstack/react-virtual';
import { useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { AgentView } from '../../../src/protocol/agent.js';
import { RenderGuard } from '../render-guard.js';
import { useNow } from '../use-now.js';
import { useStatsHistory } from '../metrics/stats-store.js';
import { useRadarWarnings } from '../review/use-radar.js';
import { filterAgents } from './evidence.js';
import { teamName, teamRows } from '../../../src/protocol/team-tree.js';
import { useMachines } from './use-machines.js';
import { AgentCard, AgentRow, FLEET_COLUMNS, STATE_MIN_PX } from './fleet-row.js';

const ROW_HEIGHT = 52;
const CARD_HEIGHT = 124;

/**
 * Every agent across workspaces: rows on wide screens, cards on a phone. Virtualised against the
 * window's scroll, so a hundred agents cost the rows on screen, not a hundred rows.
 */
export function Fleet({ agents, loaded }: { agents: AgentView[]; loaded: boolean }) {
  const now = useNow();
  const narrow = useMediaQuery('(max-width: 640px)', undefined, { getInitialValueInEffect: false });
  const [query, setQuery] = useState('');
  const stats = useStatsHistory();
  const warnings = useRadarWarnings();
  const { machines, rows } = useMachines();
  // A machine is named only in a fleet of several (one machine alone needs no column).
  const machineOf = (a: AgentView) => (machines.size > 1 && a.machine ? machines.get(a.machine) : undefined);
  // A lead's workers under it: each row knows its place in the tree.
  const tree = useMemo(() => teamRows(filterAgents(agents, query)), [agents, query]);
  const shown = useMemo(() => tree.map((r) => r.agent), [tree]);
  const list = useRef<HTMLDivElement | null>(null);
  const [top, setTop] = useState(0);
  useLayoutEffect(() => setTop(list.current?.offsetTop ?? 0), [narrow, shown.length === 0]);
  const virtual = useWindowVirtualizer({
    scrollMargin: top,
    count: shown.length,
    estimateSize: () => (narrow ? CARD_HEIGHT : ROW_HEIGHT),
    overscan: 8,
    getItemKey: (i) => shown[i]?.id ?? i,
  });
  if (!loaded) return <Loader size="sm" data-testid="fleet-loading" />;
  if (agents.length === 0) {
    return <Text c="dimmed">No agents yet: start one with `wtp new claude` or add a task.</Text>;
  }
  const items = virtual.getVirtualItems();
  const offset = items[0]?.start ?? 0;
  return (
    <Stack gap="xs">
      <Group gap="sm">
        <TextInput
          placeholder="Filter: name, workspace, profile, state, branch"
          value={query}
          onChange={(e) => setQuery(e.currentTarget.value)}
          w={420}
          maw="100%"
          data-testid="fleet-filter"
        />
        {query ? (
          <Text size="sm" c="dimmed" data-testid="fleet-count">
            {shown.length} of {agents.length}
          </Text>
        ) : null}
      </Group>
      {narrow ? null : (
        <Group
          wrap="nowrap"
          gap={0}
          px="xs"
          style={{ borderBottom: '1px solid var(--mantine-color-default-border)' }}
        >
          {FLEET_COLUMNS.map((c, i) => (
            <Text
              key={c.title}
              fw={600}
              size="sm"
              style={{ flex: c.flex, minWidth: i === 3 ? STATE_MIN_PX : 0 }}
              {...(c.from === undefined ? {} : { visibleFrom: c.from })}
            >
              {c.title}
            </Text>
          ))}
        </Group>
      )}
      {rows && rows.skipped > 0 ? (
        <Text size="sm" c="red" data-testid="fleet-invalid-rows">
          {rows.skipped} invalid row(s) of the fleet database skipped (not shown): `wtp fleet` lists them
        </Text>
      ) : null}
      {shown.length === 0 ? <Text c="dimmed">No agent matches “{query}”.</Text> : null}
      <div
        ref={list}
        style={{ height: virtual.getTotalSize(), position: 'relative' }}
        data-testid="fleet-list"
      >
        <div style={{ transform: `translateY(${offset - top}px)` }}>
          {items.map((item) => {
            const a = shown[item.index];
            if (!a) return null;
            const place = tree[item.index];
            const shownName = place && place.depth > 0 ? teamName(a.name, place) : undefined;
            // One agent that cannot be drawn is a line saying so, never a blank page.
            return (
              <RenderGuard key={item.key} kind="row" what={`agent ${String(a.name)}`}>
                {narrow ? (
                  <AgentCard
                    agent={a}
                    now={now}
                    height={CARD_HEIGHT}
                    samples={stats.get(a.id)}
                    warning={warnings.get(a.id)}
                    machine={machineOf(a)}
                    shownName={shownName}
                  />
                ) : (
                  <AgentRow
                    agent={a}
                    now={now}
                    height={ROW_HEIGHT}
                    striped={item.index % 2 === 1}
                    samples={stats.get(a.id)}
                    warning={warnings.get(a.id)}
                    machine={machineOf(a)}
                    shownName={shownName}
                  />
                )}
              </RenderGuard>
            );
          })}
        </div>
      </div>
    </Stack>
  );
}
