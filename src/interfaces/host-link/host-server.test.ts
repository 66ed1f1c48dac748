import { PassThrough } from 'node:stream';
import type { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { SocketHostLink } from './host-server.js';

describe('SocketHostLink', () => {
  it('a request pending when the host disconnects fails with HOST_UNAVAILABLE, not a bare error (a 500)', async () => {
    const link = new SocketHostLink(new PassThrough() as unknown as Socket, 4242);
    const screen = link.screen(60_000).catch((e: unknown) => e);
    link.failAll();
    expect(await screen).toMatchObject({ code: 'HOST_UNAVAILABLE', details: { hostPid: 4242 } });
  });
});
