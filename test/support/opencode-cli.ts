import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
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
 * downloads.
 */
export function opencodeEnv(opts: { home: string; config: string }): Record<string, string> {
  return {
    HOME: opts.home,
    OPENCODE_CONFIG: opts.config,
    OPENCODE_DISABLE_AUTOUPDATE: '1',
    OPENCODE_DISABLE_MODELS_FETCH: '1',
    OPENCODE_DISABLE_LSP_DOWNLOAD: '1',
    OPENCODE_DISABLE_SHARE: '1',
    TERM: 'xterm-256color',
  };
}

/**
 * Makes a fresh HOME look like one OpenCode has run in before, as a user's is:
 * - `~/.config/opencode` holds `@opencode-ai/plugin` as far as OpenCode checks (a `node_modules`
 *   folder and a package-lock.json that lists it). With any plugin configured (ours) OpenCode
 *   1.18.33 installs that package into every config folder lacking it and loads no plugin before
 *   that is done: offline, npm retries for about 70 s.
 * - its database exists and is migrated (one `opencode db` run). Five OpenCode TUIs started at
 *   once on a HOME without `opencode.db` left 1-2 of them blank for good in 4 runs of 4 (the first
 *   process to start: idle after its "init" log line, the one that runs the 38 migrations while
 *   the others wait on the database lock); with the database made first, 3 runs of 3 all drew.
 * `env` is the environment the agents get (opencodeEnv). Throws when `opencode db` fails.
 */
export function prepareOpencodeHome(env: Record<string, string>, cwd: string): void {
  const config = join(env.HOME ?? '', '.config', 'opencode');
  mkdirSync(join(config, 'node_modules'), { recursive: true });
  const lock = { packages: { '': { dependencies: { '@opencode-ai/plugin': OPENCODE_VERSION } } } };
  writeFileSync(join(config, 'package-lock.json'), `${JSON.stringify(lock)}\n`);
  // What its first start writes there (a sandboxed OpenCode, whose config folder is read-only, cannot).
  writeFileSync(join(config, 'opencode.jsonc'), '{\n  "$schema": "https://opencode.ai/config.json"\n}');
  writeFileSync(join(config, '.gitignore'), 'node_modules\npackage.json\npackage-lock.json\nbun.lock\n');
  const r = spawnSync(opencodeBinary(), ['db', 'select count(*) from migration'], {
    cwd,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (r.status !== 0) throw new Error(`opencode db failed (${r.status ?? r.signal}): ${r.stderr}`);
}

/**
 * The last `lines` lines of OpenCode's own log (every process of the HOME writes to one file, each
 * line tagged with its run id), for a test's failure output: a TUI that stayed blank says why there.
 */
export function opencodeLogTail(env: Record<string, string>, lines = 150): string {
  const file = join(env.HOME ?? '', '.local', 'share', 'opencode', 'log', 'opencode.log');
  try {
    const text = readFileSync(file, 'utf8');
    return text
      .split('\n')
      .slice(-lines - 1)
      .join('\n');
  } catch (err) {
    return `no OpenCode log at ${file}: ${String(err)}`;
  }
}
