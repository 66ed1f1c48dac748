import type { Terminal } from '@xterm/xterm';

/**
 * Stops the page's terminal from answering queries in the output (device attributes, cursor
 * position, mode and colour reports…). The agent's own terminal — its pane, or the host's
 * emulator when headless — already answers them; a second answer would arrive as typed input,
 * and replaying the log would answer queries long gone.
 */
export function silenceReplies(term: Terminal): void {
  const p = term.parser;
  const swallow = () => true;
  for (const prefix of [undefined, '>', '='])
    p.registerCsiHandler({ ...(prefix ? { prefix } : {}), final: 'c' }, swallow);
  p.registerCsiHandler({ final: 'n' }, swallow);
  p.registerCsiHandler({ prefix: '?', final: 'n' }, swallow);
  p.registerCsiHandler({ intermediates: '$', final: 'p' }, swallow);
  p.registerCsiHandler({ prefix: '?', intermediates: '$', final: 'p' }, swallow);
  p.registerCsiHandler({ prefix: '>', final: 'q' }, swallow);
  p.registerCsiHandler({ prefix: '?', final: 'u' }, swallow);
  p.registerDcsHandler({ intermediates: '$', final: 'q' }, swallow);
  p.registerDcsHandler({ intermediates: '+', final: 'q' }, swallow);
  for (const osc of [4, 10, 11, 12]) p.registerOscHandler(osc, (data) => data.includes('?'));
}
