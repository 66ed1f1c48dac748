/**
 * When a usage limit resets, as the vendor wrote it ("resets 3pm", "reset at 2026-11-22T15:00:00Z",
 * "resets in 2h"): the raw phrase, or undefined. There is no clock here to make a timestamp of it.
 */
export function resetTimeIn(text: string): string | undefined {
  const m = /reset(?:s)?(?: at| in)?\s+([^.\n]{1,60})/i.exec(text);
  return m?.[1]?.trim();
}
