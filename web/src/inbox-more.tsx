import { Badge, Button, Card, Group, Text } from '@mantine/core';
import { useCallback, useEffect, useRef, useState, type PointerEvent } from 'react';
import type { AgentView } from '../../src/protocol/agent.js';
import type { BudgetView } from '../../src/protocol/usage.js';
import { client } from './api.js';
import { useEvents } from './event-hub.js';
import { go } from './route.js';
import { ago } from './state-style.js';

const SEEN_KEY = 'wtp.inbox.seen';
/** A swipe this far to either side marks a finished turn seen. */
const SWIPE_PX = 80;

type Seen = Record<string, string>;

function readSeen(): Seen {
  try {
    const v: unknown = JSON.parse(localStorage.getItem(SEEN_KEY) ?? '{}');
    return v && typeof v === 'object' ? (v as Seen) : {};
  } catch {
    return {};
  }
}

/** Agents whose turn ended (idle after working) and that this browser has not marked seen. */
export function finishedTurns(agents: AgentView[], seen: Seen): AgentView[] {
  const ended = (a: AgentView): boolean =>
    a.stateDetail.reason === 'turn_done' || a.stateDetail.verdict?.says === 'done';
  return agents.filter((a) => a.state === 'idle' && ended(a) && seen[a.id] !== a.stateSince);
}

/** Which finished turns this browser has seen (by the turn's end time), kept across visits. */
export function useSeen(): { seen: Seen; mark: (a: AgentView) => void; unmark: (a: AgentView) => void } {
  const [seen, setSeen] = useState<Seen>(readSeen);
  const save = useCallback((next: Seen) => {
    localStorage.setItem(SEEN_KEY, JSON.stringify(next));
    setSeen(next);
  }, []);
  return {
    seen,
    mark: (a) => save({ ...readSeen(), [a.id]: a.stateSince }),
    unmark: (a) => {
      const { [a.id]: _gone, ...rest } = readSeen();
      save(rest);
    },
  };
}

/**
 * A finished turn: the agent waits for its next prompt. Seen with a tap or a swipe to either side;
 * nothing is answered, so the Inbox offers Undo.
 */
export function FinishedCard({ agent, now, onSeen }: { agent: AgentView; now: number; onSeen: () => void }) {
  const start = useRef<number | null>(null);
  const [dx, setDx] = useState(0);
  const down = (e: PointerEvent) => {
    start.current = e.clientX;
  };
  const move = (e: PointerEvent) => {
    if (start.current !== null) setDx(e.clientX - start.current);
  };
  const up = () => {
    const swiped = Math.abs(dx) >= SWIPE_PX;
    start.current = null;
    setDx(0);
    if (swiped) onSeen();
  };
  return (
    <Card
      withBorder
      padding="sm"
      data-testid="inbox-finished"
      data-agent={agent.name}
      onPointerDown={down}
      onPointerMove={move}
      onPointerUp={up}
      onPointerCancel={up}
      style={{
        transform: `translateX(${dx}px)`,
        touchAction: 'pan-y',
        opacity: 1 - Math.min(Math.abs(dx) / 300, 0.6),
      }}
    >
      <Group justify="space-between" wrap="nowrap">
        <Text fw={600}>
          {agent.workspace}/{agent.name}
        </Text>
        <Badge color="green" variant="light">
          turn done
        </Badge>
      </Group>
      <Text size="sm">finished its turn; it waits for your next prompt</Text>
      <Group justify="space-between" wrap="wrap" gap="xs">
        <Text size="sm" c="dimmed">
          done {ago(agent.stateSince, now)} · swipe to mark seen
        </Text>
        <Group gap="xs">
          <Button size="compact-sm" variant="default" onClick={onSeen} data-testid="finished-seen">
            Seen
          </Button>
          <Button size="compact-sm" onClick={() => go('terminal', agent.name)}>
            Open its terminal
          </Button>
        </Group>
      </Group>
    </Card>
  );
}

/** The last finished turn marked seen, with Undo. */
export function SeenUndo({ agent, onUndo }: { agent: AgentView; onUndo: () => void }) {
  return (
    <Group gap="xs" data-testid="finished-undo-line">
      <Text size="sm" c="dimmed">
        {agent.name}: marked seen.
      </Text>
      <Button size="compact-sm" variant="subtle" onClick={onUndo} data-testid="finished-undo">
        Undo
      </Button>
    </Group>
  );
}

/** Budgets that hold new task runs (reached), reloaded when one changes. */
export function useBudgetHolds(): BudgetView[] {
  const [held, setHeld] = useState<BudgetView[]>([]);
  const load = useCallback(() => {
    client.call('listBudgets').then(
      (r) => setHeld(r.budgets.filter((b) => b.state === 'reached')),
      () => undefined,
    );
  }, []);
  useEffect(load, [load]);
  useEvents((batch) => {
    if (batch.some((e) => e.type.startsWith('budget.'))) load();
  }, load);
  return held;
}

const usd = (n: number): string => `$${n.toFixed(2)}`;

export function BudgetCard({ budget }: { budget: BudgetView }) {
  return (
    <Card withBorder padding="sm" data-testid="inbox-budget" data-budget={budget.name}>
      <Group justify="space-between" wrap="nowrap">
        <Text fw={600}>Budget: {budget.name}</Text>
        <Badge color="red" variant="light">
          reached
        </Badge>
      </Group>
      <Text size="sm">
        {usd(budget.spentUsd)} of {usd(budget.limitUsd)} spent: no new task runs start in it until it is
        raised.
      </Text>
      <Text size="sm" c="dimmed">
        Raise it with <code>wtp budget set</code>.
      </Text>
    </Card>
  );
}
