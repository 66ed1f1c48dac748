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
