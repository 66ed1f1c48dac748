import type { WebSocket } from 'ws';
import type { AgentRecord } from '../../core/model/agent-record.js';
import type { AgentUseCases } from '../../core/use-cases/use-cases.js';
import { MAX_BUFFERED_BYTES, sendJson } from './send-json.js';

/** Output goes out in frames of at most this size (a client acknowledges, and paints, per frame). */
const FRAME_BYTES = 64 * 1024;
/** With flow control: stop sending above this many unacknowledged bytes… */
export const FLOW_HIGH_BYTES = 512 * 1024;
/** …and go on (from the log) once the client is down to this many. */
export const FLOW_LOW_BYTES = 128 * 1024;

/**
 * An agent's output from a byte offset on, to one WebSocket, without gaps or repeats. With
 * flow control the client acknowledges what it has processed; while too much is unacknowledged
 * the pump stops following and later resumes from where it stopped (the log has every byte), so
 * a slow client is slowed down, not dropped. Without it a client that falls too far behind is
 * closed (it may reconnect from an offset). `at(offset, fn)` runs `fn` once everything before
 * `offset` has been sent (the dashboard's screen repaint goes there, after the scrollback).
 */
export class OutputPump {
  private next: number;
  private unacked = 0;
  private paused = false;
  private off: (() => void) | null = null;
  private generation = 0;
  private mark: { offset: number; fn: () => void } | null = null;

  constructor(
    private readonly svc: Pick<AgentUseCases, 'follow'>,
    private readonly agent: AgentRecord,
    from: number,
    private readonly socket: WebSocket,
    private readonly flow: boolean,
  ) {
    this.next = from;
  }

  /** Runs `fn` when output up to `offset` has been sent (at once if it already has). */
  at(offset: number, fn: () => void): void {
    this.mark = { offset, fn };
  }

  start(): void {
    const gen = ++this.generation;
    this.paused = false;
    const off = this.svc.follow(
      this.agent,
      this.next,
      (seq, data) => {
        if (gen === this.generation) this.deliver(seq, data);
      },
      // A hole in the log (its host could not write those bytes): the client shows a marker.
      (gap) => {
        if (gen !== this.generation || this.paused || this.socket.readyState !== this.socket.OPEN) return;
        sendJson(this.socket, { type: 'gap', ...gap });
        this.next = Math.max(this.next, gap.to);
      },
    );
    // The catch-up ran inside follow(): a mark up to the daemon's end of output is due now, even
    // where the log came up short; one beyond it waits for the bytes still on their way.
    if (!this.paused) this.fireMark(Math.max(this.next, this.agent.outputSeq));
    if (this.paused) off();
    else this.off = off;
  }

  stop(): void {
    this.generation++;
    this.off?.();
    this.off = null;
  }

  /** The client has processed `bytes` more bytes. */
  ack(bytes: number): void {
    this.unacked = Math.max(0, this.unacked - bytes);
    if (this.paused && this.unacked <= FLOW_LOW_BYTES && this.socket.readyState === this.socket.OPEN) {
      this.start();
    }
  }

  private deliver(seq: number, data: Uint8Array): void {
    if (this.paused) return;
    if (!this.flow && this.socket.bufferedAmount > MAX_BUFFERED_BYTES) {
      this.socket.close(1013, 'client too slow');
      return;
    }
    let offset = 0;
    while (offset < data.length) {
      if (this.socket.readyState !== this.socket.OPEN) return;
      this.fireMark(seq + offset);
      const start = offset;
      let end = Math.min(data.length, start + FRAME_BYTES);
      const mark = this.mark?.offset;
      if (mark !== undefined && mark > seq + start) end = Math.min(end, mark - seq);
      this.socket.send(data.subarray(start, end));
      this.next = seq + end;
      offset = end;
      this.fireMark(this.next);
      if (this.flow) {
        this.unacked += end - start;
        if (this.unacked > FLOW_HIGH_BYTES) {
          this.pause();
          return;
        }
      }
    }
  }

  private pause(): void {
    this.paused = true;
    this.generation++;
    this.off?.();
    this.off = null;
  }

  /** Runs the mark's callback once the stream has reached `offset`. */
  private fireMark(offset: number): void {
    const m = this.mark;
    if (m && offset >= m.offset) {
      this.mark = null;
      m.fn();
    }
  }
}
