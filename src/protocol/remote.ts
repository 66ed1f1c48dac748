import { z } from 'zod';
import { isoTimeSchema } from './common.js';

/** The device cookie: `__Host-` makes browsers require Secure, Path=/ and no Domain. */
export const DEVICE_COOKIE = '__Host-wtp_device';

/** How long a pairing code works, once. */
export const PAIR_CODE_TTL_MS = 120_000;

export const deviceNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$/, 'letters, digits, . _ - (at most 40, a letter or digit first)')
  .describe('The name the device was paired as, e.g. pixel-9');

/** `POST /remote/on`: serve the dashboard and API to paired devices, over TLS only. */
export const remoteOnRequestSchema = z.strictObject({
  listen: z
    .string()
    .min(3)
    .max(300)
    .describe('ADDR:PORT to listen on: a LAN or tailnet address ([v6]:PORT for IPv6)'),
  cert: z.string().min(1).max(4096).optional().describe('Your certificate (PEM file); else the local CA’s'),
  key: z.string().min(1).max(4096).optional().describe('Its private key (PEM file)'),
  everyInterface: z
    .boolean()
    .optional()
    .describe('Allow 0.0.0.0 or [::] (every interface, the internet too if it reaches this machine)'),
});
export type RemoteOnRequest = z.infer<typeof remoteOnRequestSchema>;

export const remoteCertificateSchema = z.object({
  kind: z.enum(['local-ca', 'files']).describe('Made by the local CA in the state folder, or your files'),
  fingerprint256: z.string().describe('SHA-256 of the server certificate'),
  caFingerprint256: z.string().nullable().describe('SHA-256 of the local CA’s root (to check on the phone)'),
  notAfter: isoTimeSchema,
});

export const remoteStatusSchema = z.object({
  on: z.boolean().describe('Whether the remote listener is serving'),
  listen: z.string().nullable().describe('ADDR:PORT as asked'),
  url: z.string().nullable().describe('https://ADDR:PORT/dashboard/'),
  certificate: remoteCertificateSchema.nullable(),
  caUrl: z.string().nullable().describe('Where a phone downloads the local CA’s root'),
  devices: z.number().int().describe('Paired devices not revoked'),
  pairingLockedUntil: isoTimeSchema.nullable().describe('Pairing refused until then (too many wrong codes)'),
  error: z.string().nullable().describe('Why it is not serving though it was turned on'),
});
export type RemoteStatus = z.infer<typeof remoteStatusSchema>;

export const remotePairSchema = z.object({
  url: z.string().describe('https://ADDR:PORT/remote/pair#code=…: works once, until expiresAt'),
  expiresAt: isoTimeSchema,
  caUrl: z.string().nullable().describe('The local CA’s root, to install on the phone first'),
  caFingerprint256: z.string().nullable(),
  fingerprint256: z.string().describe('SHA-256 of the server certificate the phone will see'),
});
export type RemotePair = z.infer<typeof remotePairSchema>;

export const remoteDeviceSchema = z.object({
  name: deviceNameSchema,
  pairedAt: isoTimeSchema,
  lastSeenAt: isoTimeSchema.nullable(),
  address: z.string().nullable().describe('The address it paired from'),
  userAgent: z.string().nullable().describe('Its browser, as it said (at most 200 characters)'),
});
export type RemoteDevice = z.infer<typeof remoteDeviceSchema>;

export const remoteDeviceListSchema = z.object({ devices: z.array(remoteDeviceSchema) });
export const remoteDeviceParamsSchema = z.strictObject({ name: deviceNameSchema });
export const remoteRevokedSchema = z.object({
  device: remoteDeviceSchema,
  closedSockets: z.number().int().describe('Open connections of the device closed at once'),
});

/** `POST /remote/pair` on the remote listener: a code from `wtp remote pair` for a device cookie. */
export const pairRedeemRequestSchema = z.strictObject({
  code: z.string().min(1).max(200),
  name: deviceNameSchema,
});

export const REMOTE_REFUSALS = ['wrong_code', 'expired_code', 'locked', 'name_taken'] as const;

export const remoteEventPayloads = {
  'remote.paired': z
    .object({ device: deviceNameSchema, address: z.string().nullable() })
    .describe('A device was paired through a one-time code from `wtp remote pair`.'),
  'remote.pairRefused': z
    .object({
      reason: z.enum(REMOTE_REFUSALS).describe('Why it was refused (locked: too many wrong codes)'),
      address: z.string().nullable(),
      lockedUntil: isoTimeSchema.nullable().describe('Pairing is refused until then'),
    })
    .describe('A pairing was refused; after five wrong codes in ten minutes pairing locks for ten.'),
  'remote.revoked': z
    .object({ device: deviceNameSchema, closedSockets: z.number().int() })
    .describe('A device’s access ended (`wtp remote revoke`), its open connections closed.'),
  'remote.turnedOn': z
    .object({ listen: z.string(), certificate: remoteCertificateSchema })
    .describe('The remote listener serves paired devices over TLS (`wtp remote on`).'),
  'remote.turnedOff': z.object({}).describe('The remote listener stopped (`wtp remote off`).'),
} as const;
