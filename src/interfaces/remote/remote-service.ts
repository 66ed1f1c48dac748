import { createServer, type Server } from 'node:https';
import { appError } from '../../protocol/error-messages.js';
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';
import { z } from 'zod';
import { AppError } from '../../core/errors.js';
import type { Clock, Logger } from '../../core/ports/daemon.js';
import type { NewEvent } from '../../protocol/events.js';
import {
  PAIR_CODE_TTL_MS,
  type RemoteDevice,
  type RemoteOnRequest,
  type RemotePair,
  type RemoteStatus,
} from '../../protocol/remote.js';
import { markRemote, type HttpApp } from '../server/http-app.js';
import { answerClientError, refuseConnect } from '../server/socket-replies.js';
import { DeviceStore } from './device-store.js';
import { parseListen, withPort, type ListenAddress } from './listen-address.js';
import { PairingBook } from './pairing-book.js';
import { authorizeRemote, DEVICE_NEVER, deviceMayNot } from './remote-gate.js';
import type { RemotePorts, ServerCert } from './remote-ports.js';
import { PhonePushes } from './phone-pushes.js';

const settingsSchema = z.object({
  listen: z.string().max(300),
  cert: z.string().max(4096).optional(),
  key: z.string().max(4096).optional(),
  everyInterface: z.boolean().optional(),
});

const remoteEvent = (type: NewEvent['type'], data: unknown): NewEvent =>
  ({ type, source: 'daemon', agentId: null, workspaceId: null, data }) as NewEvent;

interface Serving {
  server: Server;
  address: ListenAddress;
  cert: ServerCert;
  hosts: string[];
  connections: Set<Socket>;
}

/**
 * The remote (phone) listener: the same app as the local API, behind TLS on an address the user
 * chose, open to paired devices only (remote-gate.ts). Its settings survive restarts; its devices
 * live in their own file; pairing codes only in memory.
 */
export class RemoteService {
  private serving: Serving | null = null;
  private error: string | null = null;
  private readonly pairing: PairingBook;
  private store: DeviceStore | null = null;
  /** Why the paired devices file cannot be trusted: nothing is served until the user deletes it. */
  private broken: AppError | null = null;
  private readonly sockets = new Map<string, Set<WebSocket>>();
  /** Web Push to the paired devices. */
  readonly pushes: PhonePushes;

  constructor(
    private readonly app: HttpApp,
    private readonly ports: RemotePorts,
    private readonly o: { clock: Clock; log: Logger },
  ) {
    this.pairing = new PairingBook(o.clock);
    this.loadDevices();
    this.pushes = new PhonePushes({
      ports,
      log: o.log,
      clock: o.clock,
      devices: () => this.devices,
      origin: () => (this.serving ? `https://${this.serving.address.authority}` : null),
    });
  }

  /** A planted or damaged devices file must not stop the daemon (and its agents) from starting. */
  private loadDevices(): void {
    try {
      this.store = new DeviceStore(this.ports.devices, this.o.clock);
      this.broken = null;
    } catch (err) {
      this.broken = err instanceof AppError ? err : appError('REMOTE_FILE_INVALID', { error: String(err) });
      this.o.log.warn({ err }, 'remote listener off: its devices file cannot be trusted');
    }
  }

  private get devices(): DeviceStore {
    if (this.store) return this.store;
    throw this.broken;
  }

  /** The saved settings, or null (none, or a file that cannot be trusted: kept for `status`). */
  private saved(): RemoteOnRequest | null {
    try {
      const r = settingsSchema.safeParse(this.ports.settings.read());
      return r.success ? r.data : null;
    } catch (err) {
      this.error = (err as Error).message;
      return null;
    }
  }

  /** Serves again what was turned on before the daemon restarted; a failure is kept for `status`. */
  async resume(): Promise<void> {
    const saved = this.saved();
    if (!saved) return;
    try {
      await this.start(saved);
    } catch (err) {
      this.error = (err as Error).message;
      this.o.log.warn({ err }, 'remote listener not started');
    }
  }

