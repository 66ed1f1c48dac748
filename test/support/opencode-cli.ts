import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { OPENCODE_PIN } from '../../scripts/cli-pins.mjs';

/** The OpenCode release the tests and the screen corpus are pinned to. */
export const OPENCODE_VERSION = OPENCODE_PIN.version;

/**
 * Path of the pinned Bun binary (`opencode-linux-x64/bin/opencode`): `$WTP_TEST_OPENCODE_BIN`,
 * else the repo cache. Throws when missing.
 */
export function opencodeBinary(): string {
  const override = process.env.WTP_TEST_OPENCODE_BIN;
  const bin = override && override.length > 0 ? override : OPENCODE_PIN.bin;
  if (!existsSync(bin)) {
    throw new Error(
      `OpenCode ${OPENCODE_VERSION} binary not found at ${bin}: run \`node scripts/ensure-cli.mjs opencode\` ` +
        '(or set WTP_TEST_OPENCODE_BIN to an opencode binary of that version)',
    );
  }
  return bin;
}

export interface OpencodeConfigOptions {
  /** The fake server's base URL including `/v1` (`FakeOpenAIChat.url`). */
  baseUrl: string;
}

/**
 * Writes `<dir>/opencode.json` for an offline OpenCode (`OPENCODE_CONFIG=<file>`): an
 * `@ai-sdk/openai-compatible` provider `fake` at `baseUrl` (bundled in the binary, no install),
 * no autoupdate or sharing, and `bash`/`edit` set to ask (they are allowed by default) and the
 * question tool allowed (denied by default).
 */
export function prepareOpencodeConfig(dir: string, opts: OpencodeConfigOptions): string {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, 'opencode.json');
  const config = {
    provider: {
      fake: {
        npm: '@ai-sdk/openai-compatible',
        name: 'Fake',
        options: { baseURL: opts.baseUrl, apiKey: 'sk-fake-wtp-e2e' },
        models: {
          'fake-model': { name: 'Fake Model', tool_call: true, limit: { context: 128000, output: 8192 } },
        },
      },
    },
    model: 'fake/fake-model',
    small_model: 'fake/fake-model',
    autoupdate: false,
    share: 'disabled',
    permission: { bash: 'ask', edit: 'ask', question: 'allow' },
  };
  writeFileSync(file, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  return file;
}

/**
 * Environment entries for an offline OpenCode: HOME moves its XDG data/config/state/cache dirs
 * (and the `~/.npm` cache); the switches stop the models.dev fetch, the upgrade check and LSP
 * downloads. `npm_config_offline` makes its start-up `npm install @opencode-ai/plugin` into the
 * config dirs fail at once (an unreachable registry otherwise blocks the start for about 70 s
 * when a plugin is configured); it also reaches the agent's own shell commands, so it is for
 * tests only.
 */
export function opencodeEnv(opts: { home: string; config: string }): Record<string, string> {
  return {
    HOME: opts.home,
    OPENCODE_CONFIG: opts.config,
    OPENCODE_DISABLE_AUTOUPDATE: '1',
    OPENCODE_DISABLE_MODELS_FETCH: '1',
    OPENCODE_DISABLE_LSP_DOWNLOAD: '1',
    OPENCODE_DISABLE_SHARE: '1',
    npm_config_offline: 'true',
    TERM: 'xterm-256color',
  };
}
