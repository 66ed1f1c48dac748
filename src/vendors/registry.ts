import { ProfileCatalog, type ModeReading, type StreamReader } from '../core/agents/profiles.js';
import type { UsageSpec } from '../core/usage/usage-spec.js';
import type { DetectorTable } from '../core/state/detectors/screen-detector.js';
import type { VendorDefinition } from './vendor.js';
import { VENDOR_FOLDERS } from './vendor-list.js';

/**
 * The vendor registry: every folder of src/vendors/ (vendor-list.ts, written by `npm run gen`),
 * and what the composition roots derive from it for the core and the host. The names, the agent
 * CLIs and their quota vendors also reach protocol/ as a generated file (profile-names.ts).
 */

/** Every vendor, in list order (`order`). */
export const VENDORS: readonly VendorDefinition[] = [...VENDOR_FOLDERS].sort((a, b) => a.order - b.order);

/** Every profile's spec: what the core is given (it never imports a vendor). */
export const PROFILES = new ProfileCatalog(VENDORS.map((v) => v.profile));

/** The screen detector rule sets, by detector name: what the host runs on an agent's screen. */
export const DETECTORS: DetectorTable = Object.fromEntries(
  VENDORS.flatMap((v) =>
    v.profile.detector !== null && v.detectors ? [[v.profile.detector, v.detectors] as const] : [],
  ),
);

/** The structured stream readers, by stream name: what the host reads a headless run with. */
export const STREAM_READERS: Readonly<Record<string, (now: () => number) => StreamReader>> =
  Object.fromEntries(
    VENDORS.flatMap((v) => (v.profile.stream ? [[v.profile.stream.name, v.profile.stream.reader]] : [])),
  );

/** How each profile's token usage is read, by profile name: what the usage meter is given. */
export const USAGE_SPECS: Readonly<Record<string, UsageSpec>> = Object.fromEntries(
  VENDORS.flatMap((v) => (v.usage ? [[v.profile.name, v.usage] as const] : [])),
);

/** The permission-mode line readers, by detector name: what the host reads the mode on a screen with. */
export const MODE_LINES: Readonly<Record<string, (lines: readonly string[]) => ModeReading | null>> =
  Object.fromEntries(
    VENDORS.flatMap((v) => {
      const read = v.profile.permissions?.fromScreen;
      return v.profile.detector !== null && read ? [[v.profile.detector, read] as const] : [];
    }),
  );
