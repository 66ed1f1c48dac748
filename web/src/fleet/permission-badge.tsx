import { Badge, Tooltip } from '@mantine/core';
import type { AgentView } from '../../../src/protocol/agent.js';
import { actsUnasked, modeName, permissionLine } from '../../../src/protocol/permission-words.js';

/**
 * An agent's effective permission mode: in the fleet only for one that acts without
 * asking (`auto`, `accept_edits`, yellow; `bypass`, red), in its terminal's header always; what it
 * does without asking and who said so on hover.
 */
export function PermissionBadge({ agent, always = false }: { agent: AgentView; always?: boolean }) {
  const p = agent.permission;
  if (!p) return null;
  const unasked = actsUnasked(p.mode);
  if (!unasked && !always) return null;
  return (
    <Tooltip label={`Permission mode: ${permissionLine(p)}`} multiline maw={420} withArrow>
      <Badge
        color={p.mode === 'bypass' ? 'red' : unasked ? 'yellow' : 'gray'}
        variant={unasked ? 'filled' : 'light'}
        size="sm"
        data-testid="permission-mode"
        data-mode={p.mode}
        data-unasked={unasked ? 'true' : 'false'}
      >
        {unasked ? `⚠ ${modeName(p)}` : modeName(p)}
      </Badge>
    </Tooltip>
  );
}
