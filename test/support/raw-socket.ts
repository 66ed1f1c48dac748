import { connect } from 'node:net';

export interface RawAnswer {
  /** The status of the answer's status line; 0 when the socket closed without one. */
  status: number;
  headers: Record<string, string>;
  body: string;
  /** The socket stayed silent and open for `timeoutMs`. */
  timedOut: boolean;
}

/**
 * Writes `request` (bytes exactly as given: any method, request line or header) to
 * 127.0.0.1:<port> and reads until the server closes the connection or `timeoutMs` passes.
 */
export function rawRequest(port: number, request: string | Buffer, timeoutMs = 2_000): Promise<RawAnswer> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      socket.destroy();
    }, timeoutMs);
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ ...parseAnswer(Buffer.concat(chunks).toString('utf8')), timedOut });
    });
    socket.write(request);
  });
}

function parseAnswer(text: string): Omit<RawAnswer, 'timedOut'> {
  const end = text.indexOf('\r\n\r\n');
  const head = end < 0 ? text : text.slice(0, end);
  const [line = '', ...rest] = head.split('\r\n');
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(line);
  const headers: Record<string, string> = {};
  for (const h of rest) {
    const i = h.indexOf(':');
    if (i > 0) headers[h.slice(0, i).trim().toLowerCase()] = h.slice(i + 1).trim();
  }
  return { status: m ? Number(m[1]) : 0, headers, body: end < 0 ? '' : text.slice(end + 4) };
}
