import { Anchor, Badge, Group, Text } from '@mantine/core';
import type { AgentView } from '../../../src/protocol/agent.js';
import { checksWords, httpUrl, prRef } from '../../../src/protocol/pr-words.js';

type Pr = NonNullable<AgentView['pullRequest']>;

/** The badge's colour and words: the checks of an open pull request, else merged or closed. */
export function checksBadge(pr: Pr): { color: string; label: string } {
  if (pr.state === 'merged') return { color: 'grape', label: 'merged' };
  if (pr.state === 'closed') return { color: 'gray', label: 'closed' };
  const by = new Map<unknown, { color: string; label: string }>([
    ['passing', { color: 'green', label: 'checks pass' }],
    ['failing', { color: 'red', label: 'checks fail' }],
    ['pending', { color: 'yellow', label: 'checks running' }],
    ['none', { color: 'gray', label: 'no checks' }],
  ]);
  // A pull request without a known checks state (another machine's version, a damaged row): said so.
  return by.get(pr.checksState) ?? { color: 'gray', label: 'checks unknown' };
}

/** The agent's pull request: its link (`#12`, `!12` on GitLab) and a badge of its checks; nothing without one. */
export function PrBadge({ agent }: { agent: AgentView }) {
  const pr = agent.pullRequest;
  if (!pr) return null;
  const url = httpUrl(pr.url);
  const badge = checksBadge(pr);
  const checks = Array.isArray(pr.checks) ? checksWords(pr) : 'unknown';
  const title = `${pr.title} (${pr.head} → ${pr.base}): checks ${checks}${pr.pollError ? `; last poll failed: ${pr.pollError}` : ''}`;
  return (
    <Group gap={4} wrap="nowrap" data-testid="pr" title={title}>
      {url ? (
        <Anchor href={url} target="_blank" rel="noopener noreferrer" size="sm" data-testid="pr-link">
          {prRef(pr)}
        </Anchor>
      ) : (
        <Text span size="sm">
          {prRef(pr)}
        </Text>
      )}
      <Badge
        size="xs"
        variant="light"
        color={badge.color}
        data-testid="checks-badge"
        data-state={pr.checksState}
      >
        {badge.label}
      </Badge>
    </Group>
  );
}
