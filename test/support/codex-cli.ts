import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CODEX_PIN } from '../../scripts/cli-pins.mjs';

/** The Codex CLI release the tests and the screen corpus are pinned to. */
export const CODEX_VERSION = CODEX_PIN.version;

/** Where scripts/ensure-cli.mjs installs the pinned CLI. */
export const CODEX_CACHE_DIR = CODEX_PIN.cacheDir;

/** The provider name written into config.toml, and the env var holding its (any) bearer token. */
export const CODEX_PROVIDER = 'wtp';
export const CODEX_KEY_ENV = 'OPENAI_WTP_FAKE_KEY';

/**
 * Path of the pinned native binary: `$WTP_TEST_CODEX_BIN`, else the repo cache. Throws when
 * missing. (The cache's node_modules/.bin/codex is a node launcher that execs this file: the
 * tests run the native binary so the agent's pid is codex itself.)
 */
export function codexBinary(): string {
  const override = process.env.WTP_TEST_CODEX_BIN;
  const bin = override && override.length > 0 ? override : CODEX_PIN.bin;
  if (!existsSync(bin)) {
    throw new Error(
      `Codex CLI ${CODEX_VERSION} binary not found at ${bin}: run \`node scripts/ensure-cli.mjs codex\` ` +
        '(or set WTP_TEST_CODEX_BIN to a codex binary of that version)',
    );
  }
  return bin;
}

export interface CodexHomeOptions {
  /** The fake server's base URL including `/v1` (`FakeOpenAI.url`). */
  baseUrl: string;
  /** Default `gpt-fake` (unknown to codex: it runs with a "model metadata not found" warning). */
  model?: string;
}

/** TOML basic string. */
const tomlString = (s: string): string => JSON.stringify(s);

/**
 * Writes `<dir>/config.toml` for an offline codex (`CODEX_HOME=<dir>`): a custom Responses API
 * provider at `baseUrl`, no retries, no update check, no login. No `[projects]` trust entry:
 * whoever starts codex (the daemon) must add it, or the trust prompt shows.
 *
 * A CODEX_HOME under the system temp dir (/tmp) makes codex print `WARNING: proceeding, even
 * though we could not create PATH aliases: Refusing to create helper binaries under temporary dir
 * "/tmp"` onto the terminal before its TUI starts. It is harmless (the aliases are only helper
 * links for its sandbox) and scrolls above the TUI; the codex detectors never look at it.
 */
export function prepareCodexHome(dir: string, opts: CodexHomeOptions): string {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, 'config.toml');
  const lines = [
    `model = ${tomlString(opts.model ?? 'gpt-fake')}`,
    `model_provider = ${tomlString(CODEX_PROVIDER)}`,
    'check_for_update_on_startup = false',
    '',
    `[model_providers.${CODEX_PROVIDER}]`,
    `name = ${tomlString(CODEX_PROVIDER)}`,
    `base_url = ${tomlString(opts.baseUrl)}`,
    'wire_api = "responses"',
    `env_key = ${tomlString(CODEX_KEY_ENV)}`,
    'request_max_retries = 0',
    'stream_max_retries = 0',
    '',
  ];
  writeFileSync(file, lines.join('\n'), { mode: 0o600 });
  return file;
}

export interface CodexEnvOptions {
  /** HOME for codex (a TestHome's `<dir>/home`). */
  home: string;
  /** CODEX_HOME (the folder `prepareCodexHome` wrote). */
  codexHome: string;
}

/** Environment entries for an offline codex talking to a fake Responses API server. */
export function codexEnv(opts: CodexEnvOptions): Record<string, string> {
  return {
    HOME: opts.home,
    CODEX_HOME: opts.codexHome,
    [CODEX_KEY_ENV]: 'sk-fake-wtp-e2e',
    TERM: 'xterm-256color',
  };
}

/** The arguments of codex's `request_user_input` tool (its schema, as codex 0.169 offers it) in the e2e tests. */
export const CODEX_QUESTION = {
  questions: [
    {
      id: 'colour',
      header: 'Colour',
      question: 'Which colour do you want?',
      options: [
        { label: 'Red (Recommended)', description: 'A red button' },
        { label: 'Blue', description: 'A blue button' },
      ],
    },
  ],
};
