import { Button, Code, Group, Modal, SegmentedControl, Stack, Text, TextInput, Title } from '@mantine/core';
import { useState } from 'react';
import type { AgentView } from '../../../src/protocol/agent.js';
import { client, AppError } from '../api.js';
import { MergeOutcomeView, type MergeOutcome } from './merge-outcome.js';
import type { AgentDiff } from './use-agent-diff.js';

type Strategy = 'merge' | 'squash' | 'rebase';

/**
 * Merging the agent's branch: strategy, target branch (default its base), a test command that must
 * pass first, and a commit message for uncommitted work (shown when the diff has untracked files or
 * the daemon answers MERGE_UNCOMMITTED). Asks for confirmation, then shows what happened.
 */
export function MergePanel({ agent, diff }: { agent: AgentView; diff: AgentDiff | null }) {
  const wt = agent.worktree;
  const [strategy, setStrategy] = useState<Strategy>('merge');
  const [into, setInto] = useState('');
  const [test, setTest] = useState('');
  const [message, setMessage] = useState('');
  const [askCommit, setAskCommit] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [running, setRunning] = useState(false);
  const [outcome, setOutcome] = useState<MergeOutcome | null>(null);

  if (!wt?.branch) {
    return (
      <Text size="sm" c="dimmed">
        {agent.name} works in the repository itself: there is no branch to merge.
      </Text>
    );
  }
  const showCommit = askCommit || (diff?.files.some((f) => f.status === 'untracked') ?? false);
  const target = into.trim() || wt.base;

  const merge = async (): Promise<void> => {
    setConfirming(false);
    setRunning(true);
    setOutcome(null);
    try {
      const body = {
        strategy,
        ...(into.trim() ? { into: into.trim() } : {}),
        ...(test.trim() ? { test: test.trim() } : {}),
        ...(showCommit && message.trim() ? { commit: message.trim() } : {}),
      };
      const result = await client.call('agentMerge', { params: { agent: agent.id }, body });
      setOutcome({ kind: 'merged', result });
    } catch (error) {
      if (error instanceof AppError && error.code === 'MERGE_UNCOMMITTED') setAskCommit(true);
      setOutcome({ kind: 'failed', error });
    } finally {
      setRunning(false);
    }
  };

  return (
    <Stack gap="xs" data-testid="merge-panel">
      <Title order={5}>Merge {wt.branch}</Title>
      <SegmentedControl
        size="xs"
        value={strategy}
        onChange={(v) => setStrategy(v as Strategy)}
        data={['merge', 'squash', 'rebase']}
        data-testid="merge-strategy"
      />
      <TextInput
        size="xs"
        label="Into branch"
        placeholder={wt.base}
        value={into}
        onChange={(e) => setInto(e.currentTarget.value)}
        data-testid="merge-into"
      />
      <TextInput
        size="xs"
        label="Test command"
        description="Runs in the worktree first (sh -c); merged only if it passes"
        placeholder="e.g. npm test"
        value={test}
        onChange={(e) => setTest(e.currentTarget.value)}
        data-testid="merge-test"
      />
      {showCommit ? (
        <TextInput
          size="xs"
          label="Commit message for uncommitted work"
          description="The worktree has uncommitted work: it is committed with this message, then merged"
          value={message}
          onChange={(e) => setMessage(e.currentTarget.value)}
          data-testid="merge-commit-message"
        />
      ) : null}
      <Group>
        <Button
          color="grape"
          loading={running}
          onClick={() => setConfirming(true)}
          data-testid="merge-button"
        >
          Merge…
        </Button>
      </Group>
      {outcome ? <MergeOutcomeView outcome={outcome} /> : null}
      <Modal opened={confirming} onClose={() => setConfirming(false)} title="Merge?" centered>
        <Stack gap="sm">
          <Text size="sm">
            {strategy === 'merge' ? 'Merge' : strategy === 'squash' ? 'Squash' : 'Rebase'}{' '}
            <Code>{wt.branch}</Code> into <Code>{target}</Code>
            {test.trim() ? (
              <>
                {' '}
                once <Code>{test.trim()}</Code> passes in the worktree
              </>
            ) : null}
            .
          </Text>
          {showCommit && message.trim() ? (
            <Text size="sm">Uncommitted work is committed first as “{message.trim()}”.</Text>
          ) : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirming(false)}>
              Cancel
            </Button>
            <Button color="grape" onClick={() => void merge()} data-testid="merge-confirm">
              Merge
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}
