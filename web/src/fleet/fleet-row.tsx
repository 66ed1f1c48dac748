import { ActionIcon, Badge, Box, Card, Group, Text, Tooltip } from '@mantine/core';
import type { ReactNode } from 'react';
import type { AgentView } from '../../../src/protocol/agent.js';
import type { FleetMachine } from '../../../src/protocol/fleet.js';
import { AnswerBar } from '../answer/answer-bar.js';
import { ANSWERABLE, current, useAgentAnswers } from '../answer/answer-store.js';
import { AgentSparkline } from '../metrics/agent-sparkline.js';
import type { Sample } from '../metrics/stats-store.js';
import { DiffStat } from '../review/diff-stat.js';
import { RadarWarning } from '../review/radar-warning.js';
import type { RadarWarningInfo } from '../review/radar-warnings.js';
import { go } from '../route.js';
import { ago } from '../state-style.js';
import { why } from './evidence.js';
import { PrBadge } from './pr-badge.js';
import { PermissionBadge } from './permission-badge.js';
import { CostBadge } from './cost-badge.js';
import { SandboxBadge } from './sandbox-badge.js';
import { StateBadge } from './state-badge.js';

/**
 * The columns of a fleet row: title, share of the width, and the Mantine breakpoint from which it
 * shows (narrower windows drop the least needed first; the state never gives way).
 */
export const FLEET_COLUMNS: readonly { title: string; flex: number; from?: 'sm' | 'md' | 'lg' }[] = [
  { title: 'Agent', flex: 1.1 },
  { title: 'Workspace', flex: 0.9, from: 'sm' },
  { title: 'Profile', flex: 0.6, from: 'md' },
  { title: 'State', flex: 1.6 },
  { title: 'Since', flex: 0.5, from: 'md' },
  { title: 'Why', flex: 2.2 },
  { title: 'Branch · changes · PR', flex: 2.2 },
  { title: 'CPU · memory · cost', flex: 1.5, from: 'lg' },
  { title: '', flex: 0.6 },
];

/** The widest state badge ("needs permission" with its icon) fits this cell whatever the window. */
export const STATE_MIN_PX = 170;

const cell = (i: number) => ({
  flex: FLEET_COLUMNS[i]?.flex ?? 1,
  minWidth: i === 3 ? STATE_MIN_PX : 0,
  ...(i === 3 ? { overflow: 'hidden' } : {}),
});

/** A column's cell, shown from its breakpoint on. */
function Col({ i, children }: { i: number; children: ReactNode }) {
  const from = FLEET_COLUMNS[i]?.from;
  return (
    <Box style={cell(i)} {...(from === undefined ? {} : { visibleFrom: from })}>
      {children}
    </Box>
  );
}

/** Open the agent's terminal, or its review when it has a worktree. */
function Actions({ agent }: { agent: AgentView }) {
  return (
    <Group gap={4} wrap="nowrap">
      <Tooltip label={`Terminal of ${agent.name}`}>
        <ActionIcon
          variant="subtle"
          aria-label={`Terminal of ${agent.name}`}
          onClick={() => go('terminal', agent.name)}
          data-testid="open-terminal"
        >
          ›_
        </ActionIcon>
      </Tooltip>
      {agent.worktree ? (
        <Tooltip label={`Review ${agent.name}’s changes`}>
          <ActionIcon
            variant="subtle"
            aria-label={`Review ${agent.name}`}
            onClick={() => go('review', agent.name)}
            data-testid="open-review"
          >
            ±
          </ActionIcon>
        </Tooltip>
      ) : null}
    </Group>
  );
}

interface RowProps {
  agent: AgentView;
  now: number;
  height: number;
  /** CPU and memory samples of the agent (the stats history). */
  samples: readonly Sample[] | undefined;
  /** The branches the agent's would conflict with (the conflict radar), if any. */
  warning: RadarWarningInfo | undefined;
  /** In a fleet of several machines: the agent's machine (its name shown; out of reach, marked). */
  machine?: FleetMachine | undefined;
  /** Its name as shown when not its own: a lead's worker, `└─ api`. */
  shownName?: string | undefined;
}

