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
 */
function pin({ pkg, version, cacheName, product, versionLine, binPath }) {
  const cacheDir = join(REPO_ROOT, '.cache', cacheName);
  return {
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
  // `opencode-ai` is a node launcher; the Bun executable comes from the optional platform package.
  opencode: pin({
    pkg: 'opencode-ai',
    version: '1.18.33',
    cacheName: 'opencode',
    product: 'OpenCode',
    versionLine: '1.18.33',
    binPath: ['opencode-linux-x64', 'bin', 'opencode'],
  }),
};

export const CLAUDE_PIN = CLI_PINS.claude;
export const CODEX_PIN = CLI_PINS.codex;
export const OPENCODE_PIN = CLI_PINS.opencode;
