import { Alert, Anchor, Button, Group, Stack, Table, Text } from '@mantine/core';
import { useState } from 'react';
import type { AgentView } from '../../../src/protocol/agent.js';
import { CHECK_ICONS, httpUrl, prRef, reviewWords } from '../../../src/protocol/pr-words.js';
import { client, errorText } from '../api.js';
import { PrBadge } from '../fleet/pr-badge.js';

const CHECK_COLORS = { pass: 'green.7', fail: 'red.7', pending: 'yellow.8', skipped: 'dimmed' } as const;

/**
 * The agent's pull request as last polled: link, state, review decision, each check with its
 * link; asks the forge again on demand, and sends the failing checks to the agent as feedback.
 */
export function PullRequestCard({ agent }: { agent: AgentView }) {
  const pr = agent.pullRequest;
  const [busy, setBusy] = useState<'refresh' | 'feedback' | null>(null);
  const [note, setNote] = useState<{ ok: boolean; text: string } | null>(null);
  if (!pr) return null;
  const url = httpUrl(pr.url);

  const run = async (what: 'refresh' | 'feedback'): Promise<void> => {
    setBusy(what);
    setNote(null);
    try {
      if (what === 'refresh') {
        await client.call('agentPrRefresh', { params: { agent: agent.id }, body: {} });
      } else {
        const r = await client.call('agentChecksFeedback', {
          params: { agent: agent.id },
          body: { force: false },
        });
        setNote({ ok: true, text: `Sent ${r.failing.join(', ')} to ${agent.name} (round ${r.round}).` });
      }
    } catch (error) {
      setNote({ ok: false, text: errorText(error) });
    } finally {
      setBusy(null);
    }
  };

  return (
    <Stack gap={6} data-testid="pull-request">
      <Group justify="space-between" wrap="nowrap">
        <Text size="sm" fw={600}>
          {url ? (
            <Anchor href={url} target="_blank" rel="noopener noreferrer" data-testid="pr-url">
              {pr.forge === 'gitlab' ? 'Merge' : 'Pull'} request {prRef(pr)}
            </Anchor>
          ) : (
            `Pull request ${prRef(pr)}`
          )}{' '}
          · {pr.draft && pr.state === 'open' ? 'draft' : pr.state} · review: {reviewWords(pr)}
        </Text>
        <PrBadge agent={agent} />
      </Group>
      {pr.checks.length > 0 ? (
        <Table withRowBorders={false} verticalSpacing={2} fz="xs" data-testid="checks">
          <Table.Tbody>
            {pr.checks.map((c, i) => {
              const link = httpUrl(c.url);
              return (
                <Table.Tr key={`${c.name}-${i}`} data-check={c.name} data-state={c.state}>
                  <Table.Td c={CHECK_COLORS[c.state]}>{CHECK_ICONS[c.state]}</Table.Td>
                  <Table.Td>{c.workflow ? `${c.workflow} / ${c.name}` : c.name}</Table.Td>
                  <Table.Td>
                    {link ? (
                      <Anchor href={link} target="_blank" rel="noopener noreferrer" size="xs">
                        {c.conclusion}
                      </Anchor>
                    ) : (
                      c.conclusion
                    )}
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      ) : (
        <Text size="xs" c="dimmed">
          No checks reported{pr.polledAt ? '' : ' yet (not polled)'}.
        </Text>
      )}
      {pr.pollError ? (
        <Text size="xs" c="red.7">
          The last poll failed: {pr.pollError}
        </Text>
      ) : null}
      <Group gap="xs">
        <Button
          size="xs"
          variant="default"
          loading={busy === 'refresh'}
          disabled={busy !== null}
          onClick={() => void run('refresh')}
          data-testid="pr-refresh"
        >
          Refresh
        </Button>
        {pr.checksState === 'failing' && pr.state === 'open' ? (
          <Button
            size="xs"
            color="red"
            variant="light"
            loading={busy === 'feedback'}
            disabled={busy !== null}
            onClick={() => void run('feedback')}
            data-testid="checks-feedback"
          >
            Send failing checks to {agent.name}
          </Button>
        ) : null}
      </Group>
      {note ? (
        <Alert color={note.ok ? 'green' : 'red'} p="xs" data-testid="pr-note">
          <Text size="xs">{note.text}</Text>
        </Alert>
      ) : null}
    </Stack>
  );
}
