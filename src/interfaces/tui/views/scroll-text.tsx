import { Box, Text } from 'ink';
import { useKeys } from './use-keys.js';
import { useState } from 'react';
import { fit } from '../agent-line.js';
import { terminalText, type TerminalTextOptions } from '../../../protocol/terminal-text.js';

const ROW: TerminalTextOptions = { controls: 'show', sgr: 'palette', oneLine: true };

/** Keys every text view takes: lines, pages, ends, and esc/q to close. */
export function useScroll(
  total: number,
  height: number,
  close: () => void,
  extra: (input: string) => void = () => undefined,
): [number, (top: number) => void] {
  const [top, setTop] = useState(0);
  const max = Math.max(0, total - height);
  const to = (n: number): void => setTop(Math.min(max, Math.max(0, n)));
  useKeys((input, key) => {
    if (key.escape || input === 'q') close();
    else if (input === 'j' || key.downArrow) to(top + 1);
    else if (input === 'k' || key.upArrow) to(top - 1);
    else if (key.pageDown || input === ' ') to(top + height - 1);
    else if (key.pageUp) to(top - height + 1);
    else if (input === 'g') to(0);
    else if (input === 'G') to(max);
    else extra(input);
  });
  return [Math.min(top, max), to];
}

/**
 * `lines` from `top`, exactly `height` rows of `width` columns: the views' own colours kept, every
 * other control character shown as an escape (a view that forgot to is still safe).
 */
export function TextRows({
  lines,
  top,
  width,
  height,
}: {
  lines: readonly string[];
  top: number;
  width: number;
  height: number;
}) {
  return (
    <Box flexDirection="column" width={width} height={height}>
      {Array.from({ length: height }, (_, i) => (
        <Text key={i} wrap="truncate">
          {terminalText(lines[top + i] ?? '', ROW)}
        </Text>
      ))}
    </Box>
  );
}

/** A scrollable text view: a title line, then the lines. */
export function ScrollText(props: {
  title: string;
  lines: readonly string[];
  width: number;
  height: number;
  close: () => void;
  onKey?: (input: string) => void;
}) {
  const bodyH = Math.max(1, props.height - 1);
  const [top] = useScroll(props.lines.length, bodyH, props.close, props.onKey);
  const where =
    props.lines.length > bodyH
      ? `  ${top + 1}–${Math.min(props.lines.length, top + bodyH)} of ${props.lines.length}`
      : '';
  return (
    <Box flexDirection="column" width={props.width} height={props.height}>
      <Text wrap="truncate">{fit(`${props.title}${where}`, props.width)}</Text>
      <TextRows lines={props.lines} top={top} width={props.width} height={bodyH} />
    </Box>
  );
}
