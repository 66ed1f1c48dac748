import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLAUDE_PIN } from '../../scripts/cli-pins.mjs';

/** The Claude Code release the tests and the screen corpus are pinned to. */
export const CLAUDE_CODE_VERSION = CLAUDE_PIN.version;

/** Where scripts/ensure-cli.mjs installs the pinned CLI. */
export const CLAUDE_CACHE_DIR = CLAUDE_PIN.cacheDir;

/** Path of the pinned native binary: `$WTP_TEST_CLAUDE_BIN`, else the repo cache. Throws when missing. */
export function claudeBinary(): string {
  const override = process.env.WTP_TEST_CLAUDE_BIN;
  const bin = override && override.length > 0 ? override : CLAUDE_PIN.bin;
  if (!existsSync(bin)) {
    throw new Error(
      `Claude Code ${CLAUDE_CODE_VERSION} binary not found at ${bin}: run \`node scripts/ensure-cli.mjs claude\` ` +
        '(or set WTP_TEST_CLAUDE_BIN to a claude binary of that version)',
    );
  }
  return bin;
}

export interface ClaudeHomeOptions {
  /** The working directory claude will run in (marked trusted unless `trusted: false`). */
  cwd: string;
  apiKey: string;
  /** Default true; false leaves the folder untrusted so the trust dialog shows. */
  trusted?: boolean;
}

/** Write `<dir>/.claude.json` so the interactive CLI starts at the prompt without onboarding. */
export function prepareClaudeHome(dir: string, opts: ClaudeHomeOptions): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, '.claude.json');
  const config = {
    hasCompletedOnboarding: true,
    projects: opts.trusted === false ? {} : { [opts.cwd]: { hasTrustDialogAccepted: true } },
    customApiKeyResponses: { approved: [opts.apiKey.slice(-20)], rejected: [] },
  };
  writeFileSync(file, JSON.stringify(config, null, 2) + '\n', { mode: 0o600 });
  chmodSync(file, 0o600);
  return file;
}

export interface ClaudeEnvOptions {
  home: string;
  baseUrl: string;
  apiKey: string;
}

/** Environment entries for an offline claude talking to a fake API server. */
export function claudeEnv(opts: ClaudeEnvOptions): Record<string, string> {
  return {
    HOME: opts.home,
    ANTHROPIC_BASE_URL: opts.baseUrl,
    ANTHROPIC_API_KEY: opts.apiKey,
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    TERM: 'xterm-256color',
  };
}

/** The AskUserQuestion input the scripted Anthropic server sends in the e2e tests: one question, two options. */
export const CLAUDE_QUESTION = {
  questions: [
    {
      question: 'Which color should the button be?',
      header: 'Color',
      options: [
        { label: 'Red', description: 'A red button' },
        { label: 'Blue', description: 'A blue button' },
      ],
      multiSelect: false,
    },
  ],
};
