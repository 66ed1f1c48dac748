import { Badge, Group, Paper, Stack, Text } from '@mantine/core';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useRef, useState } from 'react';
import type { TaskStatus } from '../../../src/protocol/constants.js';
import type { TaskView } from '../../../src/protocol/tasks.js';
import { canDrop, TASK_COLOR } from './board-logic.js';
import { RenderGuard } from '../render-guard.js';
import { TaskCard, type CardProps } from './task-card.js';

export interface ColumnProps extends Omit<CardProps, 'task' | 'related'> {
  status: TaskStatus;
  tasks: TaskView[];
  /** The status of the card being dragged, if any (columns that refuse it are dimmed). */
  dragging: TaskStatus | null;
  onDrop(taskId: string, to: TaskStatus): void;
  relatedOf(task: TaskView): CardProps['related'];
  height: string;
}

/** A column's least width: the seven fit side by side in a 1400 px window. */
const COLUMN_MIN_WIDTH = 180;

/**
 * One status column: a drop target for the moves the daemon allows, and a virtualised list of
 * cards (a plan can hold hundreds of tasks; only the cards in view are rendered).
 */
export function BoardColumn(p: ColumnProps) {
  const scroller = useRef<HTMLDivElement | null>(null);
  const [over, setOver] = useState(false);
  const virtual = useVirtualizer({
    count: p.tasks.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => 110,
    overscan: 6,
    getItemKey: (i) => p.tasks[i]?.id ?? i,
  });
  const accepts = p.dragging !== null && canDrop(p.dragging, p.status);
  const refuses = p.dragging !== null && !accepts && p.dragging !== p.status;
  return (
    <Paper
      withBorder
      p="xs"
      miw={COLUMN_MIN_WIDTH}
      style={{
        flex: `1 0 ${COLUMN_MIN_WIDTH}px`,
        opacity: refuses ? 0.45 : 1,
        outline: accepts ? `2px dashed var(--mantine-color-${TASK_COLOR[p.status]}-5)` : undefined,
        background: over && accepts ? `var(--mantine-color-${TASK_COLOR[p.status]}-light)` : undefined,
      }}
      data-testid="column"
      data-status={p.status}
      data-accepts={accepts || undefined}
      onDragOver={(e) => {
        if (!accepts) return; // not preventing the default refuses the drop
        e.preventDefault();
        e.dataTransfer.dropEffect = 'move';
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(e) => {
        e.preventDefault();
        setOver(false);
        const id = e.dataTransfer.getData('text/plain');
        if (id) p.onDrop(id, p.status);
      }}
    >
      <Group justify="space-between" mb="xs">
        <Text fw={600} tt="capitalize">
          {p.status}
        </Text>
        <Badge color={TASK_COLOR[p.status]} variant="light" data-testid="column-count">
          {p.tasks.length}
        </Badge>
      </Group>
      <div ref={scroller} style={{ height: p.height, overflowY: 'auto' }} data-testid="column-scroll">
        <div style={{ height: virtual.getTotalSize(), position: 'relative' }}>
          {virtual.getVirtualItems().map((item) => {
            const t = p.tasks[item.index];
            if (!t) return null;
            return (
              <div
                key={item.key}
                data-index={item.index}
                ref={virtual.measureElement}
                style={{
                  position: 'absolute',
                  top: 0,
                  left: 0,
                  right: 0,
                  transform: `translateY(${item.start}px)`,
                }}
              >
                <Stack pb="xs">
                  <RenderGuard kind="row" what={`task ${String(t.title)}`}>
                    <TaskCard
                      task={t}
                      byId={p.byId}
                      agents={p.agents}
                      related={p.relatedOf(t)}
                      onHover={p.onHover}
                      onMove={p.onMove}
                      onDrag={p.onDrag}
                    />
                  </RenderGuard>
                </Stack>
              </div>
            );
          })}
        </div>
      </div>
    </Paper>
  );
}
