import { Alert, Button, Code, Group, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { RemoveComment } from './remove-comment.js';
import type { AgentView } from '../../../src/protocol/agent.js';
import { client, errorText, AppError } from '../api.js';
import { composeFeedback, where, type ReviewComment } from './comments.js';

type Outcome =
  | { kind: 'sent'; bytes: number; seq: number; count: number }
  | { kind: 'busy'; message: string }
  | { kind: 'error'; message: string };

/**
 * The draft of line comments and "Send feedback": one message typed to the agent through the
 * safe-input path. While the agent works the daemon refuses (AGENT_BUSY): the panel says so and
 * offers to send anyway.
 */
export function FeedbackPanel({
  agent,
  comments,
  onRemove,
  onSent,
}: {
  agent: AgentView;
  comments: ReviewComment[];
  onRemove: (id: number) => void;
  onSent: () => void;
}) {
  const [sending, setSending] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);

  const send = async (force: boolean): Promise<void> => {
    setSending(true);
    const count = comments.length;
    try {
      const text = composeFeedback(comments);
      const r = await client.call('agentFeedback', { params: { agent: agent.id }, body: { text, force } });
      setOutcome({ kind: 'sent', bytes: r.bytes, seq: r.seq, count });
      onSent();
    } catch (err) {
      if (err instanceof AppError && err.code === 'AGENT_BUSY') {
        const evidence = err.details?.['evidence'];
        const why = typeof evidence === 'string' && evidence ? ` (${evidence})` : '';
        setOutcome({ kind: 'busy', message: `${agent.name} is in the middle of a turn${why}.` });
      } else setOutcome({ kind: 'error', message: errorText(err) });
    } finally {
      setSending(false);
    }
  };

  return (
    <Stack gap="xs" data-testid="feedback">
      <Title order={5}>Feedback to {agent.name}</Title>
      {comments.length === 0 ? (
        <Text size="sm" c="dimmed">
          No comments yet: click a line number in the diff to comment on it.
        </Text>
      ) : (
        <Stack gap={4} data-testid="draft">
          {comments.map((c) => (
            <Group key={c.id} gap="xs" wrap="nowrap" align="flex-start" data-testid="draft-comment">
              <Stack gap={0} style={{ flex: 1, minWidth: 0 }}>
                <Code style={{ wordBreak: 'break-all' }}>{where(c)}</Code>
                <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
                  {c.text}
                </Text>
              </Stack>
              <RemoveComment onClick={() => onRemove(c.id)} />
            </Group>
          ))}
        </Stack>
      )}
      <Button
        onClick={() => void send(false)}
        loading={sending}
        disabled={comments.length === 0}
        data-testid="send-feedback"
      >
        Send feedback ({comments.length})
      </Button>
      {outcome?.kind === 'busy' ? (
        <Alert color="orange" title={`${agent.name} is working`} data-testid="feedback-busy">
          <Stack gap="xs">
            <Text size="sm">
              {outcome.message} Typing now would land in the middle of its turn; the comments stay in the
              draft.
            </Text>
            <Group>
              <Button
                size="xs"
                color="orange"
                loading={sending}
                onClick={() => void send(true)}
                data-testid="send-anyway"
              >
                Send anyway
              </Button>
            </Group>
          </Stack>
        </Alert>
      ) : null}
      {outcome?.kind === 'sent' ? (
        <Alert color="green" data-testid="feedback-sent">
          Sent {outcome.count} comment{outcome.count === 1 ? '' : 's'} to {agent.name} ({outcome.bytes} bytes,
          event #{outcome.seq}).
        </Alert>
      ) : null}
      {outcome?.kind === 'error' ? (
        <Alert color="red" title="Not sent" data-testid="feedback-error">
          {outcome.message}
        </Alert>
      ) : null}
    </Stack>
  );
}
