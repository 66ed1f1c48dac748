import { useInput, useStdin, type Key } from 'ink';
import { useEffect, useRef } from 'react';
import { isMouseReport, parseMouse, type MouseEvent } from '../mouse.js';

/**
 * Ink's `useInput` without the mouse: with mouse reporting on, a click arrives as `[<0;12;5M`, which
 * every view would otherwise take for the keys `[`, `<`, `0`… (a scroll, text in a prompt).
 */
export function useKeys(handler: (input: string, key: Key) => void, options?: { isActive?: boolean }): void {
  useInput((input, key) => {
    if (!isMouseReport(input)) handler(input, key);
  }, options);
}

/** Mouse clicks and the wheel, from the same input Ink reads (one report per input event). */
export function useMouse(handler: (event: MouseEvent) => void, active = true): void {
  const { internal_eventEmitter: events } = useStdin();
  const latest = useRef(handler);
  latest.current = handler;
  useEffect(() => {
    if (!active) return;
    const on = (input: string): void => {
      const event = parseMouse(input);
      if (event) latest.current(event);
    };
    events.on('input', on);
    return () => void events.off('input', on);
  }, [events, active]);
}
