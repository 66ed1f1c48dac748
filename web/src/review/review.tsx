import { Alert, Divider, Grid, Group, Loader, Stack, Text } from '@mantine/core';
import type { AgentView } from '../../../src/protocol/agent.js';
import { errorText } from '../api.js';
import { AgentCards, AgentPicker } from './agent-picker.js';
import { DiffStat } from './diff-stat.js';
import { DiffViewer } from './diff-viewer.js';
import { FeedbackPanel } from './feedback-panel.js';
import { DeliveryPanel } from './delivery-panel.js';
import { MergePanel } from './merge-panel.js';
import { RadarMatrix } from './radar-matrix.js';
import { RadarWarning } from './radar-warning.js';
import { useAgentDiff } from './use-agent-diff.js';
import { useCommentDraft } from './use-comment-draft.js';
import { warningsOf } from './radar-warnings.js';
import { useRadar } from './use-radar.js';

/** The agent a route names: its name, `workspace/name` or id. */
function find(agents: AgentView[], ref: string | null): AgentView | null {
  if (ref === null) return null;
  return agents.find((a) => a.id === ref || a.name === ref || `${a.workspace}/${a.name}` === ref) ?? null;
}

function AgentReview({ agent }: { agent: AgentView }) {
  const { diff, error, loading } = useAgentDiff(agent.id);
  const draft = useCommentDraft(agent.id);
  return (
    <Grid gap="md">
      <Grid.Col span={{ base: 12, md: 8 }}>
        {error ? (
          <Alert color="red" title="The diff could not be loaded" mb="sm">
            {errorText(error)}
          </Alert>
        ) : null}
        {diff ? <DiffViewer diff={diff} actions={draft} /> : loading ? <Loader size="sm" /> : null}
      </Grid.Col>
      <Grid.Col span={{ base: 12, md: 4 }}>
        <Stack gap="md">
          <FeedbackPanel
            agent={agent}
            comments={draft.comments}
            onRemove={draft.onRemove}
            onSent={draft.clear}
          />
          <Divider />
          <MergePanel agent={agent} diff={diff} />
          <Divider />
          <DeliveryPanel agent={agent} />
        </Stack>
      </Grid.Col>
    </Grid>
  );
}

/**
 * Review: pick an agent, read its diff (split or unified), comment on lines and send the comments
 * back to it as feedback, merge its branch behind a test command, push it and open a pull request
 * (with the checks that come back); and the conflict radar of all
 * agents' branches. `selected` is the agent of the route `#/review/<agent>`.
 */
export function Review({ agents, selected }: { agents: AgentView[]; selected: string | null }) {
  const agent = find(agents, selected);
  const radar = useRadar();
  const warning = agent ? warningsOf(radar.report).get(agent.id) : undefined;
  return (
    <Stack gap="md" data-testid="review">
      <Group justify="space-between" gap="sm">
        <AgentPicker agents={agents} selected={agent} />
        {agent ? (
          <Group gap="sm">
            <Text size="sm" c="dimmed">
              {agent.worktree?.branch ?? 'no branch'} ← {agent.worktree?.base ?? '—'}
            </Text>
            <DiffStat agent={agent} />
            <RadarWarning warning={warning} />
          </Group>
        ) : null}
      </Group>
      {selected !== null && agent === null && agents.length > 0 ? (
        <Alert color="yellow">No agent “{selected}”.</Alert>
      ) : null}
      {agent && !agent.worktree ? (
        <Text c="dimmed">{agent.name} does not work in a git worktree: there is nothing to review.</Text>
      ) : null}
      {agent?.worktree ? <AgentReview key={agent.id} agent={agent} /> : null}
      {agent ? null : <AgentCards agents={agents} />}
      <Divider />
      <RadarMatrix radar={radar} agents={agents} />
    </Stack>
  );
}
