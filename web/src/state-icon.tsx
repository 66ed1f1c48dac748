import type { AgentState } from '../../src/protocol/agent.js';
import type { ReactElement } from 'react';

/**
 * Each state's icon, drawn as lines and shapes on a 16×16 grid: the page must not depend
 * on the fonts of the machine it runs on (✋ is a blank box without an emoji font). Stroked in the
 * badge's own colour (`currentColor`).
 */
const SHAPES: Record<AgentState, ReactElement> = {
  starting: <circle cx="8" cy="8" r="5.5" strokeDasharray="2.5 2" />,
  running: <path d="M5 3.5 12.5 8 5 12.5Z" fill="currentColor" />,
  working: (
    <>
      <circle cx="8" cy="8" r="2.5" />
      <path d="M8 1.5v2.5M8 12v2.5M1.5 8H4M12 8h2.5M3.4 3.4l1.8 1.8M10.8 10.8l1.8 1.8M3.4 12.6l1.8-1.8M10.8 5.2l1.8-1.8" />
    </>
  ),
  // A raised hand, in outline: the palm and four fingers.
  needs_permission: (
    <path d="M4.5 9V5.5a1 1 0 0 1 2 0V8M6.5 8V3.5a1 1 0 0 1 2 0V8M8.5 8V4a1 1 0 0 1 2 0v4.5M10.5 8.5V6a1 1 0 0 1 2 0v3.5c0 3-2 5-4.5 5S4 13 3 11.5L2 9.5a1 1 0 0 1 1.7-1L4.5 9.5" />
  ),
  needs_input: (
    <>
      <path d="M5.5 6a2.5 2.5 0 1 1 3.5 2.3c-.6.3-1 .8-1 1.4V10.5" />
      <circle cx="8" cy="13" r=".6" fill="currentColor" />
    </>
  ),
  idle: <path d="M3 8.5 6.5 12 13 4.5" />,
  exited: <rect x="4" y="4" width="8" height="8" fill="currentColor" />,
  crashed: <path d="M4 4l8 8M12 4l-8 8" />,
};

/** The icon of `state` (an unknown one, from another machine's version: a dot). */
export function StateIcon({ state }: { state: string }) {
  const shape = Object.hasOwn(SHAPES, state) ? (
    SHAPES[state as AgentState]
  ) : (
    <circle cx="8" cy="8" r="1.5" fill="currentColor" />
  );
  return (
    <svg
      viewBox="0 0 16 16"
      width="0.95em"
      height="0.95em"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.5"
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      data-testid="state-icon"
      style={{ verticalAlign: '-0.12em', marginRight: 4 }}
    >
      {shape}
    </svg>
  );
}
