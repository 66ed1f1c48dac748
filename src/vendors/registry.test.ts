import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI_PINS } from '../../scripts/cli-pins.mjs';
import { parseVersion } from '../core/state/detectors/screen-detector.js';
import { PROFILE_NAMES } from '../protocol/constants.js';
import { inTestedRange, TESTED_RANGE_PATTERN } from '../protocol/version-range.js';
import { DETECTORS, PROFILES, STREAM_READERS, VENDORS } from './registry.js';
import { VENDOR_SETUPS } from './setup-list.js';

const ROOT = join(import.meta.dirname, '..', '..');
const folders = readdirSync(join(ROOT, 'src', 'vendors'), { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name);

/** The versions of a vendor's recorded screens (test/fixtures/screens/<name>/<version>/, not `synthetic`). */
function recordedVersions(name: string): string[] {
  const dir = join(ROOT, 'test', 'fixtures', 'screens', name);
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((v) => parseVersion(v) !== null);
}

describe('vendor registry', () => {
  it('has one vendor per folder, named as its folder, each with a vendor.ts', () => {
    for (const f of folders) expect(existsSync(join(ROOT, 'src', 'vendors', f, 'vendor.ts')), f).toBe(true);
    expect(VENDORS.map((v) => v.profile.name).sort()).toEqual([...folders].sort());
  });

  it('lists the profiles in order, as protocol/ names them', () => {
    const orders = VENDORS.map((v) => v.order);
    expect(new Set(orders).size).toBe(orders.length);
    expect(VENDORS.map((v) => v.profile.name)).toEqual([...PROFILE_NAMES]);
    expect(PROFILES.all().map((p) => p.name)).toEqual([...PROFILE_NAMES]);
  });

  it('gives every signal a profile declares what reads it', () => {
    for (const { profile: p, detectors } of VENDORS) {
      expect(p.signals.includes('hook'), p.name).toBe(p.readHook !== undefined);
      expect(p.signals.includes('stream'), p.name).toBe(p.stream !== undefined);
      expect(p.signals.includes('screen'), p.name).toBe(p.detector !== null);
      if (p.detector !== null) expect(DETECTORS[p.detector], p.name).toBe(detectors);
      if (p.stream) expect(STREAM_READERS[p.stream.name], p.name).toBe(p.stream.reader);
      expect(p.signals.at(-1), p.name).toBe('process');
    }
  });

  it('says how to install every agent CLI (COMMAND_NOT_FOUND and `wtp doctor` show it)', () => {
    for (const { profile: p } of VENDORS) expect(p.install !== undefined, p.name).toBe(p.binary !== null);
  });

  it('has setups only for profiles that run an agent CLI', () => {
    for (const name of Object.keys(VENDOR_SETUPS)) {
      expect(PROFILES.get(name as (typeof PROFILE_NAMES)[number]).binary, name).not.toBeNull();
    }
  });

  it('names as tested the pinned CLI and the versions of the recorded screens, and nothing else', () => {
    for (const { profile, testedVersions } of VENDORS) {
      const pinned = CLI_PINS[profile.name];
      const recorded = recordedVersions(profile.name);
      const known = [...new Set([...(pinned ? [pinned.version] : []), ...recorded])];
      for (const range of testedVersions) {
        expect(range, profile.name).toMatch(TESTED_RANGE_PATTERN);
        // Every range holds a version we ran or recorded: nothing untested is claimed.
        expect(
          known.some((v) => inTestedRange(v, [range])),
          `${profile.name} ${range}`,
        ).toBe(true);
      }
      for (const v of known) expect(inTestedRange(v, testedVersions), `${profile.name} ${v}`).toBe(true);
    }
  });

  it('runs every agent CLI that has tested versions for real; only aider is screens only', () => {
    const screensOnly = VENDORS.filter((v) => v.profile.binary !== null && v.testedVersions.length === 0);
    expect(screensOnly.map((v) => v.profile.name)).toEqual(['aider']);
  });
});
