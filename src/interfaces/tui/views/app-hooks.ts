import { useStdout, type Key } from 'ink';
import { useEffect, useState } from 'react';

/** One character of keys that came in one read, as Ink would have reported it alone. */
export function charKey(ch: string, base: Key): Key {
  return {
    ...base,
    tab: ch === '\t',
    return: ch === '\r',
    escape: ch === '\x1b',
    backspace: ch === '\x7f' || ch === '\b',
    ctrl: false,
    meta: false,
    shift: /^[A-Z]$/.test(ch),
  };
}

/**
 * Keys typed faster than a frame come in one read, and Ink reports them as one input with no key
 * flags (`sh1⏎⏎`: text and two Enters, none of them `key.return`). Split for a line editor: each run
 * of text as one input (a paste stays whole), each control key on its own, flagged as Ink flags it
 * alone. Anything else, a single key or a modified one, is as it came.
 */
export function keyRuns(input: string, key: Key): [string, Key][] {
  if (input.length <= 1 || key.ctrl || key.meta || !CONTROL.test(input)) return [[input, key]];
  return (input.match(/[\x00-\x1f\x7f]|[^\x00-\x1f\x7f]+/g) ?? []).map((run) => [run, charKey(run, key)]);
}

const CONTROL = /[\x00-\x1f\x7f]/;

/** The terminal's size, followed as it is resized. */
export function useSize(): { width: number; height: number } {
  const { stdout } = useStdout();
  const read = () => ({ width: stdout.columns || 80, height: stdout.rows || 24 });
  const [size, setSize] = useState(read);
  useEffect(() => {
    const on = () => setSize(read());
    stdout.on('resize', on);
    return () => void stdout.off('resize', on);
  }, [stdout]);
  return size;
}

/** Ages in the list move on once a second. */
export function useNow(): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, []);
  return now;
}
