import {
  Alert,
  Box,
  Button,
  Group,
  List,
  Popover,
  ScrollArea,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import type { AgentView } from '../../../src/protocol/agent.js';
import { errorText } from '../api.js';
import type { ConflictReport, Radar } from './use-radar.js';

type Pair = ConflictReport['pairs'][number];
type Verdict = 'conflict' | 'overlap' | 'clean' | 'none';

const LOOK: Record<Verdict, { bg: string; mark: string; label: string }> = {
  conflict: { bg: 'var(--mantine-color-red-6)', mark: '✗', label: 'would conflict' },
  overlap: { bg: 'var(--mantine-color-yellow-5)', mark: '!', label: 'both change files, merges cleanly' },
  clean: { bg: 'var(--mantine-color-green-6)', mark: '✓', label: 'merges cleanly' },
  none: { bg: 'transparent', mark: '·', label: 'not compared (another repository)' },
};

const verdictOf = (p: Pair | undefined): Verdict =>
  !p ? 'none' : p.conflicting ? 'conflict' : p.overlapping.length > 0 ? 'overlap' : 'clean';

/** Agents (in the fleet's order) first, then the bases and anything else the report names. */
function namesOf(report: ConflictReport, agents: AgentView[]): string[] {
  const named = new Set(report.pairs.flatMap((p) => [p.a, p.b]));
  const first = agents.map((a) => a.name).filter((n) => named.has(n));
  return [...first, ...[...named].filter((n) => !first.includes(n)).sort()];
}

function PairDetails({ a, b, pair }: { a: string; b: string; pair: Pair | undefined }) {
  const v = verdictOf(pair);
  return (
    <Stack gap={4} maw={340}>
      <Text size="sm" fw={600}>
        {a} × {b}: {LOOK[v].label}
      </Text>
      {pair?.conflicts.map((c) => (
        <Text size="xs" key={c.path} ff="monospace">
          {c.path} ({c.kind}
          {c.hunks.length > 0 ? `, lines ${c.hunks.join(', ')}` : ''})
        </Text>
      ))}
      {pair && pair.overlapping.length > 0 ? (
        <Text size="xs">Both change: {pair.overlapping.join(', ')}</Text>
      ) : null}
    </Stack>
  );
}

function Cell({ a, b, pair }: { a: string; b: string; pair: Pair | undefined }) {
  const v = verdictOf(pair);
  const square = (
    <Box
      component="button"
      type="button"
      aria-label={`${a} × ${b}: ${LOOK[v].label}`}
      data-testid="radar-cell"
      data-a={a}
      data-b={b}
      data-verdict={v}
      w={30}
      h={30}
      style={{
        background: LOOK[v].bg,
        color: v === 'overlap' ? 'black' : 'white',
        border: v === 'none' ? '1px dashed var(--mantine-color-gray-5)' : 'none',
        borderRadius: 4,
        cursor: v === 'none' ? 'default' : 'pointer',
        fontWeight: 700,
      }}
    >
      {v === 'none' ? '' : LOOK[v].mark}
    </Box>
  );
  if (v === 'none') return square;
  return (
    <Popover withArrow shadow="md" position="right" transitionProps={{ duration: 0 }}>
      <Popover.Target>{square}</Popover.Target>
      <Popover.Dropdown data-testid="radar-details">
        <PairDetails a={a} b={b} pair={pair} />
      </Popover.Dropdown>
    </Popover>
  );
}

/**
 * The conflict radar as a matrix of agents (and their bases): red where merging two branches would
 * conflict (files and hunks on click), amber where both change the same files but merge cleanly,
 * green where they merge cleanly; then the real conflicts in words and the suggested merge order.
 */
export function RadarMatrix({ radar, agents }: { radar: Radar; agents: AgentView[] }) {
  const { report, error, running, rerun } = radar;
  const names = report ? namesOf(report, agents) : [];
  const pairOf = (a: string, b: string): Pair | undefined =>
    report?.pairs.find((p) => (p.a === a && p.b === b) || (p.a === b && p.b === a));
  const conflicts = report?.pairs.filter((p) => p.conflicting) ?? [];
  return (
    <Stack gap="sm" data-testid="radar">
      <Group justify="space-between">
        <Title order={5}>Conflict radar</Title>
        <Button size="xs" variant="light" loading={running} onClick={rerun} data-testid="radar-rerun">
          Check again
        </Button>
      </Group>
      {error ? <Alert color="red">{errorText(error)}</Alert> : null}
      {report && names.length === 0 ? (
        <Text c="dimmed" size="sm">
          No agent branches to compare.
        </Text>
      ) : null}
      {names.length > 0 ? (
        <ScrollArea type="auto">
          <Table withRowBorders={false} verticalSpacing={2} horizontalSpacing={4} w="auto">
            <Table.Thead>
              <Table.Tr>
                <Table.Th />
                {names.map((n) => (
                  <Table.Th key={n} style={{ textAlign: 'center', fontWeight: 600, fontSize: 12 }}>
                    {n}
                  </Table.Th>
                ))}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {names.map((a) => (
                <Table.Tr key={a}>
                  <Table.Th style={{ fontSize: 12, whiteSpace: 'nowrap' }}>{a}</Table.Th>
                  {names.map((b) => (
                    <Table.Td key={b} style={{ textAlign: 'center' }}>
                      {a === b ? <Text c="dimmed">—</Text> : <Cell a={a} b={b} pair={pairOf(a, b)} />}
                    </Table.Td>
                  ))}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </ScrollArea>
      ) : null}
      {names.length > 0 ? (
        <Group gap="md">
          {(['conflict', 'overlap', 'clean'] as const).map((v) => (
            <Group gap={4} key={v}>
              <Box w={12} h={12} style={{ background: LOOK[v].bg, borderRadius: 2 }} />
              <Text size="xs">{LOOK[v].label}</Text>
            </Group>
          ))}
        </Group>
      ) : null}
      {conflicts.length > 0 ? (
        <List size="sm" spacing={2} data-testid="radar-conflicts">
          {conflicts.map((p) => (
            <List.Item key={`${p.a}\u0000${p.b}`}>
              <b>{p.a}</b> × <b>{p.b}</b>: {p.conflicts.map((c) => c.path).join(', ')}
            </List.Item>
          ))}
        </List>
      ) : null}
      {report && report.mergeOrder.order.length > 0 ? (
        <Stack gap={2} data-testid="merge-order">
          <Text size="sm">
            Suggested merge order: <b>{report.mergeOrder.order.join(' → ')}</b>
          </Text>
          {report.mergeOrder.notes.map((n) => (
            <Text size="xs" c="dimmed" key={n}>
              {n}
            </Text>
          ))}
        </Stack>
      ) : null}
    </Stack>
  );
}
