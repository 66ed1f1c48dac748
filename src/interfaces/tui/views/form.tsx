import { Box, Text, type Key } from 'ink';
import { useKeys } from './use-keys.js';
import { useRef, useState } from 'react';
import { paint } from '../../cli/format.js';
import { fit } from '../agent-line.js';
import { keyRuns } from './app-hooks.js';
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
  const [{ fields, at }, setState] = useState<FormState>({ fields: props.fields, at: 0 });
  // Keys read the form from here: a key that comes before the next render must see the last one's edit.
  const now = useRef<FormState>({ fields, at });
  useKeys((input, key) => {
    if (key.escape) return props.close();
    if (props.busy) return;
    const out = formKeys(now.current, input, key);
    now.current = out.state;
    setState(out.state);
    if (out.submit) props.submit(Object.fromEntries(out.state.fields.map((x) => [x.name, x.value])));
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

export interface FormState {
  fields: Field[];
  /** The field being edited. */
  at: number;
}

/**
 * Keys on a form, as they came in one read: keys typed faster than a frame come as one input
 * (`feature-x⏎`), and each acts in turn, up to an enter that submits.
 */
export function formKeys(state: FormState, input: string, key: Key): { state: FormState; submit?: true } {
  let now = state;
  for (const [run, runKey] of keyRuns(input, key)) {
    const next = formKey(now, run, runKey);
    if (next === 'submit') return { state: now, submit: true };
    now = next;
  }
  return { state: now };
}

/** One key on a form: where it leaves the fields, or `submit` (enter). Esc is the caller's. */
export function formKey(state: FormState, input: string, key: Key): FormState | 'submit' {
  const { fields, at } = state;
  const f = fields[at];
  if (!f) return state;
  const set = (value: string): FormState => ({
    fields: fields.map((x, i) => (i === at ? { ...x, value } : x)),
    at,
  });
  if (key.tab || key.downArrow || key.upArrow) {
    const step = key.upArrow || (key.tab && key.shift) ? -1 : 1;
    return { fields, at: (at + step + fields.length) % fields.length };
  }
  if (key.return) return 'submit';
  if (f.kind === 'choice') {
    const i = f.options.indexOf(f.value);
    if (key.rightArrow || input === ' ') return set(f.options[(i + 1) % f.options.length] ?? f.value);
    if (key.leftArrow) return set(f.options[(i - 1 + f.options.length) % f.options.length] ?? f.value);
    return state;
  }
  const next = editLine(f.value, input, key);
  return next.done || next.cancel ? state : set(next.value);
}
