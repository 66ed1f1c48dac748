import {
  Alert,
  Badge,
  Button,
  Card,
  Checkbox,
  Code,
  Group,
  Loader,
  Modal,
  Select,
  SimpleGrid,
  Spoiler,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { AttemptComparison, PickResult, TaskComparison } from '../../../src/protocol/task-compare.js';
import { client, errorText } from '../api.js';
import { go } from '../route.js';

const seconds = (ms: number): string =>
  ms < 60_000 ? `${Math.round(ms / 100) / 10} s` : `${Math.round(ms / 60_000)} min`;

/** Best of N side by side (`#/tasks/<id>`): each attempt's diff, test, time and states; pick one. */
export function TaskCompare({ taskId }: { taskId: string }) {
  const [data, setData] = useState<TaskComparison | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [picking, setPicking] = useState<AttemptComparison | null>(null);
  const [picked, setPicked] = useState<PickResult | null>(null);
  const [testing, setTesting] = useState(false);
  // Twice: at once without the test command (diffs, times, states), then with it (it can take
  // minutes). A newer load (Run again, another task) makes the answers of an older one stale.
  const generation = useRef(0);
  const load = useCallback(() => {
    const mine = ++generation.current;
    const current = (): boolean => generation.current === mine;
    setError(null);
    setData(null);
    const params = { task: taskId };
    const compare = (noTest: boolean) =>
      noTest ? client.call('compareTask', { params }) : client.call('compareTaskTests', { params, body: {} });
    compare(true)
      .then((quick) => {
        if (!current()) return;
        setData(quick);
        setTesting(true);
        return compare(false).then((full) => current() && setData(full));
      })
      .catch((err: unknown) => current() && setError(errorText(err)))
      .finally(() => current() && setTesting(false));
  }, [taskId]);
  useEffect(() => {
    load();
    return () => void generation.current++;
  }, [load]);
  return (
    <Stack gap="sm" data-testid="compare">
      <Group justify="space-between">
        <Title order={4}>
          {data ? `${data.task.title}: best of ${data.task.attempts}` : 'Comparing the attempts'}
        </Title>
        <Group gap="xs">
          <Button size="xs" variant="default" onClick={load} disabled={testing}>
            Run again
          </Button>
          <Button size="xs" variant="subtle" onClick={() => go('tasks')}>
            Back to the board
          </Button>
        </Group>
      </Group>
      {error ? <Alert color="red">{error}</Alert> : null}
      {picked ? (
        <Alert color="teal" title="Merged" data-testid="picked">
          {picked.merged.agent}’s work is on {picked.merged.target}
          {picked.merged.commit ? ` (${picked.merged.commit.slice(0, 10)})` : ''}; the task is{' '}
          {picked.task.status}.{picked.removed.length > 0 ? ` Removed: ${picked.removed.join(', ')}.` : ''}
          {picked.kept.length > 0 ? ` Kept: ${picked.kept.join(', ')}.` : ''}
        </Alert>
      ) : null}
      {(!data && !error) || testing ? (
        <Group gap="xs" data-testid="compare-progress">
          <Loader size="sm" />
          <Text size="sm" c="dimmed">
            {data
              ? 'Running the repository’s test command in each attempt’s worktree…'
              : 'Diffing each attempt…'}
          </Text>
        </Group>
      ) : null}
      {data ? (
        <SimpleGrid cols={{ base: 1, sm: Math.min(data.attempts.length, 4) }}>
          {data.attempts.map((a) => (
            <Attempt
              key={a.attempt}
              a={a}
              canPick={data.task.status === 'review' && !picked}
              onPick={() => setPicking(a)}
            />
          ))}
        </SimpleGrid>
      ) : null}
      {picking && data ? (
        <PickModal
          taskId={taskId}
          attempt={picking}
          onClose={() => setPicking(null)}
          onPicked={(r) => {
            setPicking(null);
            setPicked(r);
          }}
        />
      ) : null}
    </Stack>
  );
}

function Attempt({ a, canPick, onPick }: { a: AttemptComparison; canPick: boolean; onPick(): void }) {
  const r = a.run;
  return (
    <Card withBorder data-testid="attempt" data-attempt={a.attempt}>
      <Group justify="space-between">
        <Text fw={700}>Attempt {a.attempt}</Text>
        <Badge>{r.status}</Badge>
      </Group>
      <Text size="sm" c="dimmed">
        {r.agent ?? r.agentId} · {r.profile}
        {r.model ? ` · ${r.model}` : ''} · {a.tries} tr{a.tries === 1 ? 'y' : 'ies'}
      </Text>
      <Text size="sm" mt="xs" data-testid="attempt-diff">
        {a.diff
          ? `${a.diff.files} file${a.diff.files === 1 ? '' : 's'} +${a.diff.insertions} −${a.diff.deletions}`
          : `no diff: ${a.diffError ?? 'unknown'}`}
      </Text>
      <Text size="sm" data-testid="attempt-test">
        {a.test ? (
          <Badge color={a.test.passed ? 'teal' : 'red'} size="sm">
            test{' '}
            {a.test.passed
              ? 'passed'
              : `failed (exit ${a.test.exitCode}${a.test.timedOut ? ', timed out' : ''})`}
          </Badge>
        ) : (
          <Text span size="sm" c="dimmed">
            no test: {a.testSkipped ?? 'none'}
          </Text>
        )}
      </Text>
      {a.test ? (
        <Spoiler maxHeight={0} showLabel="test output" hideLabel="hide">
          <Code block>{a.test.output || '(no output)'}</Code>
        </Spoiler>
      ) : null}
      <Table mt="xs" withRowBorders={false} verticalSpacing={2}>
        <Table.Tbody>
          {(['working', 'waiting', 'idle', 'other'] as const).map((k) => (
            <Table.Tr key={k}>
              <Table.Td>{k}</Table.Td>
              <Table.Td ta="right">{seconds(a.time[k])}</Table.Td>
            </Table.Tr>
          ))}
          <Table.Tr>
            <Table.Td fw={600}>in all</Table.Td>
            <Table.Td ta="right" fw={600}>
              {seconds(a.ms)}
            </Table.Td>
          </Table.Tr>
        </Table.Tbody>
      </Table>
      <Text size="xs" c="dimmed" mt="xs">
        {a.states.map((s) => s.state).join(' → ')}
      </Text>
      <Button mt="sm" disabled={!canPick} onClick={onPick} data-testid="pick">
        Pick attempt {a.attempt}
      </Button>
    </Card>
  );
}

function PickModal(p: {
  taskId: string;
  attempt: AttemptComparison;
  onClose(): void;
  onPicked(r: PickResult): void;
}) {
  const [keepOthers, setKeepOthers] = useState(false);
  const [strategy, setStrategy] = useState<'merge' | 'squash' | 'rebase'>('merge');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const pick = (): void => {
    setBusy(true);
    setError(null);
    client
      .call('pickAttempt', {
        params: { task: p.taskId },
        body: { attempt: p.attempt.attempt, keepOthers, strategy },
      })
      .then(p.onPicked)
      .catch((err: unknown) => setError(errorText(err)))
      .finally(() => setBusy(false));
  };
  return (
    <Modal opened onClose={p.onClose} title={`Pick attempt ${p.attempt.attempt}?`} data-testid="pick-modal">
      <Stack gap="xs">
        <Text size="sm">
          Its uncommitted work is committed and its branch merged; the task becomes done. The other attempts
          are marked discarded
          {keepOthers
            ? ' and kept'
            : ', and their agents, worktrees and branches removed (uncommitted work in them is lost)'}
          .
        </Text>
        <Select
          label="Strategy"
          data={['merge', 'squash', 'rebase']}
          value={strategy}
          onChange={(v) => v && setStrategy(v as typeof strategy)}
          allowDeselect={false}
        />
        <Checkbox
          label="Keep the other attempts' agents and worktrees"
          checked={keepOthers}
          onChange={(e) => setKeepOthers(e.currentTarget.checked)}
        />
        {error ? <Alert color="red">{error}</Alert> : null}
        <Group justify="flex-end">
          <Button variant="default" onClick={p.onClose}>
            Cancel
          </Button>
          <Button onClick={pick} loading={busy} data-testid="pick-confirm">
            Pick and merge
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
