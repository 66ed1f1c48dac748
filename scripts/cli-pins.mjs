// The agent CLIs the tests are pinned to, one entry per vendor (by profile name), and where
// scripts/ensure-cli.mjs installs them. Constants only (no side effects), so the ensure script,
// test/support/*-cli.ts and the vendor registry's test import them. A vendor's `testedVersions`
// (src/vendors/<name>/vendor.ts) includes its pinned version.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * A pinned CLI in `<repo>/.cache/<cacheName>`, with `bin` the native binary in that folder;
 * `product` names it in messages, `versionLine` is the start of what `bin --version` prints.
 * `env(cacheDir)` gives variables every run of `bin` needs (ensure-cli's `--version` included), e.g.
 * where a CLI unpacks itself.
 */
function pin({ pkg, version, cacheName, product, versionLine, binPath, env = () => ({}) }) {
  const cacheDir = join(REPO_ROOT, '.cache', cacheName);
  return {
    env: env(cacheDir),
    pkg,
    version,
    cacheName,
    cacheDir,
    product,
    versionLine,
    bin: join(cacheDir, 'node_modules', ...binPath),
  };
}

export const CLI_PINS = {
  claude: pin({
    pkg: '@anthropic-ai/claude-code',
    version: '2.1.330',
    cacheName: 'claude-code',
    product: 'Claude Code',
    versionLine: '2.1.330 (Claude Code)',
    binPath: ['@anthropic-ai', 'claude-code-linux-x64', 'claude'],
  }),
  // The native binary from the optional platform package (the `codex` launcher in node_modules/.bin
  // is a node script that only locates and execs this file).
  codex: pin({
    pkg: '@openai/codex',
    version: '0.169.0',
    cacheName: 'codex',
    product: 'Codex CLI',
    versionLine: 'codex-cli 0.169.0',
    binPath: ['@openai', 'codex-linux-x64', 'vendor', 'x86_64-unknown-linux-musl', 'bin', 'codex'],
  }),
  // A node script (bundle/gemini.js); the `.bin` link is what npm marks executable.
  gemini: pin({
    pkg: '@google/gemini-cli',
    version: '0.61.0',
    cacheName: 'gemini',
    product: 'Gemini CLI',
    versionLine: '0.61.0',
    binPath: ['.bin', 'gemini'],
  }),
  // A node script (`#!/usr/bin/env node`), the package's `qwen` bin; no platform package.
  qwen: pin({
    pkg: '@qwen-code/qwen-code',
    version: '0.24.4',
    cacheName: 'qwen-code',
    product: 'Qwen Code',
    versionLine: '0.24.4',
    binPath: ['@qwen-code', 'qwen-code', 'cli-entry.js'],
  }),
  // `opencode-ai` is a node launcher whose optional dependencies are both x64 platform packages
  // (`opencode-linux-x64` and `-baseline`, 177 MB each): the tests run the Bun executable of the
  // platform package itself, so only that package is installed.
  opencode: pin({
    pkg: 'opencode-linux-x64',
    version: '1.18.33',
    cacheName: 'opencode',
    product: 'OpenCode',
    versionLine: '1.18.33',
    binPath: ['opencode-linux-x64', 'bin', 'opencode'],
  }),
  // The platform package ships a Node single-executable; the `copilot` launcher in node_modules/.bin
  // (npm-loader.js) only locates and execs it. Every run (even `--version`) unpacks about 235 MB of
  // JS to $COPILOT_PKG_CACHE_HOME/pkg/linux-x64/<version> once (default $XDG_CACHE_HOME/copilot):
  // kept inside the pin's folder so ensure-cli pays it once and no run writes to ~/.cache.
  copilot: pin({
    pkg: '@github/copilot',
    version: '1.0.102',
    cacheName: 'copilot',
    product: 'GitHub Copilot CLI',
    versionLine: 'GitHub Copilot CLI 1.0.102',
    binPath: ['@github', 'copilot-linux-x64', 'copilot'],
    env: (cacheDir) => ({ COPILOT_PKG_CACHE_HOME: join(cacheDir, 'pkg-cache') }),
  }),
};

/**
 * Programs only the benchmark runs, installed when named (`node scripts/ensure-cli.mjs ccmanager`),
 * never by the tests or CI. ccmanager's npm launcher only execs its platform package's Bun
 * executable; the registry here carries that package at 4.4.3 (the launcher's newest is 4.2.3).
 */
export const BENCH_PINS = {
  ccmanager: pin({
    pkg: '@kodaikabasawa/ccmanager-linux-x64',
    version: '4.4.3',
    cacheName: 'ccmanager',
    product: 'ccmanager',
    versionLine: '4.4.3',
    binPath: ['@kodaikabasawa', 'ccmanager-linux-x64', 'bin', 'ccmanager'],
  }),
};

export const CLAUDE_PIN = CLI_PINS.claude;
export const CODEX_PIN = CLI_PINS.codex;
export const GEMINI_PIN = CLI_PINS.gemini;
export const QWEN_PIN = CLI_PINS.qwen;
export const OPENCODE_PIN = CLI_PINS.opencode;
export const COPILOT_PIN = CLI_PINS.copilot;
