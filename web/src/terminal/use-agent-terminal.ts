import '@xterm/xterm/css/xterm.css';
import { FitAddon } from '@xterm/addon-fit';
import { Terminal } from '@xterm/xterm';
import { useCallback, useEffect, useRef, useState, type RefObject } from 'react';
import { outputGapMarker } from '../../../src/protocol/output-gap.js';
import type { PtyServerMessage } from '../../../src/protocol/pty.js';
import { PtyConnection } from './pty-connection.js';
import { BEFORE_REPAINT } from '../../../src/protocol/repaint.js';
import { silenceReplies } from './quiet-terminal.js';

export type TerminalStatus = 'connecting' | 'live' | 'reconnecting' | 'ended';
export type Held = Extract<PtyServerMessage, { type: 'held' }>;

export interface AgentTerminal {
  status: TerminalStatus;
  /** Why the last typed text was held back (the agent is working), until dismissed or forced. */
  held: Held | null;
  size: { cols: number; rows: number } | null;
  /** How the agent ended, once the connection says so. */
  ended: string | null;
  error: string | null;
  type(keys: string): void;
  force(): void;
  dismissHeld(): void;
}

/**
 * An xterm.js terminal in `container`, connected to an agent: scrollback from its log, the
 * screen, then live output; typing through the safe-input path; the size follows the agent's
 * (with `fit`, the agent is resized to the container — the daemon applies that to headless
 * agents only). The connection is closed while the page is hidden and reopened when it shows.
 */
export function useAgentTerminal(
  container: RefObject<HTMLDivElement | null>,
  agentId: string,
  fit: boolean,
): AgentTerminal {
  const [status, setStatus] = useState<TerminalStatus>('connecting');
  const [held, setHeld] = useState<Held | null>(null);
  const [size, setSize] = useState<{ cols: number; rows: number } | null>(null);
  const [ended, setEnded] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);
  const [visible, setVisible] = useState(!document.hidden);
  const conn = useRef<PtyConnection | null>(null);
  const fitRef = useRef(fit);
  fitRef.current = fit;
  const fitter = useRef<(() => void) | null>(null);

  useEffect(() => {
    const on = (): void => setVisible(!document.hidden);
    document.addEventListener('visibilitychange', on);
    return () => document.removeEventListener('visibilitychange', on);
  }, []);

  useEffect(() => {
    const el = container.current;
    if (!el || !visible) return;
    const term = new Terminal({
      scrollback: 5_000,
      fontSize: 13,
      fontFamily: 'ui-monospace, "DejaVu Sans Mono", "Liberation Mono", monospace',
      theme: { background: '#1e1e1e' },
    });
    const fitAddon = new FitAddon();
    term.loadAddon(fitAddon);
    silenceReplies(term);
    term.open(el);
    // Writes are parsed later, resizes happen at once: a resize waits for the output before it,
    // or a screen would be resized before the scrollback under it is written (and lose lines).
    const resize = (cols: number, rows: number): void =>
      term.write('', () => {
        if (term.cols !== cols || term.rows !== rows) term.resize(cols, rows);
      });
    let live = false;
    let retry: number | null = null;
    const c = new PtyConnection(agentId, {
      output: (data, done) => term.write(data, done),
      message: (msg) => {
        switch (msg.type) {
          case 'scrollback':
            // The binary frames that follow, up to the snapshot, are the scrollback: written at the
            // size of the screen they lead to, so no line is reflowed away when the screen comes.
            resize(msg.cols, msg.rows);
            return;
          case 'gap':
            // Output its host could not write to the log (disk full): say so where it is missing.
            term.write(`\r\n\x1b[2m${outputGapMarker(msg)}\x1b[0m\r\n`);
            return;
          case 'snapshot':
            resize(msg.cols, msg.rows);
            term.write(BEFORE_REPAINT + msg.data);
            return;
          case 'ready':
            live = true;
            setStatus('live');
            setError(null);
            fitter.current?.();
            return;
          case 'size':
            resize(msg.cols, msg.rows);
            setSize({ cols: msg.cols, rows: msg.rows });
            return;
          case 'held':
            setHeld(msg);
            return;
          case 'exit':
            setEnded(
              msg.exit
                ? `${msg.state}: ${msg.exit.signal ?? `exit code ${msg.exit.exitCode ?? '?'}`}`
                : msg.state,
            );
            return;
          case 'error':
            setError(`${msg.error.message} [${msg.error.code}]`);
            return;
          case 'state':
            return;
        }
      },
      closed: ({ exited }) => {
        if (exited) {
          setStatus('ended');
          return;
        }
        setStatus('reconnecting');
        // After a drop (a daemon restart): start again with a fresh terminal, a little later.
        retry = window.setTimeout(() => setAttempt((n) => n + 1), live ? 500 : 2_000);
      },
    });
    conn.current = c;
    const typed = term.onData((d) => c.type(d));
    const binary = term.onBinary((d) => c.type(Uint8Array.from(d, (ch) => ch.charCodeAt(0) & 0xff)));
    fitter.current = () => {
      if (!fitRef.current) return;
      const dims = fitAddon.proposeDimensions();
      if (dims && dims.cols >= 2 && dims.rows >= 2 && (dims.cols !== term.cols || dims.rows !== term.rows)) {
        c.resize(dims.cols, dims.rows);
      }
    };
    const observer = new ResizeObserver(() => fitter.current?.());
    observer.observe(el);
    return () => {
      if (retry !== null) clearTimeout(retry);
      observer.disconnect();
      typed.dispose();
      binary.dispose();
      c.close();
      conn.current = null;
      fitter.current = null;
      term.dispose();
      setStatus('connecting');
      setHeld(null);
      setEnded(null);
    };
  }, [container, agentId, attempt, visible]);

  useEffect(() => {
    if (fit) fitter.current?.();
  }, [fit]);

  const type = useCallback((keys: string) => conn.current?.type(keys), []);
  const force = useCallback(() => {
    conn.current?.force();
    setHeld(null);
  }, []);
  const dismissHeld = useCallback(() => setHeld(null), []);
  return { status, held, size, ended, error, type, force, dismissHeld };
}
