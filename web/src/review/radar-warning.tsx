import { Badge, Tooltip } from '@mantine/core';
import { routeHash } from '../route.js';
import type { RadarWarningInfo } from './radar-warnings.js';

/**
 * A small red badge "conflicts with b" (the files on hover) that opens the review of the agent it
 * is about. Give it an entry of `useRadarWarnings()`; nothing is shown for an agent without one.
 */
export function RadarWarning({ warning }: { warning: RadarWarningInfo | undefined }) {
  if (!warning || warning.with.length === 0) return null;
  const label = `conflicts with ${warning.with.join(', ')}`;
  return (
    <Tooltip label={`Merging would conflict in ${warning.files.join(', ')}`} multiline maw={360} withArrow>
      <Badge
        component="a"
        href={routeHash('review', warning.agent)}
        color="red"
        variant="light"
        size="sm"
        style={{ cursor: 'pointer', textTransform: 'none' }}
        data-testid="radar-warning"
        data-agent={warning.agent}
      >
        ⚠ {label}
      </Badge>
    </Tooltip>
  );
}
