import { Text } from '@mantine/core';
import type { AgentView } from '../../../src/protocol/agent.js';

/** "3 files +40 −2" (or "no changes"). */
export function diffStatText(s: { files: number; insertions: number; deletions: number }): string {
  if (s.files === 0) return 'no changes';
  return `${s.files} file${s.files === 1 ? '' : 's'} +${s.insertions} −${s.deletions}`;
}

/**
 * An agent's changes against its base, compact: "3 files +40 −2" with the counts in green and
 * red; nothing while the daemon has not measured them (or the agent has no worktree).
 */
export function DiffStat({ agent }: { agent: AgentView }) {
  const s = agent.diffStat;
  if (!s) return null;
  const title = `${diffStatText(s)} against ${agent.worktree?.base ?? 'the base'} (measured ${new Date(s.at).toLocaleTimeString()})`;
  if (s.files === 0) {
    return (
      <Text span size="sm" c="dimmed" data-testid="diff-stat" title={title}>
        no changes
      </Text>
    );
  }
  return (
    <Text span size="sm" data-testid="diff-stat" title={title} style={{ whiteSpace: 'nowrap' }}>
      {s.files} file{s.files === 1 ? '' : 's'}{' '}
      <Text span c="green.7" fw={600} inherit>
        +{s.insertions}
      </Text>{' '}
      <Text span c="red.7" fw={600} inherit>
        −{s.deletions}
      </Text>
    </Text>
  );
}
