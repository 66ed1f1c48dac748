import { Button, Group, ScrollArea, SegmentedControl, Stack, Table, Text } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { useMemo, useState } from 'react';
import { parseDiff, type FileData, type ViewType } from 'react-diff-view';
import 'react-diff-view/style/index.css';
import './review.css';
import type { CommentActions } from './comments.js';
import { BIG_FILE_LINES, DiffFile, fileAnchor, lineCount } from './diff-file.js';
import type { AgentDiff } from './use-agent-diff.js';

/** Above this many lines in all, every file starts collapsed. */
const BIG_DIFF_LINES = 3_000;

/** Paths git calls binary ("Binary files /dev/null and b/x differ"): the parser misses some. */
function binaryPaths(patch: string): Set<string> {
  const out = new Set<string>();
  for (const m of patch.matchAll(
    /^Binary files (?:a\/(.*?)|\/dev\/null) and (?:b\/(.*)|\/dev\/null) differ$/gm,
  )) {
    const path = m[2] ?? m[1];
    if (path !== undefined) out.add(path);
  }
  return out;
}

/** The parsed files of a patch by the path the server's file list uses. */
function parsePatch(patch: string): Map<string, FileData> {
  const out = new Map<string, FileData>();
  if (!patch.trim()) return out;
  const binary = binaryPaths(patch);
  for (const f of parseDiff(patch)) {
    const path = f.type === 'delete' ? f.oldPath : f.newPath;
    out.set(path, binary.has(path) ? { ...f, isBinary: true } : f);
  }
  return out;
}

/**
 * An agent's diff: the file list (status, +/−; a click scrolls to the file), split or unified view
 * (unified on a phone unless chosen), collapsible files (large ones start collapsed, binary ones
 * say so), and line comments: a click on a line number opens a comment under that line.
 */
export function DiffViewer({ diff, actions }: { diff: AgentDiff; actions: CommentActions }) {
  const narrow = useMediaQuery('(max-width: 640px)');
  const [chosen, setChosen] = useState<ViewType | null>(null);
  const viewType: ViewType = chosen ?? (narrow ? 'unified' : 'split');
  const parsed = useMemo(() => parsePatch(diff.patch), [diff.patch]);
  const total = useMemo(() => [...parsed.values()].reduce((n, f) => n + lineCount(f), 0), [parsed]);
  const [open, setOpen] = useState<Record<string, boolean>>({});
  const isOpen = (path: string): boolean =>
    open[path] ?? (total <= BIG_DIFF_LINES && lineCount(parsed.get(path)) <= BIG_FILE_LINES);
  const setAll = (value: boolean): void =>
    setOpen(Object.fromEntries(diff.files.map((f) => [f.path, value])));
  const ins = diff.files.reduce((n, f) => n + f.insertions, 0);
  const del = diff.files.reduce((n, f) => n + f.deletions, 0);

  if (diff.files.length === 0) {
    return (
      <Text c="dimmed" data-testid="diff-empty">
        No changes against {diff.base}.
      </Text>
    );
  }
  return (
    <Stack gap="sm">
      <Group justify="space-between" gap="xs">
        <Text size="sm" data-testid="diff-summary">
          {diff.files.length} file{diff.files.length === 1 ? '' : 's'}{' '}
          <Text span c="green.7" fw={600} inherit>
            +{ins}
          </Text>{' '}
          <Text span c="red.7" fw={600} inherit>
            −{del}
          </Text>{' '}
          against {diff.base} ({diff.mergeBase.slice(0, 8)})
        </Text>
        <Group gap="xs">
          <Button size="compact-xs" variant="subtle" onClick={() => setAll(true)}>
            Expand all
          </Button>
          <Button size="compact-xs" variant="subtle" onClick={() => setAll(false)}>
            Collapse all
          </Button>
          <SegmentedControl
            size="xs"
            value={viewType}
            onChange={(v) => setChosen(v === 'split' ? 'split' : 'unified')}
            data={[
              { value: 'split', label: 'Split' },
              { value: 'unified', label: 'Unified' },
            ]}
            data-testid="view-type"
          />
        </Group>
      </Group>
      {total > BIG_DIFF_LINES ? (
        <Text size="sm" c="dimmed">
          A large diff ({total} lines): files are collapsed, open them one by one.
        </Text>
      ) : null}
      <ScrollArea.Autosize mah={180} type="auto">
        <Table verticalSpacing={2} fz="sm" data-testid="diff-file-list">
          <Table.Tbody>
            {diff.files.map((f) => (
              <Table.Tr
                key={f.path}
                style={{ cursor: 'pointer' }}
                onClick={() => {
                  setOpen((o) => ({ ...o, [f.path]: true }));
                  requestAnimationFrame(() =>
                    document.getElementById(fileAnchor(f.path))?.scrollIntoView({ block: 'start' }),
                  );
                }}
              >
                <Table.Td w={80}>
                  <Text size="xs" c="dimmed">
                    {f.status}
                  </Text>
                </Table.Td>
                <Table.Td ff="monospace" style={{ wordBreak: 'break-all' }}>
                  {f.path}
                </Table.Td>
                <Table.Td w={90} ta="right" style={{ whiteSpace: 'nowrap' }}>
                  <Text span size="xs" c="green.7">
                    +{f.insertions}
                  </Text>{' '}
                  <Text span size="xs" c="red.7">
                    −{f.deletions}
                  </Text>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </ScrollArea.Autosize>
      <Text size="xs" c="dimmed">
        Click a line number to comment on that line.
      </Text>
      <Stack gap="sm" data-testid="diff" data-view={viewType}>
        {diff.files.map((f) => (
          <DiffFile
            key={f.path}
            meta={f}
            parsed={parsed.get(f.path)}
            viewType={viewType}
            open={isOpen(f.path)}
            onToggle={() => setOpen((o) => ({ ...o, [f.path]: !isOpen(f.path) }))}
            comments={actions.comments.filter((c) => c.path === f.path)}
            editing={actions.editing?.path === f.path ? actions.editing : null}
            onLine={actions.onLine}
            onAdd={actions.onAdd}
            onCancel={actions.onCancel}
            onRemove={actions.onRemove}
          />
        ))}
      </Stack>
    </Stack>
  );
}
