import { Badge, Box, Group, Paper, Text, UnstyledButton } from '@mantine/core';
import { useMemo, type ReactNode } from 'react';
import {
  Decoration,
  Diff,
  Hunk,
  markEdits,
  tokenize,
  type FileData,
  type HunkData,
  type HunkTokens,
  type ViewType,
} from 'react-diff-view';
import { CommentWidget } from './comment-widget.js';
import { lineRef, type CommentActions } from './comments.js';
import type { AgentDiff } from './use-agent-diff.js';

export type DiffFileMeta = AgentDiff['files'][number];

/** Files with more changed lines than this start collapsed (and get no word-level highlighting). */
export const BIG_FILE_LINES = 400;

const STATUS_COLOR: Record<DiffFileMeta['status'], string> = {
  added: 'green',
  untracked: 'teal',
  modified: 'blue',
  deleted: 'red',
  renamed: 'grape',
};

/** Lines a parsed file shows (0 for binary files and pure renames). */
export const lineCount = (f: FileData | undefined): number =>
  f ? f.hunks.reduce((n, h) => n + h.changes.length, 0) : 0;

function editTokens(hunks: HunkData[]): HunkTokens | null {
  try {
    return tokenize(hunks, { enhancers: [markEdits(hunks, { type: 'block' })] });
  } catch {
    return null; // word-level marks are a nicety; the diff shows without them
  }
}

/** `editing` is the line whose comment editor is open when it is in this file. */
export interface DiffFileProps extends CommentActions {
  meta: DiffFileMeta;
  parsed: FileData | undefined;
  viewType: ViewType;
  open: boolean;
  onToggle: () => void;
}

/** One file of a diff: its header (status, path, +/−, collapse) and its hunks with comments. */
export function DiffFile(p: DiffFileProps) {
  const { meta, parsed } = p;
  const lines = lineCount(parsed);
  const tokens = useMemo(
    () => (parsed && p.open && lines <= BIG_FILE_LINES ? editTokens(parsed.hunks) : null),
    [parsed, p.open, lines],
  );
  const widgets = useMemo(() => {
    const out: Record<string, ReactNode> = {};
    const keys = new Set(p.comments.map((c) => c.changeKey));
    if (p.editing) keys.add(p.editing.changeKey);
    for (const key of keys) {
      out[key] = (
        <CommentWidget
          comments={p.comments.filter((c) => c.changeKey === key)}
          editing={p.editing?.changeKey === key ? p.editing : null}
          onAdd={p.onAdd}
          onCancel={p.onCancel}
          onRemove={p.onRemove}
        />
      );
    }
    return out;
  }, [p.comments, p.editing, p.onAdd, p.onCancel, p.onRemove]);

  let body: ReactNode = null;
  if (!p.open) body = null;
  else if (!parsed || parsed.isBinary || parsed.hunks.length === 0) {
    body = (
      <Text size="sm" c="dimmed" p="sm" data-testid="diff-no-lines">
        {parsed?.isBinary
          ? 'Binary file: not shown.'
          : 'No line changes (a rename, a mode change or an empty file).'}
      </Text>
    );
  } else {
    body = (
      <Box className="wtp-diff" style={{ overflowX: 'auto' }}>
        <Diff
          viewType={p.viewType}
          diffType={parsed.type}
          hunks={parsed.hunks}
          widgets={widgets}
          tokens={tokens}
          gutterEvents={{
            onClick: ({ change, side }) => change && p.onLine(lineRef(meta.path, change, side)),
          }}
        >
          {(hunks) =>
            hunks.flatMap((h) => [
              <Decoration key={`d${h.content}`}>
                <Text size="xs" c="dimmed" px="xs" ff="monospace">
                  {h.content}
                </Text>
              </Decoration>,
              <Hunk key={`h${h.content}`} hunk={h} />,
            ])
          }
        </Diff>
      </Box>
    );
  }

  return (
    <Paper withBorder radius="sm" data-testid="diff-file" data-path={meta.path} id={fileAnchor(meta.path)}>
      <UnstyledButton
        onClick={p.onToggle}
        w="100%"
        px="sm"
        py={6}
        aria-expanded={p.open}
        data-testid="diff-file-toggle"
      >
        <Group gap="xs" wrap="nowrap" justify="space-between">
          <Group gap="xs" wrap="nowrap" style={{ minWidth: 0 }}>
            <Text size="sm" c="dimmed">
              {p.open ? '▾' : '▸'}
            </Text>
            <Badge size="xs" variant="light" color={STATUS_COLOR[meta.status]}>
              {meta.status}
            </Badge>
            <Text size="sm" ff="monospace" fw={600} truncate="start">
              {meta.oldPath ? `${meta.oldPath} → ${meta.path}` : meta.path}
            </Text>
          </Group>
          <Group gap={6} wrap="nowrap">
            {!p.open && lines > BIG_FILE_LINES ? (
              <Text size="xs" c="dimmed">
                {lines} lines: click to show
              </Text>
            ) : null}
            <Text size="xs" c="green.7" fw={600}>
              +{meta.insertions}
            </Text>
            <Text size="xs" c="red.7" fw={600}>
              −{meta.deletions}
            </Text>
          </Group>
        </Group>
      </UnstyledButton>
      {body}
    </Paper>
  );
}

/** The DOM id of a file's card (the file list scrolls to it). */
export const fileAnchor = (path: string): string => `diff-file-${encodeURIComponent(path)}`;
