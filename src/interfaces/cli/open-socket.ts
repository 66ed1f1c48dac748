import type { WebSocket } from 'ws';
import type { WtpClient } from '../../client/wtp-client.js';
import { appError } from '../../protocol/error-messages.js';

/** Opens a WebSocket to the daemon; `ws` is loaded only by the commands that stream. */
export async function openSocket(
  client: WtpClient,
  path: string,
  query: Record<string, string | number | boolean | undefined>,
  onMessage?: (data: Buffer, isBinary: boolean) => void,
): Promise<WebSocket> {
  const { default: WebSocketImpl } = await import('ws');
  const { url, headers } = client.socketUrl(path, query);
  const ws = new WebSocketImpl(url, { headers });
  // Listening from the start: the server's first frames can come with its upgrade answer and be
  // emitted before code after `await openSocket(…)` runs (`wtp logs -f` lost its first output so).
  if (onMessage) ws.on('message', onMessage);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', (err: NodeJS.ErrnoException) => {
      reject(
        err.code === 'ENOENT' || err.code === 'ECONNREFUSED'
          ? appError('DAEMON_NOT_RUNNING', {})
          : appError('DAEMON_UNREACHABLE', { path, error: err.message }),
      );
    });
  });
  return ws;
}
