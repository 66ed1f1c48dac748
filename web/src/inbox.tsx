import { Badge, Button, Card, Code, Collapse, Group, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import type { AgentView } from '../../src/protocol/agent.js';
import { AnswerBar } from './answer/answer-bar.js';
import { dismissOutcome, useOutcomes } from './answer/answer-store.js';
import { askOf } from './inbox-words.js';
import { go } from './route.js';
import { STATE_STYLE, ago } from './state-style.js';
import { StateIcon } from './state-icon.js';
import { PhonePush } from './push/phone-push.js';
import { BudgetCard, FinishedCard, SeenUndo, finishedTurns, useBudgetHolds, useSeen } from './inbox-more.js';

/** States in which an agent waits for a human (a usage limit is needs_input with its reason). */
const NEEDS_YOU = new Set<AgentView['state']>(['needs_permission', 'needs_input', 'crashed']);

/** The agents that need the user, oldest first. */
export function needingYou(agents: AgentView[]): AgentView[] {
  return agents
    .filter((a) => NEEDS_YOU.has(a.state))
    .sort((a, b) => Date.parse(a.stateSince) - Date.parse(b.stateSince) || a.name.localeCompare(b.name));
}

/**
 * The inbox: what needs you, oldest first, with how long it has waited; then finished turns not
 * yet seen here, and budgets that hold new task runs.
 */
export function Inbox({ agents, now }: { agents: AgentView[]; now: number }) {
  const waiting = needingYou(agents);
  const { seen, mark, unmark } = useSeen();
  const [lastSeen, setLastSeen] = useState<AgentView | null>(null);
  const finished = finishedTurns(agents, seen);
  const holds = useBudgetHolds();
  const nothing = waiting.length === 0 && finished.length === 0 && holds.length === 0;
  return (
    <Stack gap="xs">
      <PhonePush />
      <Answered waiting={waiting} />
      {lastSeen ? (
        <SeenUndo
          agent={lastSeen}
          onUndo={() => {
            unmark(lastSeen);
            setLastSeen(null);
          }}
        />
      ) : null}
      {nothing ? <Text c="dimmed">Nothing needs you.</Text> : null}
      {waiting.map((a) => {
        const s = STATE_STYLE[a.state];
        const ask = askOf(a);
        return (
          <Card key={a.id} withBorder padding="sm" data-testid="inbox-item" data-agent={a.name}>
            <Group justify="space-between" wrap="nowrap">
              <Text fw={600}>
                {a.workspace}/{a.name}
              </Text>
              <Badge color={s.color} variant="light" data-state={a.state}>
                <StateIcon state={a.state} />
                {s.label}
              </Badge>
            </Group>
            <Text size="sm" data-testid="inbox-ask">
              {ask.text}
            </Text>
            <Request agent={a} about={a.stateDetail.request?.about ?? ask.about} />
            <AnswerBar agent={a} />
            <Group justify="space-between" wrap="wrap" gap="xs">
              <Text size="sm" c="dimmed">
                waiting {ago(a.stateSince, now)}
                {a.state === 'crashed' ? (
                  <>
                    {' '}
                    · then <Code>wtp restart {a.name}</Code>
                  </>
                ) : null}
              </Text>
              <Button
                size="compact-sm"
                variant={a.state === 'crashed' ? 'default' : 'filled'}
                onClick={() => go('terminal', a.name)}
                data-testid="open-terminal"
              >
                {a.state === 'crashed'
                  ? 'Show its last output'
                  : a.state === 'needs_permission'
                    ? 'Answer in its terminal'
                    : 'Open its terminal'}
              </Button>
            </Group>
          </Card>
        );
      })}
      {finished.map((a) => (
        <FinishedCard
          key={a.id}
          agent={a}
          now={now}
          onSeen={() => {
            mark(a);
            setLastSeen(a);
          }}
        />
      ))}
      {holds.map((b) => (
        <BudgetCard key={`${b.scope}:${b.key}`} budget={b} />
      ))}
    </Stack>
  );
}

/** What is asked, as data when the agent's signal or screen said: the tool, its target, the diff. */
function Request({ agent, about }: { agent: AgentView; about: string | undefined }) {
  const [open, setOpen] = useState(false);
  const r = agent.stateDetail.request;
  return (
    <>
      {r?.tool || r?.diff ? (
        <Group gap="xs">
          {r.tool ? (
            <Badge variant="outline" color="gray" tt="none" data-testid="inbox-tool">
              {r.tool}
            </Badge>
          ) : null}
          {r.diff ? (
            <Button
              size="compact-xs"
              variant="subtle"
              onClick={() => setOpen((o) => !o)}
              data-testid="inbox-diff-toggle"
            >
              {open ? 'Hide the change' : 'Show the change'}
            </Button>
          ) : null}
        </Group>
      ) : null}
      {about !== undefined ? (
        <Code block data-testid="inbox-about">
          {about}
        </Code>
      ) : null}
      {r?.diff ? (
        <Collapse expanded={open}>
          <Code block data-testid="inbox-diff" style={{ maxHeight: 320, overflow: 'auto' }}>
            {r.diff}
          </Code>
        </Collapse>
      ) : null}
    </>
  );
}

/** Answers given from this page to agents no longer in the inbox: what became of each. */
function Answered({ waiting }: { waiting: AgentView[] }) {
  const outcomes = useOutcomes().filter(([id]) => !waiting.some((a) => a.id === id));
  if (outcomes.length === 0) return null;
  return (
    <Stack gap={4} data-testid="inbox-answered">
      {outcomes.map(([id, o]) => (
        <Group key={id} gap="xs" wrap="nowrap">
          <Text size="sm" fw={600}>
            {o.agent}
          </Text>
          <Text
            size="sm"
            c={o.ok ? 'green' : 'red'}
            data-testid="answer-outcome"
            data-ok={o.ok}
            data-code={o.code}
          >
            {o.text}
          </Text>
          <Button size="compact-xs" variant="subtle" color="gray" onClick={() => dismissOutcome(id)}>
            Dismiss
          </Button>
        </Group>
      ))}
    </Stack>
  );
}
