import { Box, Text } from 'ink';
import { useEffect, useState } from 'react';
import type { WtpClient } from '../../../client/wtp-client.js';
import type { AgentView, Screen } from '../../../protocol/agent.js';
import { paint } from '../../cli/format.js';
import { fit, permissionTitle } from '../agent-line.js';

/** How often another machine's agent's screen is read (each read is a command through the fleet). */
const READ_EVERY_MS = 1_000;

/**
 * The screen of another machine's agent: its terminal is not streamed across machines,
 * so its screen is read through the fleet every second (the owner answers `GET /screen`), shown
 * as text — its bottom rows, cut at the pane's width.
 */
export function RemotePreview(props: {
  client: WtpClient;
  agent: AgentView;
  width: number;
  height: number;
  color: boolean;
}) {
  const { agent, width, height, color } = props;
  const [screen, setScreen] = useState<Screen | null>(null);
  const [failed, setFailed] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    let timer: NodeJS.Timeout | null = null;
    const read = (): void => {
      props.client
        .call('getScreen', { params: { agent: agent.id } })
        .then(
          (s) => {
            if (!live) return;
            setScreen(s);
            setFailed(null);
          },
          (err: unknown) => {
            if (live) setFailed(err instanceof Error ? err.message : String(err));
          },
        )
        .finally(() => {
          if (live) timer = setTimeout(read, READ_EVERY_MS);
        });
    };
    read();
    return () => {
      live = false;
      if (timer) clearTimeout(timer);
    };
  }, [agent.id, props.client]);
  const bodyH = Math.max(0, height - 1);
  const lines = screen ? trimmed(screen.lines).slice(-bodyH) : [];
  const mode = permissionTitle(agent);
  const title = `${agent.name} on ${agent.machine ?? '?'}${screen ? ` — ${screen.cols}×${screen.rows}` : ''}, read every second${failed ? `: ${failed}` : ''}${mode ? ` · ${mode}` : ''}`;
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text wrap="truncate">{paint(color, 'gray', fit(`── ${title} ${'─'.repeat(width)}`, width))}</Text>
      {Array.from({ length: bodyH }, (_, i) => (
        <Text key={i} wrap="truncate">
          {fit(lines[i] ?? '', width)}
        </Text>
      ))}
    </Box>
  );
}

/** The screen without its empty rows at the bottom. */
function trimmed(lines: readonly string[]): string[] {
  let end = lines.length;
  while (end > 0 && (lines[end - 1] ?? '').trim() === '') end--;
  return lines.slice(0, end);
}
