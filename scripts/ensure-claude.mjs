#!/usr/bin/env node
// Installs the pinned Claude Code CLI used by the tests into <repo>/.cache/claude-code (idempotent).
// Not a dependency of the package: only the test suite runs it.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const VERSION = '2.1.330';
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const prefix = join(root, '.cache', 'claude-code');
const bin = join(prefix, 'node_modules', '@anthropic-ai', 'claude-code-linux-x64', 'claude');

function fail(message) {
  console.error(`ensure-claude: ${message}`);
  process.exit(1);
}

function installedVersion() {
  if (!existsSync(bin)) return undefined;
  const r = spawnSync(bin, ['--version'], { encoding: 'utf8', timeout: 30_000 });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

const present = installedVersion();
if (present?.startsWith(`${VERSION} `)) {
  console.log(`ensure-claude: Claude Code ${VERSION} present in .cache/claude-code`);
  process.exit(0);
}
if (process.platform !== 'linux' || process.arch !== 'x64') {
  fail(
    `the tests pin the linux-x64 build of Claude Code; this machine is ${process.platform}-${process.arch}`,
  );
}
console.log(`ensure-claude: installing @anthropic-ai/claude-code@${VERSION} into .cache/claude-code`);
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
    `@anthropic-ai/claude-code@${VERSION}`,
  ],
  { stdio: ['ignore', 'inherit', 'inherit'] },
);
if (r.error) fail(`could not run npm: ${r.error.message}`);
if (r.status !== 0) fail(`npm install failed (exit ${r.status}); is the npm registry reachable?`);
if (!existsSync(bin))
  fail(`npm install finished but ${bin} is missing (optional platform package not installed?)`);
const after = installedVersion();
if (!after?.startsWith(`${VERSION} `))
  fail(`${bin} --version printed ${JSON.stringify(after)}, expected ${VERSION}`);
