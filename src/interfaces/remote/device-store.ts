import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { AppError } from '../../core/errors.js';
import type { Clock } from '../../core/ports/daemon.js';
import { appError } from '../../protocol/error-messages.js';
import { browserSubscriptionSchema, pushPrefsSchema } from '../../protocol/push.js';
import { deviceNameSchema, type RemoteDevice } from '../../protocol/remote.js';

/** Where the devices are kept (a 0600 JSON file in the state folder; tests keep them in memory). */
export interface DeviceFile {
  /** The stored document, or undefined when there is none yet. */
  read(): unknown;
  write(doc: unknown): void;
}

const MAX_DEVICES = 50;
/** Last-seen times reach the file at most this often (a phone polls; the disk need not). */
const SEEN_FLUSH_MS = 60_000;

const storedSchema = z.object({
  id: z.string().regex(/^[\w-]{16}$/),
  name: deviceNameSchema,
  secretHash: z.string().regex(/^[\w-]{43}$/),
  pairedAt: z.string(),
  lastSeenAt: z.string().nullable(),
  address: z.string().max(100).nullable(),
  userAgent: z.string().max(200).nullable(),
  push: z
    .object({ subscription: browserSubscriptionSchema, prefs: pushPrefsSchema })
    .nullable()
    .default(null),
});
export type DevicePush = NonNullable<z.infer<typeof storedSchema>['push']>;
type Stored = z.infer<typeof storedSchema>;
const docSchema = z.object({ version: z.literal(1), devices: z.array(storedSchema).max(MAX_DEVICES) });

const digest = (secret: string): string => createHash('sha256').update(secret).digest('base64url');
const CREDENTIAL = /^([\w-]{16})\.([\w-]{43})$/;

/**
 * Paired devices. A device holds `<id>.<secret>` in an HttpOnly cookie; the daemon keeps the id
 * and the secret's SHA-256 only, so the file never holds what opens the door. A revoked device
 * is removed: its next request finds nothing.
 */
export class DeviceStore {
  private devices: Stored[];
  private lastFlush = 0;

  constructor(
    private readonly file: DeviceFile,
    private readonly clock: Pick<Clock, 'now'>,
  ) {
    const raw = file.read();
    if (raw === undefined) this.devices = [];
    else {
      const parsed = docSchema.safeParse(raw);
      if (!parsed.success)
        throw appError('REMOTE_FILE_INVALID', {
          path: 'devices.json',
          problem: 'is not in the format of the paired devices file',
        });
      this.devices = parsed.data.devices;
    }
  }

  list(): RemoteDevice[] {
    return this.devices.map(publicView);
  }

  has(name: string): boolean {
    return this.devices.some((d) => d.name === name);
  }

  /** A new device and the credential its cookie carries (never stored). */
  add(
    name: string,
    address: string | null,
    userAgent: string | null,
  ): { device: RemoteDevice; credential: string } {
    if (this.has(name))
      throw new AppError('INVALID_INPUT', `A device named "${name}" is paired already. Pick another name.`, {
        issues: [{ path: 'name', message: 'taken' }],
      });
    if (this.devices.length >= MAX_DEVICES)
      throw new AppError(
        'INVALID_INPUT',
        `${MAX_DEVICES} devices are paired already. Revoke one (\`wtp remote revoke NAME\`) first.`,
      );
    const id = randomBytes(12).toString('base64url');
    const secret = randomBytes(32).toString('base64url');
    const d: Stored = {
      id,
      name,
      secretHash: digest(secret),
      pairedAt: new Date(this.clock.now()).toISOString(),
      lastSeenAt: null,
      address: address?.slice(0, 100) ?? null,
      userAgent: userAgent?.slice(0, 200) ?? null,
      push: null,
    };
    this.save([...this.devices, d]);
    return { device: publicView(d), credential: `${id}.${secret}` };
  }

  /** The device a cookie value belongs to, or null (unknown, revoked, forged). Constant time in the secret. */
  verify(credential: string): RemoteDevice | null {
    const m = CREDENTIAL.exec(credential);
    if (!m?.[1] || !m[2]) return null;
    const d = this.devices.find((x) => x.id === m[1]);
    if (!d) return null;
    const given = Buffer.from(digest(m[2]));
    const want = Buffer.from(d.secretHash);
    if (given.length !== want.length || !timingSafeEqual(given, want)) return null;
    const now = this.clock.now();
    d.lastSeenAt = new Date(now).toISOString();
    if (now - this.lastFlush >= SEEN_FLUSH_MS) this.flushSeen(now);
    return publicView(d);
  }

  /** The device's push subscription and preferences, or null. */
  push(name: string): DevicePush | null {
    return this.devices.find((d) => d.name === name)?.push ?? null;
  }

  /** Sets (or with null, ends) a device's pushes. */
  setPush(name: string, push: DevicePush | null): void {
    this.save(this.devices.map((d) => (d.name === name ? { ...d, push } : d)));
  }

  /** Devices that take pushes. */
  pushTargets(): { name: string; push: DevicePush }[] {
    return this.devices.flatMap((d) => (d.push ? [{ name: d.name, push: d.push }] : []));
  }

  /** Removes a device; null when none has that name. */
  revoke(name: string): RemoteDevice | null {
    const d = this.devices.find((x) => x.name === name);
    if (!d) return null;
    this.save(this.devices.filter((x) => x !== d));
    return publicView(d);
  }

  private flushSeen(now: number): void {
    this.lastFlush = now;
    try {
      this.file.write({ version: 1, devices: this.devices });
    } catch {
      // Last-seen is a convenience: a full disk must not lock the user's phone out.
    }
  }

  private save(devices: Stored[]): void {
    this.file.write({ version: 1, devices });
    this.devices = devices;
  }
}

function publicView(d: Stored): RemoteDevice {
  return {
    name: d.name,
    pairedAt: d.pairedAt,
    lastSeenAt: d.lastSeenAt,
    address: d.address,
    userAgent: d.userAgent,
  };
}
