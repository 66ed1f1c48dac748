import { Box, Text } from 'ink';
import { useEffect, useState } from 'react';
import type { WtpClient } from '../../../client/wtp-client.js';
import type { AgentView } from '../../../protocol/agent.js';
import { paint } from '../../cli/format.js';
import { fit, permissionTitle, usageTitle } from '../agent-line.js';
import { PreviewTerminal, type PreviewStatus } from '../preview/preview-terminal.js';
import { RemotePreview } from './remote-preview.js';
import { cellText } from '../../../protocol/terminal-text.js';

/** Output replayed before the screen, so the preview can scroll back. */
const SCROLLBACK_BYTES = 64 * 1024;
/** Moving through the list quickly opens no connection per agent passed. */
const SWITCH_DELAY_MS = 60;

/** `head` then ─ up to `width` columns. */
function rule(head: string, width: number): string {
  const shown = cellText(head);
  const n = [...shown].length;
  return n >= width ? fit(shown, width) : shown + '─'.repeat(width - n);
}

/** What the preview's title needs of its terminal (PreviewTerminal). */
export interface PreviewTermInfo {
  size: { cols: number; rows: number };
  status: PreviewStatus;
  error: string | null;
}

/**
 * The preview's title: the agent, its screen's size, how far back it is scrolled, whether it
 * ended, its permission mode and usage. An agent the daemon says ended is shown ended, however its
 * screen's stream closed (a stop can cut the stream before its exit message: then its error is
 * the end, not news).
 */
export function previewTitle(agent: AgentView, term: PreviewTermInfo | null, scroll: number): string {
  const ended = agent.state === 'exited' || agent.state === 'crashed';
  const mode = permissionTitle(agent);
  const usage = usageTitle(agent);
  return [
    agent.name,
    term && term.size.cols > 0 ? ` — ${term.size.cols}×${term.size.rows}` : '',
    scroll > 0 ? `, ${scroll} lines back` : '',
    ended ? `, ${agent.state}` : term?.status === 'exited' ? ', exited' : '',
    term?.error && !ended ? `: ${term.error}` : '',
    mode ? ` · ${mode}` : '',
    usage ? ` · ${usage}` : '',
  ].join('');
}

/**
 * The selected agent's live screen, at the pane's size (the agent is not resized: the bottom rows
 * are shown, cut at the pane's width), scrolled back on demand.
 */
export function PreviewPane(props: {
  client: WtpClient;
  agent: AgentView | undefined;
  width: number;
  height: number;
  color: boolean;
  scroll: number;
  /** How far back it can scroll (the list's keys clamp to it). */
  onMaxScroll: (max: number) => void;
  /** This machine's name in a fleet: another machine's agent is read through the fleet. */
  machine?: string | null;
}) {
  const { agent } = props;
  if (agent && agent.machine !== null && props.machine && agent.machine !== props.machine) {
    return <RemotePreview {...props} agent={agent} />;
  }
  return <LocalPreview {...props} />;
}

function LocalPreview(props: Parameters<typeof PreviewPane>[0]) {
  const { agent, width, height, color } = props;
  const [term, setTerm] = useState<PreviewTerminal | null>(null);
  const [, repaint] = useState(0);
  const id = agent?.id;
  // Each start of the agent is a new terminal: after `r` (restart) or a resume, the preview
  // connects again, not left on the exited one.
  const run = agent?.startedAt ?? null;
  useEffect(() => {
    if (id === undefined) return;
    let preview: PreviewTerminal | null = null;
    const timer = setTimeout(() => {
      preview = new PreviewTerminal(props.client, id, {
        scrollbackBytes: SCROLLBACK_BYTES,
        onChange: () => repaint((n) => n + 1),
      });
      preview.start();
      setTerm(preview);
    }, SWITCH_DELAY_MS);
    return () => {
      clearTimeout(timer);
      preview?.close();
      setTerm(null);
    };
  }, [id, run, props.client]);
  const bodyH = Math.max(0, height - 1);
  const max = term ? term.maxScroll(bodyH) : 0;
  const { onMaxScroll } = props;
  useEffect(() => onMaxScroll(max), [max, onMaxScroll]);
  const title = agent
    ? previewTitle(agent, term && { size: term.size, status: term.status, error: term.error }, props.scroll)
    : 'no agent selected';
  const body = term ? term.lines(width, bodyH, { color, scroll: Math.min(props.scroll, max) }) : [];
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text wrap="truncate">{paint(color, 'gray', rule(`── ${title} `, width))}</Text>
      {/* One text of bodyH lines (each at most width columns): a node per row costs every repaint. */}
      <Text>{Array.from({ length: bodyH }, (_, i) => body[i] ?? '').join('\n')}</Text>
    </Box>
  );
}
