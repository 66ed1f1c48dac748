import { useInput, useStdin, type Key } from 'ink';
import { createContext, useContext, useEffect, useRef } from 'react';
import { isMouseReport, parseMouse, type MouseEvent } from '../mouse.js';

type KeyHandler = (input: string, key: Key) => void;

/**
 * Keys for the view on screen (diff, merge, …), routed by the app's one input listener. A view's
 * handler is set while it renders, and keys that come before that wait for it: one typed right
 * after `m` (or in the same read) is never lost between the view's first frame and its effects.
 */
export interface KeyRouter {
  handler: KeyHandler | null;
  pending: [string, Key][];
}

export const ViewKeys = createContext<KeyRouter | null>(null);

/**
 * A view opens: keys wait for it. The view before may not have run its effects' cleanup yet (React
 * runs them after the paint), so its handler is let go here, not left to take the new view's keys.
 */
export function openingView(router: KeyRouter): void {
  router.handler = null;
  router.pending.length = 0;
}

/** Hands a key to the view, or keeps it until the view is there to take it. */
export function routeKey(router: KeyRouter, input: string, key: Key): void {
  if (router.handler) router.handler(input, key);
  else router.pending.push([input, key]);
}

/**
 * Ink's `useInput` without the mouse: with mouse reporting on, a click arrives as `[<0;12;5M`, which
 * every view would otherwise take for the keys `[`, `<`, `0`… (a scroll, text in a prompt). Inside a
 * view, keys come through the app's router instead of a listener of the view's own.
 */
export function useKeys(handler: KeyHandler, options?: { isActive?: boolean }): void {
  const router = useContext(ViewKeys);
  if (router) router.handler = handler;
  useEffect(() => {
    if (!router) return;
    for (const [input, key] of router.pending.splice(0)) router.handler?.(input, key);
    return () => {
      if (router.handler === handler) router.handler = null;
    };
  });
  useInput(
    (input, key) => {
      if (!isMouseReport(input)) handler(input, key);
    },
    { isActive: router === null && (options?.isActive ?? true) },
  );
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
