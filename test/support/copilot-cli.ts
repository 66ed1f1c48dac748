import { existsSync, mkdirSync } from 'node:fs';
import { COPILOT_PIN } from '../../scripts/cli-pins.mjs';

/** The GitHub Copilot CLI release the tests and the screen corpus are pinned to. */
export const COPILOT_VERSION = COPILOT_PIN.version;

/**
 * Path of the pinned native binary: `$WTP_TEST_COPILOT_BIN`, else the repo cache. Throws when
 * missing. (node_modules/.bin/copilot is a node loader that execs this file.)
 */
export function copilotBinary(): string {
  const override = process.env.WTP_TEST_COPILOT_BIN;
  const bin = override && override.length > 0 ? override : COPILOT_PIN.bin;
  if (!existsSync(bin)) {
    throw new Error(
      `GitHub Copilot CLI ${COPILOT_VERSION} binary not found at ${bin}: run \`node scripts/ensure-cli.mjs copilot\` ` +
        '(or set WTP_TEST_COPILOT_BIN to a copilot binary of that version)',
    );
  }
  return bin;
}

export interface CopilotEnvOptions {
  /** HOME for copilot (a TestHome's `<dir>/home`). */
  home: string;
  /** COPILOT_HOME (created here); the daemon pre-trusts the agent's folder in its config.json. */
  copilotHome: string;
  /** The fake server's base URL including `/v1` (`FakeOpenAIChat.url`). */
  baseUrl: string;
}

/**
 * Environment entries for an offline copilot (no GitHub login: a bring-your-own provider with
 * COPILOT_OFFLINE) talking to the fake Chat Completions server (Copilot's default wire for a
 * provider; no COPILOT_PROVIDER_WIRE_API). The pin's COPILOT_PKG_CACHE_HOME
 * reuses the JS that ensure-cli unpacked (235 MB) instead of unpacking it per HOME.
 */
export function copilotEnv(opts: CopilotEnvOptions): Record<string, string> {
  mkdirSync(opts.copilotHome, { recursive: true, mode: 0o700 });
  return {
    ...COPILOT_PIN.env,
    HOME: opts.home,
    COPILOT_HOME: opts.copilotHome,
    XDG_CACHE_HOME: `${opts.home}/.cache`,
    COPILOT_OFFLINE: 'true',
    COPILOT_AUTO_UPDATE: 'false',
    COPILOT_PROVIDER_BASE_URL: opts.baseUrl,
    COPILOT_PROVIDER_API_KEY: 'sk-fake-wtp-e2e',
    COPILOT_MODEL: 'fake-model',
    TERM: 'xterm-256color',
  };
}
