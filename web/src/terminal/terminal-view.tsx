import { Alert, Badge, Button, Group, Select, Stack, Switch, Text, Tooltip } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { useEffect, useRef, useState } from 'react';
import type { AgentView } from '../../../src/protocol/agent.js';
import { AnswerBar } from '../answer/answer-bar.js';
import { go } from '../route.js';
import { PermissionBadge } from '../fleet/permission-badge.js';
import { CostBadge } from '../fleet/cost-badge.js';
import { STATE_STYLE } from '../state-style.js';
import { useAgentTerminal, type AgentTerminal } from './use-agent-terminal.js';
import { StateIcon } from '../state-icon.js';

/** Keys a permission prompt or a menu needs, for when there is no keyboard (a phone). */
const QUICK_KEYS: { label: string; keys: string; title: string }[] = [
  { label: 'Esc', keys: '\x1b', title: 'Escape: interrupt the agent, or close a dialog' },
  { label: 'Enter', keys: '\r', title: 'Enter: choose the highlighted option' },
  { label: '↑', keys: '\x1b[A', title: 'Up' },
  { label: '↓', keys: '\x1b[B', title: 'Down' },
  { label: '1', keys: '1', title: 'Option 1 (e.g. Yes)' },
  { label: '2', keys: '2', title: 'Option 2' },
  { label: '3', keys: '3', title: 'Option 3 (e.g. No)' },
  { label: 'Tab', keys: '\t', title: 'Tab' },
  { label: 'Ctrl-C', keys: '\x03', title: 'Ctrl-C' },
];

/** The terminal of one agent, chosen from the fleet (`#/terminal/<agent>`). */
export function TerminalView({ agents, selected }: { agents: AgentView[]; selected: string | null }) {
  const agent = agents.find((a) => a.name === selected || a.id === selected) ?? null;
  const options = agents.map((a) => ({ value: a.name, label: `${a.workspace}/${a.name} — ${a.state}` }));
  return (
    <Stack gap="sm">
      <Select
        data-testid="terminal-agent"
        placeholder="Choose an agent"
        searchable
        data={dedupe(options)}
        value={agent?.name ?? null}
        onChange={(name) => name && go('terminal', name)}
        maw={420}
      />
      {selected && !agent && agents.length > 0 ? (
        <Alert color="red">No agent is called “{selected}”.</Alert>
      ) : null}
      {agent ? <AgentTerminalPanel key={agent.id} agent={agent} /> : null}
    </Stack>
  );
}

function dedupe(options: { value: string; label: string }[]) {
  const seen = new Set<string>();
  return options.filter((o) => !seen.has(o.value) && seen.add(o.value));
}

function AgentTerminalPanel({ agent }: { agent: AgentView }) {
  const narrow = useMediaQuery('(max-width: 640px)', undefined, { getInitialValueInEffect: false });
  const headless = agent.backend === 'headless';
  // A phone-sized terminal would squeeze the agent for everyone: on a phone, fitting is opt-in.
  const [fit, setFit] = useState(headless && !narrow);
  const container = useRef<HTMLDivElement | null>(null);
  const fitted = fit && headless;
  const t = useAgentTerminal(container, agent.id, fitted);
  const height = narrow ? '60vh' : '70vh';
  const box = useRef<HTMLDivElement | null>(null);
  // A terminal larger than the box (a phone): show its bottom, where the prompt is.
  useEffect(() => {
    if (t.status === 'live' && box.current) box.current.scrollTop = box.current.scrollHeight;
  }, [t.status, t.size]);
  const s = STATE_STYLE[agent.state];
  return (
    <Stack gap="xs" data-testid="terminal-panel" data-agent={agent.name} data-status={t.status}>
      <Group gap="xs" wrap="wrap">
        <Badge color={s.color} variant="light" data-testid="terminal-state" data-state={agent.state}>
          <StateIcon state={agent.state} />
          {s.label}
        </Badge>
        <PermissionBadge agent={agent} always />
        <CostBadge agent={agent} detail />
        <Text size="sm" c="dimmed" data-testid="terminal-status">
          {t.status}
          {t.size ? ` · ${t.size.cols}×${t.size.rows}` : ''}
        </Text>
        <Tooltip
          label={
            headless
              ? 'Resize the agent’s terminal to this window'
              : `The size of ${agent.name}’s terminal is set by its ${agent.backend} pane`
          }
        >
          <Switch
            size="xs"
            label="Fit agent to window"
            checked={fit && headless}
            disabled={!headless}
            onChange={(e) => setFit(e.currentTarget.checked)}
          />
        </Tooltip>
        {agent.worktree ? (
          <Button size="compact-xs" variant="subtle" onClick={() => go('review', agent.name)}>
            Review changes
          </Button>
        ) : null}
      </Group>
      <AnswerBar agent={agent} />
      <QuickKeys t={t} />
      {t.held ? <HeldNotice agent={agent} t={t} /> : null}
      {t.error ? <Alert color="red">{t.error}</Alert> : null}
      {t.ended ? (
        <Text size="sm" c="dimmed" data-testid="terminal-ended">
          {agent.name} has ended ({t.ended}); its last output is shown.
        </Text>
      ) : null}
      {/* Fitted, the terminal fills the box; otherwise it keeps the agent's size and the box scrolls. */}
      <div
        ref={box}
        style={{ overflow: 'auto', maxHeight: height, background: '#1e1e1e', borderRadius: 4, padding: 4 }}
      >
        <div
          ref={container}
          data-testid="terminal"
          style={fitted ? { height } : { width: 'max-content', height: 'max-content' }}
        />
      </div>
    </Stack>
  );
}

function QuickKeys({ t }: { t: AgentTerminal }) {
  return (
    <Group gap={4} wrap="wrap" data-testid="quick-keys">
      {QUICK_KEYS.map((k) => (
        <Tooltip key={k.label} label={k.title}>
          <Button size="compact-xs" variant="default" onClick={() => t.type(k.keys)} data-key={k.label}>
            {k.label}
          </Button>
        </Tooltip>
      ))}
    </Group>
  );
}

function HeldNotice({ agent, t }: { agent: AgentView; t: AgentTerminal }) {
  const why = t.held?.evidence ?? t.held?.source ?? '';
  return (
    <Alert
      color="orange"
      title={`${agent.name} is working`}
      data-testid="held"
      withCloseButton
      onClose={t.dismissHeld}
    >
      <Text size="sm">
        What you typed was not sent, so it cannot land in the middle of its turn{why ? ` (${why})` : ''}. Esc
        and Ctrl-C always go through.
      </Text>
      <Button mt="xs" size="xs" color="orange" onClick={t.force} data-testid="type-anyway">
        Type anyway (until its state changes)
      </Button>
    </Alert>
  );
}
