import { Alert, Button, Group, Loader, Select, Stack, Text } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { useMemo, useState } from 'react';
import type { AgentView } from '../../../src/protocol/agent.js';
import { TASK_STATUSES, type TaskStatus } from '../../../src/protocol/constants.js';
import type { TaskView } from '../../../src/protocol/tasks.js';
import { client, errorText } from '../api.js';
import { AddTask } from './add-task.js';
import { BoardColumn } from './board-column.js';
import { BoardRow } from './board-row.js';
import { columns, dependants } from './board-logic.js';
import { TaskCompare } from './task-compare.js';
import { useTasks } from './use-tasks.js';

/**
 * The task board (`#/tasks`): a column per status, cards dragged between them as the daemon's
 * move table allows; or, with a task chosen (`#/tasks/<id>`), its best-of-N comparison.
 */
export function TaskBoard({ agents, selected }: { agents: AgentView[]; selected: string | null }) {
  const live = useTasks();
  if (selected) return <TaskCompare taskId={selected} />;
  if (!live.loaded)
    return live.error ? <Alert color="red">{errorText(live.error)}</Alert> : <Loader size="sm" />;
  // A refresh that failed keeps the board as last read; the collection reads it again by itself.
  return (
    <>
      {live.error ? (
        <Alert color="yellow" mb="xs" data-testid="tasks-stale">
          Tasks may be out of date: {errorText(live.error)}. Reading them again…
        </Alert>
      ) : null}
      <Board tasks={live.tasks} byId={live.byId} agents={agents} />
    </>
  );
}

function Board({
  tasks,
  byId,
  agents,
}: {
  tasks: TaskView[];
  byId: Map<string, TaskView>;
  agents: AgentView[];
}) {
  const narrow = useMediaQuery('(max-width: 640px)', undefined, { getInitialValueInEffect: false });
  const [workspace, setWorkspace] = useState<string | null>(null);
  const [hovered, setHovered] = useState<string | null>(null);
  const [dragging, setDragging] = useState<TaskView | null>(null);
  const [phoneColumn, setPhoneColumn] = useState<TaskStatus>('ready');
  const [failure, setFailure] = useState<string | null>(null);
  const [adding, setAdding] = useState(false);
  const workspaces = useMemo(() => [...new Set(tasks.map((t) => t.workspace))].sort(), [tasks]);
  const shown = useMemo(
    () => (workspace ? tasks.filter((t) => t.workspace === workspace) : tasks),
    [tasks, workspace],
  );
  const byStatus = useMemo(() => columns(shown), [shown]);
  const hoveredTask = hovered ? byId.get(hovered) : undefined;
  const relatedIds = useMemo(
    () => ({
      deps: new Set(hoveredTask?.dependsOn ?? []),
      dependants: new Set(hovered ? dependants(hovered, tasks).map((t) => t.id) : []),
    }),
    [hovered, hoveredTask, tasks],
  );

  const move = (task: TaskView, to: TaskStatus): void => {
    setFailure(null);
    const call =
      to === 'cancelled'
        ? client.call('cancelTask', { params: { task: task.id }, body: {} })
        : client.call('moveTask', { params: { task: task.id }, body: { status: to } });
    call.catch((err: unknown) => setFailure(`“${task.title}” stays in ${task.status}: ${errorText(err)}`));
  };
  const column = (status: TaskStatus) => (
    <BoardColumn
      key={status}
      status={status}
      tasks={byStatus.get(status) ?? []}
      byId={byId}
      agents={agents}
      dragging={dragging?.status ?? null}
      height={narrow ? '65vh' : 'calc(100vh - 260px)'}
      relatedOf={(t) =>
        relatedIds.deps.has(t.id) ? 'dependency' : relatedIds.dependants.has(t.id) ? 'dependant' : null
      }
      onHover={setHovered}
      onDrag={setDragging}
      onMove={move}
      onDrop={(id, to) => {
        setDragging(null);
        const t = byId.get(id);
        if (t && t.status !== to) move(t, to);
      }}
    />
  );
  return (
    <Stack gap="sm" data-testid="tasks-view">
      <Group justify="space-between">
        <Group gap="xs">
          <Button size="xs" onClick={() => setAdding(true)} data-testid="add-task">
            Add a task
          </Button>
          {workspaces.length > 1 ? (
            <Select
              size="xs"
              placeholder="All workspaces"
              clearable
              data={workspaces}
              value={workspace}
              onChange={setWorkspace}
              data-testid="task-workspace"
            />
          ) : null}
        </Group>
        <Text size="xs" c="dimmed">
          {tasks.length} task{tasks.length === 1 ? '' : 's'} · drag a card to move it, or use its ⋯ menu
        </Text>
      </Group>
      {failure ? (
        <Alert color="red" withCloseButton onClose={() => setFailure(null)} data-testid="move-error">
          {failure}
        </Alert>
      ) : null}
      {narrow ? (
        <>
          <Select
            data={TASK_STATUSES.map((s) => ({ value: s, label: `${s} (${byStatus.get(s)?.length ?? 0})` }))}
            value={phoneColumn}
            onChange={(v) => v && setPhoneColumn(v as TaskStatus)}
            allowDeselect={false}
            data-testid="phone-column"
          />
          {column(phoneColumn)}
        </>
      ) : (
        <BoardRow>{TASK_STATUSES.map(column)}</BoardRow>
      )}
      <AddTask opened={adding} onClose={() => setAdding(false)} tasks={tasks} workspace={workspace} />
    </Stack>
  );
}