/** `bravo · default`, and `unreachable` (since its last heartbeat) for a machine out of reach. */
function Place({ agent, machine }: { agent: AgentView; machine: FleetMachine | undefined }) {
  return (
    <Group gap={4} wrap="nowrap" style={{ minWidth: 0 }}>
      <Text size="sm" truncate data-testid="agent-place">
        {machine ? `${machine.name} · ${agent.workspace}` : agent.workspace}
      </Text>
      {machine && !machine.reachable ? (
        <Tooltip
          label={`No heartbeat since ${new Date(machine.unreachableSince ?? machine.heartbeatAt).toLocaleString()}: its agents as last seen`}
        >
          <Badge color="red" variant="light" size="xs" data-testid="machine-unreachable">
            unreachable
          </Badge>
        </Tooltip>
      ) : null}
    </Group>
  );
}

/** Whether the agent waits for an answer the page can give, or has the outcome of one to show. */
function useAnswerShown(a: AgentView): boolean {
  const { outcome } = useAgentAnswers(a.id);
  return ANSWERABLE.has(a.state) || current(outcome, a) !== undefined;
}

/** What the agent does or asks, in words; under it, the answer buttons when the agent waits for one. */
function Why({ agent, now }: { agent: AgentView; now: number }) {
  const answering = useAnswerShown(agent);
  return (
    <div style={cell(5)}>
      <Text size="sm" c="dimmed" lineClamp={answering ? 1 : 2} data-testid="evidence">
        {why(agent, now)}
      </Text>
      {answering ? <AnswerBar agent={agent} compact /> : null}
    </div>
  );
}

/** One agent as a row of the fleet (laptop widths). */
export function AgentRow(p: RowProps & { striped: boolean }) {
  const a = p.agent;
  return (
    <Group
      wrap="nowrap"
      gap={0}
      px="xs"
      h={p.height}
      data-testid="agent"
      data-agent={a.name}
      style={{
        background: p.striped ? 'var(--mantine-color-default-hover)' : undefined,
        borderBottom: '1px solid var(--mantine-color-default-border)',
      }}
    >
      <Text fw={600} truncate style={cell(0)}>
        {p.shownName ?? a.name}
      </Text>
      <Col i={1}>
        <Place agent={a} machine={p.machine} />
      </Col>
      <Col i={2}>
        <Text size="sm">{a.profile}</Text>
      </Col>
      <Group gap={4} wrap="nowrap" style={cell(3)}>
        <StateBadge agent={a} now={p.now} />
        <PermissionBadge agent={a} />
        <SandboxBadge agent={a} />
      </Group>
      <Col i={4}>
        <Text size="sm">{ago(a.stateSince, p.now)}</Text>
      </Col>
      <Why agent={a} now={p.now} />
      <div style={cell(6)}>
        <Text size="sm" truncate>
          {a.worktree?.branch ?? '—'}
        </Text>
        <Group gap={4} wrap="nowrap">
          <DiffStat agent={a} />
          <PrBadge agent={a} />
          <RadarWarning warning={p.warning} />
        </Group>
      </div>
      <Col i={7}>
        <Group gap={4} wrap="nowrap">
          <AgentSparkline samples={p.samples} metric="cpu" />
          <CostBadge agent={a} />
        </Group>
      </Col>
      <div style={cell(8)}>
        <Actions agent={a} />
      </div>
    </Group>
  );
}

/** One agent as a card (phone widths). */
export function AgentCard(p: RowProps) {
  const a = p.agent;
  return (
    <div style={{ height: p.height, paddingBottom: 8 }}>
      <Card withBorder padding="sm" h="100%" data-testid="agent" data-agent={a.name}>
        <Group justify="space-between" wrap="nowrap">
          <Text fw={600} truncate>
            {p.shownName ?? a.name}
          </Text>
          <Group gap={4} wrap="nowrap">
            <PermissionBadge agent={a} />
            <SandboxBadge agent={a} />
            <StateBadge agent={a} now={p.now} />
          </Group>
        </Group>
        <Group justify="space-between" wrap="nowrap">
          <Text size="sm" c="dimmed" truncate>
            {p.machine ? `${p.machine.name} · ` : ''}
            {a.workspace} · {a.profile} · {ago(a.stateSince, p.now)}
            {p.machine && !p.machine.reachable ? ' · unreachable' : ''}
            {a.worktree?.branch ? ` · ${a.worktree.branch}` : ''}
          </Text>
          <Actions agent={a} />
        </Group>
        {/* An agent that waits for an answer (or was just answered) shows that instead of its load. */}
        {useAnswerShown(a) ? (
          <AnswerBar agent={a} compact />
        ) : (
          <Group gap={6} wrap="nowrap">
            <AgentSparkline samples={p.samples} metric="cpu" />
            <DiffStat agent={a} />
            <PrBadge agent={a} />
            <RadarWarning warning={p.warning} />
          </Group>
        )}
      </Card>
    </div>
  );
}