  status(): RemoteStatus {
    const s = this.serving;
    const saved = this.saved();
    const locked = this.pairing.lockedUntil();
    return {
      on: s !== null,
      listen: saved?.listen ?? null,
      url: s ? `https://${s.address.authority}/dashboard/` : null,
      certificate: s ? certificateView(s.cert) : null,
      caUrl: s?.cert.ca ? `https://${s.address.authority}/remote/ca.crt` : null,
      devices: this.store?.list().length ?? 0,
      pairingLockedUntil: locked === null ? null : new Date(locked).toISOString(),
      error: s ? null : (this.broken?.message ?? this.error),
    };
  }

  async on(req: RemoteOnRequest): Promise<RemoteStatus> {
    await this.stop();
    await this.start(req);
    this.ports.settings.write(req);
    const s = this.serving;
    if (s)
      await this.ports.record([
        remoteEvent('remote.turnedOn', { listen: req.listen, certificate: certificateView(s.cert) }),
      ]);
    return this.status();
  }

  async off(): Promise<RemoteStatus> {
    const was = this.serving !== null;
    await this.stop();
    this.ports.settings.remove();
    this.error = null;
    if (was) await this.ports.record([remoteEvent('remote.turnedOff', {})]);
    return this.status();
  }

  pair(): RemotePair {
    const s = this.serving;
    if (!s) throw appError('REMOTE_OFF', { error: this.error });
    const locked = this.pairing.lockedUntil();
    if (locked !== null)
      throw appError('PAIRING_REFUSED', { reason: 'locked', lockedUntil: new Date(locked).toISOString() });
    const { code, expiresAt } = this.pairing.issue();
    return {
      url: `https://${s.address.authority}/remote/pair#code=${code}`,
      expiresAt: new Date(expiresAt).toISOString(),
      caUrl: s.cert.ca ? `https://${s.address.authority}/remote/ca.crt` : null,
      caFingerprint256: s.cert.ca?.fingerprint256 ?? null,
      fingerprint256: s.cert.fingerprint256,
    };
  }

  /** A phone spends its code: the credential for its cookie. */
  async redeem(
    body: { code: string; name: string },
    from: { address: string | null; userAgent: string | null },
  ): Promise<{ device: RemoteDevice; credential: string }> {
    const r = this.pairing.redeem(body.code);
    const refused = async (
      reason: string,
      lockedUntil: number | null,
      fields: { name?: string; minutes?: number } = {},
    ): Promise<never> => {
      const until = lockedUntil === null ? null : new Date(lockedUntil).toISOString();
      await this.ports.record([
        remoteEvent('remote.pairRefused', { reason, address: from.address, lockedUntil: until }),
      ]);
      throw appError('PAIRING_REFUSED', { reason, lockedUntil: until, ...fields });
    };
    if (!r.ok) {
      const expired = r.reason === 'expired_code' ? { minutes: PAIR_CODE_TTL_MS / 60_000 } : {};
      return refused(r.reason, r.lockedUntil, expired);
    }
    if (this.devices.has(body.name)) return refused('name_taken', null, { name: body.name });
    const made = this.devices.add(body.name, from.address, from.userAgent);
    await this.ports.record([remoteEvent('remote.paired', { device: body.name, address: from.address })]);
    return made;
  }

  list(): RemoteDevice[] {
    return this.devices.list();
  }

  async revoke(name: string): Promise<{ device: RemoteDevice; closedSockets: number }> {
    const device = this.devices.revoke(name);
    if (!device) throw appError('DEVICE_NOT_FOUND', { name });
    const open = [...(this.sockets.get(name) ?? [])];
    for (const ws of open) ws.close(1008, 'device revoked');
    this.sockets.delete(name);
    await this.ports.record([remoteEvent('remote.revoked', { device: name, closedSockets: open.length })]);
    return { device, closedSockets: open.length };
  }

