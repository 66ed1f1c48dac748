#!/usr/bin/env node
// Installs the pinned Codex CLI used by the tests into <repo>/.cache/codex (idempotent).
// Not a dependency of the package: only the test suite runs it (test/e2e/codex-states.test.ts).
import { CODEX_PIN } from './cli-pins.mjs';
import { ensureCli } from './ensure-cli.mjs';

const expected = `codex-cli ${CODEX_PIN.version}`;
ensureCli({
  label: 'ensure-codex',
  product: 'Codex CLI',
  build: 'Codex',
  pin: CODEX_PIN,
  versionMatches: (printed) => printed === expected,
  expected: JSON.stringify(expected),
});
