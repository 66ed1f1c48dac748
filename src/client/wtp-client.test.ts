import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WtpClient } from './wtp-client.js';

/** A daemon that reads each request whole, then dies without answering (as one SIGKILLed would). */
describe('WtpClient when the daemon dies after it received a request', () => {
  let dir: string;
  let server: Server;
  let client: WtpClient;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'wtp-test-client-'));
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.socket?.destroy());
    });
    await new Promise<void>((resolve) => server.listen(join(dir, 'api.sock'), resolve));
    client = new WtpClient({ socketPath: join(dir, 'api.sock') });
  });
  afterEach(async () => {
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  it('a request that changes something: REQUEST_OUTCOME_UNKNOWN, with how to check', async () => {
    const err = await client
      .call('createAgent', { body: { profile: 'cmd', argv: ['true'], cwd: '/' } as never })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({
      code: 'REQUEST_OUTCOME_UNKNOWN',
      details: { method: 'POST', path: '/api/v1/agents' },
    });
    expect((err as Error).message).toContain('wtp ls');
  });

  it('a read: DAEMON_UNREACHABLE, as before (nothing was done)', async () => {
    await expect(client.call('listAgents')).rejects.toMatchObject({ code: 'DAEMON_UNREACHABLE' });
  });

  it('no daemon at all: DAEMON_NOT_RUNNING', async () => {
    const none = new WtpClient({ socketPath: join(dir, 'nobody.sock') });
    await expect(none.call('createAgent', { body: {} as never })).rejects.toMatchObject({
      code: 'DAEMON_NOT_RUNNING',
    });
  });
});

/**
 * A daemon that answered, then was killed and started again on the same socket: a long-lived
 * client (the TUI, a test's own process) must reach the new one, not write to a connection of the
 * dead one kept for reuse (Node's default agent keeps them), which failed with EPIPE or ECONNRESET.
 */
describe('WtpClient after the daemon was restarted', () => {
  it('reaches the new daemon on its first request', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wtp-test-client-'));
    const sock = join(dir, 'api.sock');
    const serve = async (): Promise<Server> => {
      const s = createServer((_req, res) => res.end(JSON.stringify({ agents: [] })));
      s.keepAliveTimeout = 60_000;
      await new Promise<void>((resolve) => s.listen(sock, resolve));
      return s;
    };
    const client = new WtpClient({ socketPath: sock });
    try {
      const first = await serve();
      await client.call('listAgents');
      // Killed: its connections end without a word; the socket file stays, as a killed daemon's does.
      first.closeAllConnections();
      await new Promise((resolve) => first.close(resolve));
      rmSync(sock, { force: true });
      const second = await serve();
      try {
        await expect(client.call('listAgents')).resolves.toEqual({ agents: [] });
      } finally {
        second.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