  /** The CA's root, for a phone to install (public: it is a certificate). */
  caRoot(): string | null {
    return this.serving?.cert.ca?.certPem ?? null;
  }

  async close(): Promise<void> {
    await this.stop();
  }

  private async start(req: RemoteOnRequest): Promise<void> {
    if (!this.store) this.loadDevices(); // deleted since, as the error said
    if (this.broken) throw this.broken;
    const address = parseListen(req.listen, req.everyInterface === true);
    if ((req.cert === undefined) !== (req.key === undefined))
      throw new AppError(
        'INVALID_INPUT',
        'Give both --cert and --key, or neither (the local CA then makes one).',
      );
    if (address.everyInterface && req.cert === undefined)
      throw new AppError(
        'INVALID_INPUT',
        'Every interface has no one address for the local CA to vouch for. Give --cert and --key, or one address.',
      );
    const cert = await this.ports.certificate(
      req.cert !== undefined && req.key !== undefined
        ? { kind: 'files', cert: req.cert, key: req.key }
        : { kind: 'local-ca', host: address.host },
    );
    const connections = new Set<Socket>();
    const server = createServer({ cert: cert.certPem, key: cert.keyPem, minVersion: 'TLSv1.2' }, (q, res) => {
      markRemote(q);
      res.setHeader('strict-transport-security', 'max-age=31536000');
      this.app.handle(q, res);
    });
    server.on('upgrade', (q: IncomingMessage, socket, head) => {
      markRemote(q);
      this.app.upgrade(q, socket, head);
    });
    server.on('connect', refuseConnect);
    server.on('clientError', answerClientError);
    server.on('secureConnection', (s: Socket) => {
      connections.add(s);
      s.on('close', () => connections.delete(s));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) =>
        reject(
          err.code === 'EADDRINUSE' || err.code === 'EADDRNOTAVAIL'
            ? appError(
                'PORT_IN_USE',
                err.code === 'EADDRINUSE'
                  ? { listen: req.listen, code: err.code, authority: address.authority }
                  : { listen: req.listen, code: err.code, address: address.host },
                { cause: err },
              )
            : err,
        ),
      );
      server.listen(address.port, address.host, () => resolve());
    });
    const bound = server.address();
    const actual = withPort(address, typeof bound === 'object' && bound ? bound.port : address.port);
    const hosts = [
      ...(actual.everyInterface ? [] : [actual.authority]),
      ...cert.dnsNames.map((n) => `${n}:${actual.port}`),
    ];
    this.serving = { server, address: actual, cert, hosts, connections };
    this.pushes.reset();
    this.error = null;
    this.app.remote = {
      authorize: (q, upgrade) =>
        authorizeRemote(q, { hosts, verify: (c) => this.store?.verify(c) ?? null }, upgrade),
      never: DEVICE_NEVER,
      refuseRoute: deviceMayNot,
      track: (device, ws) => {
        const set = this.sockets.get(device) ?? new Set<WebSocket>();
        set.add(ws);
        this.sockets.set(device, set);
        ws.once('close', () => set.delete(ws));
      },
    };
  }

  private async stop(): Promise<void> {
    const s = this.serving;
    if (!s) return;
    this.serving = null;
    this.app.remote = null;
    for (const set of this.sockets.values()) for (const ws of set) ws.close(1001, 'remote listener stopped');
    this.sockets.clear();
    await new Promise<void>((resolve) => {
      s.server.close(() => resolve());
      for (const c of s.connections) c.destroy();
    });
  }
}

function certificateView(c: ServerCert): RemoteStatus['certificate'] {
  return {
    kind: c.ca ? 'local-ca' : 'files',
    fingerprint256: c.fingerprint256,
    caFingerprint256: c.ca?.fingerprint256 ?? null,
    notAfter: c.notAfter.toISOString(),
  };
}
