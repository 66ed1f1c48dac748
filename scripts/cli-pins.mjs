// The agent CLIs the tests are pinned to, and where scripts/ensure-*.mjs install them. Constants
// only (no side effects), so both the ensure scripts and test/support/*-cli.ts import them.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** A pinned CLI in `<repo>/.cache/<cacheName>`, with `bin` the native binary in that folder. */
function pin(pkg, version, cacheName, ...binPath) {
  const cacheDir = join(REPO_ROOT, '.cache', cacheName);
  return { pkg, version, cacheName, cacheDir, bin: join(cacheDir, 'node_modules', ...binPath) };
}

export const CLAUDE_PIN = pin(
  '@anthropic-ai/claude-code',
  '2.1.330',
  'claude-code',
  '@anthropic-ai',
  'claude-code-linux-x64',
  'claude',
);

// The native binary from the optional platform package (the `codex` launcher in node_modules/.bin
// is a node script that only locates and execs this file).
export const CODEX_PIN = pin(
  '@openai/codex',
  '0.169.0',
  'codex',
  '@openai',
  'codex-linux-x64',
  'vendor',
  'x86_64-unknown-linux-musl',
  'bin',
  'codex',
);
