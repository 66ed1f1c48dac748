import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from './support/harness.js';

/** semver is installed (typescript-eslint, prebuild-install need it) but not a direct dependency: no types. */
const semver = createRequire(import.meta.url)('semver') as {
  minVersion(range: string): { version: string } | null;
  satisfies(version: string, range: string): boolean;
};

interface Lock {
  packages: Record<string, { version?: string; engines?: { node?: string } | string[] }>;
}

const read = <T>(file: string): T => JSON.parse(readFileSync(join(REPO, file), 'utf8')) as T;

describe('dependency engines', () => {
  it('every package `npm ci` installs runs on the oldest Node our `engines` admits', () => {
    const ours = read<{ engines: { node: string } }>('package.json').engines.node;
    const oldest = semver.minVersion(ours)?.version;
    expect(oldest).toBe('20.19.0');
    const refused = Object.entries(read<Lock>('package-lock.json').packages).flatMap(([path, p]) => {
      const range = Array.isArray(p.engines) ? undefined : p.engines?.node;
      return path === '' || range === undefined || semver.satisfies(oldest ?? '', range)
        ? []
        : [`${path.replace(/^.*node_modules\//, '')}@${p.version ?? '?'} needs node ${range}`];
    });
    // Pin the dependency that pulls it in to a release that still runs on Node 20 (npm ci warns EBADENGINE).
    expect(refused).toEqual([]);
  });
});

describe('the package’s own scripts', () => {
  it('runs no script when it is installed (npm i -g of its tarball, npm link): it ships built', () => {
    const scripts = read<{ scripts: Record<string, string> }>('package.json').scripts;
    const onInstall = ['preinstall', 'install', 'postinstall', 'prepare'].filter((s) => s in scripts);
    expect(onInstall).toEqual([]);
    expect(scripts['prepack']).toContain('scripts/build.mjs');
  });
});
