#!/usr/bin/env node
// Installs the pinned agent CLIs the tests run (scripts/cli-pins.mjs) into their cache folders,
// idempotently: `node scripts/ensure-cli.mjs` for every pin, `node scripts/ensure-cli.mjs codex`
// for some (and the benchmark's own programs, only when named: `... ensure-cli.mjs ccmanager`). Run
// by `pretest` and `.ci/run`. Not dependencies of the package.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { BENCH_PINS, CLI_PINS } from './cli-pins.mjs';

/**
 * Checks `pin.bin --version` and installs `pin.pkg@pin.version` when it does not match; prints one
 * line (`ensure-cli <name>: …`) and exits 1 on failure.
 */
function ensureCli(name, pin) {
  const { pkg, version, cacheName, cacheDir, bin, product, versionLine, env } = pin;
  const label = `ensure-cli ${name}`;
  const where = `.cache/${cacheName}`;
  const fail = (message) => {
    console.error(`${label}: ${message}`);
    process.exit(1);
  };
  const installedVersion = () => {
    if (!existsSync(bin)) return undefined;
    const r = spawnSync(bin, ['--version'], {
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, ...env },
    });
    return r.status === 0 ? r.stdout.trim() : undefined;
  };
  const versionMatches = (printed) => printed?.startsWith(versionLine) ?? false;

  if (versionMatches(installedVersion())) {
    console.log(`${label}: ${product} ${version} present in ${where}`);
    return;
  }
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    fail(
      `the tests pin the linux-x64 build of ${product}; this machine is ${process.platform}-${process.arch}`,
    );
  }
  console.log(`${label}: installing ${pkg}@${version} into ${where}`);
  const started = Date.now();
  mkdirSync(cacheDir, { recursive: true });
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const r = spawnSync(
    npm,
    [
      'install',
      '--prefix',
      cacheDir,
      '--no-save',
      '--no-audit',
      '--no-fund',
      '--ignore-scripts',
      `${pkg}@${version}`,
    ],
    { stdio: ['ignore', 'inherit', 'inherit'] },
  );
  if (r.error) fail(`could not run npm: ${r.error.message}`);
  if (r.status !== 0) fail(`npm install failed (exit ${r.status}); is the npm registry reachable?`);
  if (!existsSync(bin))
    fail(`npm install finished but ${bin} is missing (optional platform package not installed?)`);
  const after = installedVersion();
  if (!versionMatches(after)) {
    fail(`${bin} --version printed ${JSON.stringify(after)}, expected ${JSON.stringify(versionLine)}`);
  }
  console.log(`${label}: ${product} ${version} installed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

// The benchmark's programs only when named: the tests never need them.
const ALL = { ...CLI_PINS, ...BENCH_PINS };
const names = process.argv.slice(2);
for (const name of names) {
  if (!(name in ALL)) {
    console.error(`ensure-cli: no pinned CLI named ${name} (${Object.keys(ALL).join(', ')})`);
    process.exit(2);
  }
}
for (const name of names.length > 0 ? names : Object.keys(CLI_PINS)) ensureCli(name, ALL[name]);
