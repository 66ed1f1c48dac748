import { Box, Text } from 'ink';
import { useKeys } from './use-keys.js';
import { useRef, useState } from 'react';
import { charKey } from './app-hooks.js';
import { fit } from '../agent-line.js';
import { terminalText, type TerminalTextOptions } from '../../../protocol/terminal-text.js';

const ROW: TerminalTextOptions = { controls: 'show', sgr: 'palette', oneLine: true };

/** Rows filtered in earlier frames: most of a frame's rows are the last one's. */
let rowTexts = new Map<string, string>();
const rowText = (line: string): string => {
  let text = rowTexts.get(line);
  if (text === undefined) {
    if (rowTexts.size >= 1000) rowTexts = new Map();
    text = terminalText(line, ROW);
    rowTexts.set(line, text);
  }
  return text;
};

/** Keys every text view takes: lines, pages, ends, and esc/q to close. */
export function useScroll(
  total: number,
  height: number,
  close: () => void,
  extra: (input: string) => void = () => undefined,
): [number, (top: number) => void] {
  const [top, setTop] = useState(0);
  // Keys read the line from here: held down, `j` comes faster than frames (`jjj` in one read, or
  // each before the next render) and every one of them scrolls.
  const topNow = useRef(0);
  const max = Math.max(0, total - height);
  const to = (n: number): void => {
    topNow.current = Math.min(max, Math.max(0, n));
    setTop(topNow.current);
  };
  useKeys((input, key) => {
    const presses = input.length > 1 && !key.ctrl && !key.meta ? [...input] : [input];
    for (const ch of presses) {
      const k = presses.length > 1 ? charKey(ch, key) : key;
      const at = Math.min(topNow.current, max);
      if (k.escape || ch === 'q') return close();
      else if (ch === 'j' || k.downArrow) to(at + 1);
      else if (ch === 'k' || k.upArrow) to(at - 1);
      else if (k.pageDown || ch === ' ') to(at + height - 1);
      else if (k.pageUp) to(at - height + 1);
      else if (ch === 'g') to(0);
      else if (ch === 'G') to(max);
      else extra(ch);
    }
  });
  return [Math.min(top, max), to];
}

/**
 * `lines` from `top`, exactly `height` rows of `width` columns: the views' own colours kept, every
 * other control character shown as an escape (a view that forgot to is still safe). One text node
 * for all rows, each cut at `width` (a node per row costs every repaint).
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
  const rows = Array.from({ length: height }, (_, i) => rowText(lines[top + i] ?? ''));
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text wrap="truncate">{rows.join('\n')}</Text>
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
