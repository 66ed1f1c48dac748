import { Badge, Tooltip } from '@mantine/core';
import type { AgentView } from '../../../src/protocol/agent.js';

const few = (items: readonly string[]): string =>
  items.length > 3
    ? `${items.slice(0, 3).join(', ')} and ${items.length - 3} more`
    : items.join(', ') || 'none';

/**
 * A sandboxed agent (docs/sandbox.md): what it may write and reach, and how much is
 * hidden from it, on hover; its refusals are `agent.sandboxDenied` events.
 */
export function SandboxBadge({ agent }: { agent: AgentView }) {
  const s = agent.sandbox;
  if (!s) return null;
  const label = `Sandboxed. Writes: ${few(s.write)}. Reaches: ${few(s.hosts)}. Hidden: ${s.hide.length} paths (its keys, this tool's state, other CLIs').`;
  return (
    <Tooltip label={label} multiline maw={420} withArrow>
      <Badge color="teal" variant="light" size="sm" data-testid="sandbox">
        sandboxed
      </Badge>
    </Tooltip>
  );
}
