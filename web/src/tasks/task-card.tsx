import { Anchor, Badge, Button, Card, Code, Group, Menu, Text, Tooltip, UnstyledButton } from '@mantine/core';
import type { AgentView } from '../../../src/protocol/agent.js';
import type { TaskStatus } from '../../../src/protocol/constants.js';
import type { TaskView } from '../../../src/protocol/tasks.js';
import { go } from '../route.js';
import { BLOCK_LABEL, dependencies, movesFrom, TASK_COLOR } from './board-logic.js';

export interface CardProps {
  task: TaskView;
  byId: ReadonlyMap<string, TaskView>;
  agents: AgentView[];
  /** Highlighted: the hovered card's dependency or dependant. */
  related: 'dependency' | 'dependant' | null;
  onHover(id: string | null): void;
  onMove(task: TaskView, to: TaskStatus): void;
  /** A drag of this card started (the task) or ended (null). */
  onDrag(task: TaskView | null): void;
}

/** The agents that ran the task's runs of this round, by name (removed ones are left out). */
function runAgents(task: TaskView, agents: AgentView[]): AgentView[] {
  const ids = new Set(task.runs.filter((r) => r.round === task.round).map((r) => r.agentId));
  return agents.filter((a) => ids.has(a.id));
}

/** One task on the board: draggable to another column, or moved with its menu. */
export function TaskCard({ task, byId, agents, related, onHover, onMove, onDrag }: CardProps) {
  const deps = dependencies(task, byId);
  const blocked = task.blocked;
  const moves = movesFrom(task.status);
  const border =
    related === 'dependency'
      ? 'var(--mantine-color-orange-5)'
      : related === 'dependant'
        ? 'var(--mantine-color-cyan-5)'
        : undefined;
  return (
    <Card
      withBorder
      padding="xs"
      draggable={moves.length > 0}
      onDragStart={(e) => {
        e.dataTransfer.setData('text/plain', task.id);
        e.dataTransfer.effectAllowed = 'move';
        onDrag(task);
      }}
      onDragEnd={() => onDrag(null)}
      onMouseEnter={() => onHover(task.id)}
      onMouseLeave={() => onHover(null)}
      style={{
        cursor: moves.length > 0 ? 'grab' : 'default',
        borderColor: border,
        borderWidth: border ? 2 : undefined,
      }}
      data-testid="task"
      data-task={task.title}
      data-status={task.status}
      data-related={related ?? undefined}
    >
      <Group justify="space-between" wrap="nowrap" gap={4}>
        <Text fw={600} size="sm" lineClamp={2}>
          {task.title}
        </Text>
        <Menu position="bottom-end" withinPortal>
          <Menu.Target>
            <UnstyledButton aria-label={`Move ${task.title}`} data-testid="task-menu" px={4}>
              ⋯
            </UnstyledButton>
          </Menu.Target>
          <Menu.Dropdown>
            <Menu.Label>Move to</Menu.Label>
            {moves.length === 0 ? <Menu.Item disabled>{task.status} is final</Menu.Item> : null}
            {moves.map((to) => (
              <Menu.Item key={to} onClick={() => onMove(task, to)} data-testid={`move-${to}`}>
                {to}
              </Menu.Item>
            ))}
            {task.attempts > 1 ? (
              <>
                <Menu.Divider />
                <Menu.Item onClick={() => go('tasks', task.id)} data-testid="compare">
                  Compare the attempts
                </Menu.Item>
              </>
            ) : null}
          </Menu.Dropdown>
        </Menu>
      </Group>
      <Group gap={4} mt={4}>
        {task.priority !== 0 ? (
          <Badge size="xs" variant="outline">
            p{task.priority}
          </Badge>
        ) : null}
        <Badge size="xs" variant="light" color="gray" tt="none">
          {task.profile ?? 'default agent'}
          {task.model ? ` · ${task.model}` : ''}
        </Badge>
        {task.attempts > 1 ? (
          <Badge size="xs" color="grape" data-testid="best-of">
            best of {task.attempts}
          </Badge>
        ) : null}
        {blocked ? (
          <Badge size="xs" color="orange" data-testid="blocked" data-reason={blocked.reason}>
            {BLOCK_LABEL[blocked.reason]}
          </Badge>
        ) : null}
        {(task.fleet?.refusals ?? []).map((r) => (
          <Tooltip key={r.machine} label={`${r.machine} will not run it: ${r.reason}`} multiline maw={360}>
            <Badge
              size="xs"
              color="red"
              variant="light"
              data-testid="refused"
              data-machine={r.machine}
              data-code={r.code}
            >
              refused by {r.machine}
            </Badge>
          </Tooltip>
        ))}
        {task.fleet?.gone ? (
          <Tooltip
            label="Its row is gone from the fleet database (dropped and made again, or replaced): kept here, let go"
            multiline
            maw={360}
          >
            <Badge size="xs" color="red" data-testid="gone">
              gone from the fleet
            </Badge>
          </Tooltip>
        ) : null}
        {task.labels.map((l) => (
          <Badge key={l} size="xs" variant="dot">
            {l}
          </Badge>
        ))}
      </Group>
      {deps.length > 0 ? (
        <Group gap={4} mt={4} data-testid="deps">
          <Text size="xs" c="dimmed">
            after
          </Text>
          {deps.map((d) => (
            <Tooltip key={d.id} label={`${d.title}: ${d.word ?? 'unknown'}`}>
              <Badge
                size="xs"
                variant={d.done ? 'light' : 'outline'}
                color={d.status ? TASK_COLOR[d.status] : 'gray'}
                data-testid="dep"
                data-dep={d.title}
                data-done={d.done}
              >
                {d.done ? '✓ ' : ''}
                {d.title}
              </Badge>
            </Tooltip>
          ))}
        </Group>
      ) : null}
      {blocked ? (
        // Clamped on the card; the whole message on hover.
        <Tooltip label={blocked.message} multiline maw={360} openDelay={300}>
          <Text size="xs" c="dimmed" mt={4} lineClamp={4} data-testid="blocked-reason">
            <CodeSpans text={blocked.message} />
          </Text>
        </Tooltip>
      ) : null}
      <RunsLine task={task} agents={agents} />
      {task.attempts > 1 && task.status === 'review' ? (
        <Button
          size="compact-xs"
          mt={6}
          variant="light"
          onClick={() => go('tasks', task.id)}
          data-testid="compare-button"
        >
          Compare the {task.attempts} attempts
        </Button>
      ) : null}
    </Card>
  );
}

function RunsLine({ task, agents }: { task: TaskView; agents: AgentView[] }) {
  const ran = runAgents(task, agents);
  if (ran.length === 0 && !task.statusReason) return null;
  return (
    <Text size="xs" c="dimmed" mt={4} lineClamp={2}>
      {ran.map((a, i) => (
        <span key={a.id}>
          {i > 0 ? ', ' : ''}
          <Anchor size="xs" onClick={() => go('terminal', a.name)} data-testid="task-agent">
            {a.name}
          </Anchor>{' '}
          ({a.state})
        </span>
      ))}
      {ran.length > 0 && task.statusReason ? ' · ' : ''}
      {task.statusReason}
    </Text>
  );
}

/** Text with its `backquoted` parts (commands to run) set as code. */
function CodeSpans({ text }: { text: string }) {
  return text.split(/`([^`]+)`/).map((part, i) => (i % 2 === 1 ? <Code key={i}>{part}</Code> : part));
}
