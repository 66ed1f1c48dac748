import { z } from 'zod';
import {
  remoteDeviceListSchema,
  remoteDeviceParamsSchema,
  remoteOnRequestSchema,
  remotePairSchema,
  remoteRevokedSchema,
  remoteStatusSchema,
} from './remote.js';
import { ROUTE_PATHS } from './route-paths.js';
import { pushSettingsSchema, pushSubscribeRequestSchema } from './push.js';

const noBody = z.strictObject({});

/** `wtp remote`: the phone's listener, pairing and devices. Never served to a device itself. */
export const remoteRoutes = {
  remoteStatus: {
    ...ROUTE_PATHS.remoteStatus,
    summary: 'Whether the remote (phone) listener serves, where, with which certificate',
    response: remoteStatusSchema,
  },
  remoteOn: {
    ...ROUTE_PATHS.remoteOn,
    summary: 'Serve the dashboard and API to paired devices over TLS on ADDR:PORT (kept across restarts)',
    body: remoteOnRequestSchema,
    response: remoteStatusSchema,
  },
  remoteOff: {
    ...ROUTE_PATHS.remoteOff,
    summary: 'Stop the remote listener (devices stay paired)',
    body: noBody,
    response: remoteStatusSchema,
  },
  remotePair: {
    ...ROUTE_PATHS.remotePair,
    summary: 'A one-time pairing link (2 minutes, single use) for a phone',
    body: noBody,
    response: remotePairSchema,
  },
  remoteDevices: {
    ...ROUTE_PATHS.remoteDevices,
    summary: 'Paired devices: name, when paired, when last seen',
    response: remoteDeviceListSchema,
  },
  pushSettings: {
    ...ROUTE_PATHS.pushSettings,
    summary: 'A paired device: the daemon’s VAPID key and its own push subscription',
    response: pushSettingsSchema,
  },
  pushSubscribe: {
    ...ROUTE_PATHS.pushSubscribe,
    summary:
      'A paired device: push to this subscription, for these kinds and workspaces, outside quiet hours',
    body: pushSubscribeRequestSchema,
    response: pushSettingsSchema,
  },
  pushUnsubscribe: {
    ...ROUTE_PATHS.pushUnsubscribe,
    summary: 'A paired device: push no more',
    body: noBody,
    response: pushSettingsSchema,
  },
  remoteRevoke: {
    ...ROUTE_PATHS.remoteRevoke,
    summary: 'End a device’s access at once, its open connections included',
    params: remoteDeviceParamsSchema,
    body: noBody,
    response: remoteRevokedSchema,
  },
};
