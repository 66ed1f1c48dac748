#!/usr/bin/env node
// Installs the pinned Claude Code CLI used by the tests into <repo>/.cache/claude-code (idempotent).
// Not a dependency of the package: only the test suite runs it.
import { CLAUDE_PIN } from './cli-pins.mjs';
import { ensureCli } from './ensure-cli.mjs';

ensureCli({
  label: 'ensure-claude',
  product: 'Claude Code',
  build: 'Claude Code',
  pin: CLAUDE_PIN,
  versionMatches: (printed) => printed?.startsWith(`${CLAUDE_PIN.version} `) ?? false,
  expected: CLAUDE_PIN.version,
});
