import { Alert, Button, Checkbox, Code, Group, Stack, Text, TextInput, Title } from '@mantine/core';
import { useState } from 'react';
import type { AgentView } from '../../../src/protocol/agent.js';
import type { RouteResponse } from '../../../src/protocol/routes.js';
import { client, errorText, AppError } from '../api.js';
import { PullRequestCard } from './pull-request-card.js';

type Outcome =
  | { kind: 'pushed'; result: RouteResponse<'agentPush'> }
  | { kind: 'opened'; result: RouteResponse<'agentPrCreate'> }
  | { kind: 'failed'; error: unknown };

const PUSHED: Record<RouteResponse<'agentPush'>['status'], string> = {
  new: 'a new branch',
  updated: 'a fast-forward',
  forced: 'replaced with --force-with-lease',
  'up-to-date': 'already up to date',
};

/** What a push or a pull request did, or why it was refused (the message says what to do next). */
function OutcomeView({ outcome }: { outcome: Outcome }) {
  if (outcome.kind === 'failed') {
    const code = outcome.error instanceof AppError ? outcome.error.code : 'ERROR';
    return (
      <Alert color="red" title="Refused" data-testid="delivery-result" data-code={code}>
        <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
          {errorText(outcome.error)}
        </Text>
      </Alert>
    );
  }
  const pushed = outcome.kind === 'pushed' ? outcome.result : outcome.result.pushed;
  return (
    <Alert
      color="green"
      title={outcome.kind === 'pushed' ? 'Pushed' : 'Pull request opened'}
      data-testid="delivery-result"
      data-code="OK"
    >
      <Text size="sm">
        <Code>{pushed.branch}</Code> is on {pushed.remote} at <Code>{pushed.commit.slice(0, 12)}</Code> (
        {PUSHED[pushed.status]}); it tracks <Code>{pushed.upstream}</Code>.
      </Text>
      {outcome.kind === 'opened' && !outcome.result.created ? (
        <Text size="sm">An open pull request for the branch existed: it was taken.</Text>
      ) : null}
    </Alert>
  );
}

/**
 * Delivering the agent's branch where the team reviews it: push it (optionally replacing a
 * rewritten remote branch with --force-with-lease), or push and open a pull request through gh
 * or glab; then its pull request with the checks that came back.
 */
export function DeliveryPanel({ agent }: { agent: AgentView }) {
  const wt = agent.worktree;
  const [remote, setRemote] = useState('');
  const [lease, setLease] = useState(false);
  const [title, setTitle] = useState('');
  const [base, setBase] = useState('');
  const [draft, setDraft] = useState(false);
  const [running, setRunning] = useState<'push' | 'pr' | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  if (!wt?.branch) return null;

  const act = async (what: 'push' | 'pr'): Promise<void> => {
    setRunning(what);
    setOutcome(null);
    const on = remote.trim() ? { remote: remote.trim() } : {};
    try {
      if (what === 'push') {
        const result = await client.call('agentPush', {
          params: { agent: agent.id },
          body: { ...on, forceWithLease: lease },
        });
        setOutcome({ kind: 'pushed', result });
      } else {
        const result = await client.call('agentPrCreate', {
          params: { agent: agent.id },
          body: {
            ...on,
            draft,
            ...(title.trim() ? { title: title.trim() } : {}),
            ...(base.trim() ? { base: base.trim() } : {}),
          },
        });
        setOutcome({ kind: 'opened', result });
      }
    } catch (error) {
      setOutcome({ kind: 'failed', error });
    } finally {
      setRunning(null);
    }
  };

  return (
    <Stack gap="xs" data-testid="delivery-panel">
      <Title order={5}>Deliver {wt.branch}</Title>
      <TextInput
        size="xs"
        label="Remote"
        placeholder="origin (config forge.remote)"
        value={remote}
        onChange={(e) => setRemote(e.currentTarget.value)}
        data-testid="delivery-remote"
      />
      <Checkbox
        size="xs"
        label="Replace a rewritten remote branch (--force-with-lease)"
        checked={lease}
        onChange={(e) => setLease(e.currentTarget.checked)}
        data-testid="delivery-lease"
      />
      <Group>
        <Button
          variant="light"
          loading={running === 'push'}
          disabled={running !== null}
          onClick={() => void act('push')}
          data-testid="push-button"
        >
          Push
        </Button>
      </Group>
      {agent.pullRequest?.state === 'open' ? null : (
        <>
          <TextInput
            size="xs"
            label="Pull request title"
            placeholder="the task's title, else the commit's subject"
            value={title}
            onChange={(e) => setTitle(e.currentTarget.value)}
            data-testid="pr-title"
          />
          <TextInput
            size="xs"
            label="For branch"
            placeholder={wt.base}
            value={base}
            onChange={(e) => setBase(e.currentTarget.value)}
            data-testid="pr-base"
          />
          <Checkbox
            size="xs"
            label="Draft"
            checked={draft}
            onChange={(e) => setDraft(e.currentTarget.checked)}
            data-testid="pr-draft"
          />
          <Group>
            <Button
              color="grape"
              loading={running === 'pr'}
              disabled={running !== null}
              onClick={() => void act('pr')}
              data-testid="pr-button"
            >
              Open pull request
            </Button>
          </Group>
        </>
      )}
      {outcome ? <OutcomeView outcome={outcome} /> : null}
      {agent.pullRequest ? <PullRequestCard agent={agent} /> : null}
    </Stack>
  );
}
