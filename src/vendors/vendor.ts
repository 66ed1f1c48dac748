import type { ProfileSpec } from '../core/agents/profiles.js';
import type { UsageSpec } from '../core/usage/usage-spec.js';
import type { RuleSet } from '../core/state/detectors/screen-detector.js';

/**
 * One vendor folder's pure part (`src/vendors/<name>/vendor.ts`, no I/O): the profile spec the
 * core runs with, its screen detector rule sets, where it goes in lists, and what was tested.
 * The I/O part, when the CLI needs files written before it starts (hooks, trust), is the folder's
 * `setup.ts` (a VendorSetup). `npm run gen` lists the folders in vendor-list.ts and setup-list.ts.
 */
export interface VendorDefinition {
  profile: ProfileSpec;
  /** Place in every list of profiles (`wtp profiles`, error messages, help, the plugin): ascending. */
  order: number;
  /**
   * The tested version range: the CLI versions the tests run (scripts/cli-pins.mjs) and the
   * recorded screens come from (test/fixtures/screens/<name>/<version>/), each written as an exact
   * version (`2.1.330`) or a prefix ending in `.x` (`0.24.x`: every 0.24 release); see
   * protocol/version-range.ts. `wtp profiles`, `wtp doctor` and `wtp new` warn of an installed
   * version outside it. Empty when the CLI was never run here (its rules come from peers' patterns,
   * checked on synthetic screens only): the vendor is shown as "screens only, not run".
   */
  testedVersions: readonly string[];
  /** Screen detector rule sets, per version range (the newest applies to unknown versions). */
  detectors?: readonly RuleSet[];
  /** Where and how its token usage is read (docs/cost.md); absent: not read. */
  usage?: UsageSpec;
}
