import { Button, CloseButton, Group, Text, TextInput, Tooltip } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { useState } from 'react';
import type { AgentView } from '../../../src/protocol/agent.js';
import {
  ANSWERABLE,
  answer,
  current,
  dismissOutcome,
  shownAbout,
  useAgentAnswers,
  useProfileAnswers,
  type Outcome,
} from './answer-store.js';

/**
 * Approve / Always / Deny for an agent asking for permission, an answer box and its options for
 * one asking a question, and the outcome of the last answer. `compact` (a fleet row): no deny
 * message and, when the options are known, no free-text box.
 */
export function AnswerBar({ agent, compact = false }: { agent: AgentView; compact?: boolean }) {
  const { busy, outcome } = useAgentAnswers(agent.id);
  // On a phone the Inbox's answers are thumb-sized (50 px high); a fleet row stays compact.
  const phone = useMediaQuery('(max-width: 640px)', undefined, { getInitialValueInEffect: false });
  const size = compact ? 'compact-xs' : phone ? 'lg' : 'compact-sm';
  const shown = current(outcome, agent);
  const waits = ANSWERABLE.has(agent.state);
  if (!waits && !shown) return null;
  return (
    <Group gap={6} wrap={compact ? 'nowrap' : 'wrap'} data-testid="answer-bar" data-agent={agent.name}>
      {agent.state === 'needs_permission' ? (
        <PermissionButtons agent={agent} busy={busy} compact={compact} size={size} />
      ) : null}
      {agent.state === 'needs_input' ? (
        <QuestionInputs agent={agent} busy={busy} compact={compact} size={size} />
      ) : null}
      {shown ? <OutcomeLine agent={agent} outcome={shown} compact={compact} /> : null}
    </Group>
  );
}

type BarProps = { agent: AgentView; busy: boolean; compact: boolean; size: string };

function PermissionButtons({ agent, busy, compact, size }: BarProps) {
  const [message, setMessage] = useState('');
  const answers = useProfileAnswers()?.get(agent.profile);
  // A profile that declares no answers: the terminal is the way (ANSWER_NOT_SUPPORTED otherwise).
  if (answers === null) return null;
  const about = shownAbout(agent);
  const what = about ? `: ${about}` : '';
  const field = size === 'lg' ? 'lg' : 'xs';
  return (
    <>
      <Tooltip label={`Approve this once${what}`}>
        <Button
          size={size}
          color="green"
          loading={busy}
          disabled={busy}
          onClick={() => void answer(agent, { action: 'approve' })}
          data-testid="answer-approve"
        >
          Approve
        </Button>
      </Tooltip>
      {answers?.always ? (
        <Tooltip label="Approve and stop asking, as the dialog’s own option says; an option that changes the session’s permission mode asks you first">
          <Button
            size={size}
            variant="light"
            color="green"
            disabled={busy}
            onClick={() => void answer(agent, { action: 'always' })}
            data-testid="answer-always"
          >
            Always
          </Button>
        </Tooltip>
      ) : null}
      {compact ? null : (
        <TextInput
          size={field}
          placeholder="Why deny (optional)"
          value={message}
          onChange={(e) => setMessage(e.currentTarget.value)}
          disabled={busy}
          w={field === 'lg' ? '100%' : 220}
          data-testid="answer-message"
        />
      )}
      <Tooltip
        label={`Deny${what}${compact ? '' : '; your reason, if given, goes to it as its next prompt'}`}
      >
        <Button
          size={size}
          color="red"
          variant="light"
          disabled={busy}
          onClick={() => {
            const m = message.trim();
            void answer(agent, m ? { action: 'deny', message: m } : { action: 'deny' });
          }}
          data-testid="answer-deny"
        >
          Deny
        </Button>
      </Tooltip>
    </>
  );
}

function QuestionInputs({ agent, busy, compact, size }: BarProps) {
  const [text, setText] = useState('');
  const options = agent.stateDetail.request?.options ?? [];
  const field = size === 'lg' ? 'lg' : 'xs';
  const send = () => {
    const t = text.trim();
    if (t) void answer(agent, { action: 'answer', text: t });
  };
  return (
    <>
      {options.map((o, i) => (
        <Button
          key={`${i}-${o}`}
          size={size}
          variant="light"
          disabled={busy}
          onClick={() => void answer(agent, { action: 'answer', text: o })}
          data-testid="answer-option"
          data-option={o}
        >
          {o}
        </Button>
      ))}
      {compact && options.length > 0 ? null : (
        <>
          <TextInput
            size={field}
            placeholder={
              agent.stateDetail.verdict?.says === 'question' ? 'Your reply (its next prompt)' : 'Your answer'
            }
            value={text}
            onChange={(e) => setText(e.currentTarget.value)}
            onKeyDown={(e) => e.key === 'Enter' && send()}
            disabled={busy}
            w={compact ? 140 : field === 'lg' ? '100%' : 260}
            {...(compact ? { styles: { input: { height: 22, minHeight: 22 } } } : {})}
            data-testid="answer-text"
          />
          <Button
            size={size}
            loading={busy}
            disabled={busy || text.trim() === ''}
            onClick={send}
            data-testid="answer-send"
          >
            Answer
          </Button>
        </>
      )}
    </>
  );
}

function OutcomeLine({ agent, outcome, compact }: { agent: AgentView; outcome: Outcome; compact: boolean }) {
  const id = agent.id;
  const stillThere = outcome.modeOption !== undefined && agent.stateSince === outcome.since;
  return (
    <Group gap={2} wrap="nowrap" style={{ minWidth: 0 }}>
      <Text
        size={compact ? 'xs' : 'sm'}
        c={outcome.ok ? 'green' : 'red'}
        {...(compact ? { lineClamp: 2 } : {})}
        title={outcome.text}
        data-testid="answer-outcome"
        data-ok={outcome.ok}
        data-code={outcome.code}
      >
        {outcome.text}
      </Text>
      {stillThere ? (
        <Button
          size="compact-xs"
          color="orange"
          variant="light"
          onClick={() => void answer(agent, { action: 'always', acceptModeChange: true })}
          data-testid="answer-accept-mode"
        >
          Press it anyway
        </Button>
      ) : null}
      <CloseButton size="xs" aria-label="Dismiss" onClick={() => dismissOutcome(id)} />
    </Group>
  );
}
