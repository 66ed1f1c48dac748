import { request } from 'node:http';
import { nowMs, sleep } from './proc.js';

/** One GET over a unix socket; resolves with the status code, rejects if nothing answers. */
function getOnce(socketPath: string, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      { socketPath, path, method: 'GET', agent: false, headers: { connection: 'close' } },
      (res) => {
        res.resume();
        res.once('end', () => resolve(res.statusCode ?? 0));
        res.once('error', reject);
      },
    );
    req.setTimeout(2_000, () => req.destroy(new Error('probe timed out')));
    req.once('error', reject);
    req.end();
  });
}

/**
 * Polls `GET path` on the socket every `intervalMs` until a 2xx answer; returns the epoch ms of
 * that answer. Gives up when `stillStarting()` turns false or after `timeoutMs`.
 */
export async function waitForAnswer(o: {
  socketPath: string;
  path: string;
  intervalMs: number;
  timeoutMs: number;
  stillStarting: () => boolean;
}): Promise<number> {
  const deadline = nowMs() + o.timeoutMs;
  let lastError = 'no attempt';
  for (;;) {
    try {
      const status = await getOnce(o.socketPath, o.path);
      const at = nowMs();
      if (status >= 200 && status < 300) return at;
      lastError = `HTTP ${status}`;
    } catch (err) {
      lastError = err instanceof Error ? err.message : String(err);
    }
    if (!o.stillStarting()) throw new Error(`the server exited before answering (${lastError})`);
    if (nowMs() > deadline) throw new Error(`no answer within ${o.timeoutMs} ms (${lastError})`);
    await sleep(o.intervalMs);
  }
}
