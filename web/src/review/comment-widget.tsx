import { Button, Group, Paper, Stack, Text, Textarea } from '@mantine/core';
import { useState } from 'react';
import { RemoveComment } from './remove-comment.js';
import { where, type LineRef, type ReviewComment } from './comments.js';

/** The comment editor under a line: Ctrl+Enter adds, Esc cancels. */
function Editor({
  at,
  onAdd,
  onCancel,
}: {
  at: LineRef;
  onAdd: (text: string) => void;
  onCancel: () => void;
}) {
  const [text, setText] = useState('');
  const add = (): void => {
    if (text.trim()) onAdd(text);
  };
  return (
    <Stack gap={6}>
      <Textarea
        autoFocus
        autosize
        minRows={2}
        placeholder={`Comment on ${where(at)} (sent to the agent with the other comments)`}
        value={text}
        onChange={(e) => setText(e.currentTarget.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) add();
          if (e.key === 'Escape') onCancel();
        }}
        data-testid="comment-input"
      />
      <Group gap="xs">
        <Button size="xs" onClick={add} disabled={!text.trim()} data-testid="comment-add">
          Add comment
        </Button>
        <Button size="xs" variant="subtle" onClick={onCancel}>
          Cancel
        </Button>
      </Group>
    </Stack>
  );
}

/** What shows under a commented (or being commented) line: its draft comments and the editor. */
export function CommentWidget({
  comments,
  editing,
  onAdd,
  onCancel,
  onRemove,
}: {
  comments: ReviewComment[];
  editing: LineRef | null;
  onAdd: (text: string) => void;
  onCancel: () => void;
  onRemove: (id: number) => void;
}) {
  return (
    <Paper
      withBorder
      p="xs"
      m={4}
      radius="sm"
      data-testid="comment-widget"
      style={{ fontFamily: 'var(--mantine-font-family)' }}
    >
      <Stack gap={6}>
        {comments.map((c) => (
          <Group
            key={c.id}
            justify="space-between"
            wrap="nowrap"
            align="flex-start"
            data-testid="line-comment"
          >
            <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
              💬 {c.text}
            </Text>
            <RemoveComment onClick={() => onRemove(c.id)} />
          </Group>
        ))}
        {editing ? <Editor at={editing} onAdd={onAdd} onCancel={onCancel} /> : null}
      </Stack>
    </Paper>
  );
}
