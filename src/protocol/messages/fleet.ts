import type { ErrorCode } from '../error-catalog.js';
import type { MessagePairs } from './pairs.js';

/** The fleet, the remote listener and devices, the HTTP API and MCP. */
export const FLEET_MESSAGES = {
  MACHINE_NOT_FOUND: [
    ['No machine of the fleet is named "{machine}".', 'Run `wtp fleet status` to see the machines.'],
  ],
  DEVICE_NOT_FOUND: [['No paired device is named "{name}".', 'Run `wtp remote devices` to see them.']],
} as const satisfies Partial<Record<ErrorCode, MessagePairs>>;
