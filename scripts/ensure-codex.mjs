#!/usr/bin/env node
// Installs the pinned Codex CLI used by the tests into <repo>/.cache/codex (idempotent).
// Not a dependency of the package: only the test suite runs it (test/e2e/codex-states.test.ts).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const VERSION = '0.169.0';
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const prefix = join(root, '.cache', 'codex');
// The native binary from the optional platform package (the `codex` launcher in node_modules/.bin
// is a node script that only locates and execs this file).
const bin = join(
  prefix,
  'node_modules',
  '@openai',
  'codex-linux-x64',
  'vendor',
  'x86_64-unknown-linux-musl',
  'bin',
  'codex',
);

function fail(message) {
  console.error(`ensure-codex: ${message}`);
  process.exit(1);
}

function installedVersion() {
  if (!existsSync(bin)) return undefined;
  const r = spawnSync(bin, ['--version'], { encoding: 'utf8', timeout: 30_000 });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

const expected = `codex-cli ${VERSION}`;
if (installedVersion() === expected) {
  console.log(`ensure-codex: Codex CLI ${VERSION} present in .cache/codex`);
  process.exit(0);
}
if (process.platform !== 'linux' || process.arch !== 'x64') {
  fail(`the tests pin the linux-x64 build of Codex; this machine is ${process.platform}-${process.arch}`);
}
console.log(`ensure-codex: installing @openai/codex@${VERSION} into .cache/codex`);
mkdirSync(prefix, { recursive: true });
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const r = spawnSync(
  npm,
  [
    'install',
    '--prefix',
    prefix,
    '--no-save',
    '--no-audit',
    '--no-fund',
    '--ignore-scripts',
    `@openai/codex@${VERSION}`,
  ],
  { stdio: ['ignore', 'inherit', 'inherit'] },
);
if (r.error) fail(`could not run npm: ${r.error.message}`);
if (r.status !== 0) fail(`npm install failed (exit ${r.status}); is the npm registry reachable?`);
if (!existsSync(bin))
  fail(`npm install finished but ${bin} is missing (optional platform package not installed?)`);
const after = installedVersion();
if (after !== expected)
  fail(`${bin} --version printed ${JSON.stringify(after)}, expected ${JSON.stringify(expected)}`);
