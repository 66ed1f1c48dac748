/**
 * Tested version ranges of agent CLIs (a vendor's `testedVersions`, `wtp profiles`, `wtp doctor`,
 * `wtp new`), and what we tell the user about an installed version. No I/O, no zod.
 *
 * A range is written as an exact version, `2.1.330` (that release only; a pre-release such as
 * `2.1.330-beta.1` is another version), or a prefix that ends in `.x`, `0.24.x` (every `0.24.*`
 * release) or `1.x`. A vendor lists one or more; the version is inside when any of them holds it.
 */
export const TESTED_RANGE_PATTERN = /^\d+(?:\.\d+)*(?:\.x)?$/;

/** How a vendor's states were proven: `e2e` (the real CLI, in our end-to-end tests) or `screens-only`. */
export const VENDOR_SUPPORT = ['e2e', 'screens-only'] as const;
export type VendorSupport = (typeof VENDOR_SUPPORT)[number];

/** The wording every surface uses for a vendor that is known from synthetic screens only. */
export const SCREENS_ONLY = 'screens only, not run';

/** Whether `version` (e.g. "2.1.330", as `--version` printed it) is inside one of `ranges`. */
export function inTestedRange(version: string, ranges: readonly string[]): boolean {
  // "0.24.x" holds what starts with "0.24." (so not 0.240.1).
  return ranges.some((r) => (r.endsWith('.x') ? version.startsWith(r.slice(0, -1)) : version === r));
}

/** An agent CLI's installed version against what we tested, as every surface reports it. */
export interface CliSupport {
  support: VendorSupport;
  /** Inside the tested ranges; null when not known (no version, or never run here). */
  inRange: boolean | null;
  /** What the user should know, or null when the version is a tested one. */
  warning: string | null;
}

/**
 * Judges one agent CLI (`profile`) with its tested ranges and the version found (null: not
 * installed, or `--version` failed). Screens-only vendors (no tested range) always warn.
 */
export function cliSupport(profile: string, ranges: readonly string[], version: string | null): CliSupport {
  const tested = ranges.join(', ');
  if (ranges.length === 0) {
    return {
      support: 'screens-only',
      inRange: null,
      warning: `${profile} is ${SCREENS_ONLY}: its screen rules were checked on synthetic screens only, never on the real CLI; if its states look wrong, save the screen with \`wtp record-screen <agent>\` (docs/states.md)`,
    };
  }
  if (version === null) return { support: 'e2e', inRange: null, warning: null };
  if (inTestedRange(version, ranges)) return { support: 'e2e', inRange: true, warning: null };
  return {
    support: 'e2e',
    inRange: false,
    warning: `${profile} ${version} is outside the tested versions (${tested}): it may work, but its states may be wrong; check them with \`wtp why <agent>\` and \`wtp record-screen <agent>\`, or install a tested version`,
  };
}
