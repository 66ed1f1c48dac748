import { connect } from 'node:net';
import { parseGroupReply, type GroupReply, type GroupRequest } from '../../protocol/host-group.js';

/** A group being started may not listen yet: connecting is retried this long while it comes up. */
const CONNECT_RETRY_MS = 25;

/**
 * One request to a host group's control socket and its reply. Rejects when the group cannot be
 * reached within `timeoutMs`, or is gone (`alive` says false) while it cannot be reached.
 */
export function groupRequest(
  socketPath: string,
  req: GroupRequest,
  o: { timeoutMs: number; alive: () => boolean },
): Promise<GroupReply> {
  const { timeoutMs } = o;
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = (): void => {
      const socket = connect(socketPath);
      let buf = '';
      let connected = false;
      const timer = setTimeout(
        () => {
          socket.destroy();
          reject(new Error(`host group ${socketPath} did not answer within ${timeoutMs} ms`));
        },
        Math.max(1, deadline - Date.now()),
      );
      socket.setEncoding('utf8');
      socket.on('connect', () => {
        connected = true;
        socket.write(`${JSON.stringify(req)}\n`);
      });
      socket.on('data', (chunk: string) => {
        buf += chunk;
        if (buf.length > 4096) socket.destroy();
      });
      socket.on('end', () => {
        clearTimeout(timer);
        const reply = parseGroupReply(buf.trim());
        if (reply) resolve(reply);
        else reject(new Error(`host group ${socketPath} sent no reply`));
      });
      socket.on('error', (err: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        const early = !connected && (err.code === 'ENOENT' || err.code === 'ECONNREFUSED');
        if (early && o.alive() && Date.now() + CONNECT_RETRY_MS < deadline)
          setTimeout(attempt, CONNECT_RETRY_MS);
        else reject(err);
      });
    };
    attempt();
  });
}
