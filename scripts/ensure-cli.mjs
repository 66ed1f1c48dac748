// Installs a pinned agent CLI (scripts/cli-pins.mjs) for the tests into its cache folder,
// idempotently: the shared body of scripts/ensure-claude.mjs and scripts/ensure-codex.mjs.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';

/**
 * Checks `pin.bin --version` and installs `pin.pkg@pin.version` when it does not match; prints one
 * line (`<label>: …`) and exits 1 on failure. `product` names the CLI in the messages, `build` in
 * the platform check; `versionMatches` judges the `--version` output, `expected` describes it.
 */
export function ensureCli({ label, product, build, pin, versionMatches, expected }) {
  const { pkg, version, cacheName, cacheDir, bin } = pin;
  const where = `.cache/${cacheName}`;
  const fail = (message) => {
    console.error(`${label}: ${message}`);
    process.exit(1);
  };
  const installedVersion = () => {
    if (!existsSync(bin)) return undefined;
    const r = spawnSync(bin, ['--version'], { encoding: 'utf8', timeout: 30_000 });
    return r.status === 0 ? r.stdout.trim() : undefined;
  };

  if (versionMatches(installedVersion())) {
    console.log(`${label}: ${product} ${version} present in ${where}`);
    process.exit(0);
  }
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    fail(
      `the tests pin the linux-x64 build of ${build}; this machine is ${process.platform}-${process.arch}`,
    );
  }
  console.log(`${label}: installing ${pkg}@${version} into ${where}`);
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
  if (!versionMatches(after)) fail(`${bin} --version printed ${JSON.stringify(after)}, expected ${expected}`);
}
