import { Box, Text } from 'ink';
import { useKeys } from './use-keys.js';
import { useState } from 'react';
import { paint } from '../../cli/format.js';
import { fit } from '../agent-line.js';
import { editLine } from './line-editor.js';

export type Field =
  | { name: string; label: string; kind: 'text'; value: string; hint?: string }
  | { name: string; label: string; kind: 'choice'; value: string; options: readonly string[] };

/**
 * A small form: tab/↓ and shift-tab/↑ move between fields, ←/→ change a choice, typing edits a
 * text field, enter submits (the form stays filled, so a refusal can be corrected), esc closes.
 */
export function Form(props: {
  title: string;
  fields: Field[];
  width: number;
  height: number;
  color: boolean;
  /** Lines under the form: progress, the outcome or the refusal. */
  status: readonly string[];
  busy: boolean;
  submit: (values: Record<string, string>) => void;
  close: () => void;
}) {
  const [fields, setFields] = useState(props.fields);
  const [at, setAt] = useState(0);
  useKeys((input, key) => {
    if (key.escape) return props.close();
    if (props.busy) return;
    const f = fields[at];
    if (!f) return;
    const set = (value: string): void => setFields(fields.map((x, i) => (i === at ? { ...x, value } : x)));
    if (key.tab || key.downArrow || key.upArrow) {
      const step = key.upArrow || (key.tab && key.shift) ? -1 : 1;
      setAt((at + step + fields.length) % fields.length);
    } else if (key.return) {
      props.submit(Object.fromEntries(fields.map((x) => [x.name, x.value])));
    } else if (f.kind === 'choice') {
      const i = f.options.indexOf(f.value);
      if (key.rightArrow || input === ' ') set(f.options[(i + 1) % f.options.length] ?? f.value);
      else if (key.leftArrow) set(f.options[(i - 1 + f.options.length) % f.options.length] ?? f.value);
    } else {
      const next = editLine(f.value, input, key);
      if (!next.done && !next.cancel) set(next.value);
    }
  });
  const labelW = Math.max(...fields.map((f) => f.label.length)) + 2;
  const lines = [
    paint(props.color, 'bold', props.title),
    '',
    ...fields.map((f, i) => {
      const mark = i === at ? '▸' : ' ';
      const value =
        f.kind === 'choice'
          ? f.options.map((o) => (o === f.value ? paint(props.color, 'bold', `[${o}]`) : ` ${o} `)).join('')
          : `${f.value}${i === at ? '█' : ''}${f.value === '' && f.hint ? paint(props.color, 'gray', `  ${f.hint}`) : ''}`;
      return `${mark} ${fit(f.label, labelW)}${value}`;
    }),
    '',
    paint(props.color, 'gray', 'tab/↑↓ field · ←→ choose · enter runs · esc closes'),
    ...props.status,
  ];
  return (
    <Box flexDirection="column" width={props.width} height={props.height}>
      {lines.slice(0, props.height).map((l, i) => (
        <Text key={i} wrap="truncate">
          {l}
        </Text>
      ))}
    </Box>
  );
}
