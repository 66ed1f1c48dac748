import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeOpenAIChat } from '../support/fake-openai-chat.js';
import { prepareQwenHome, qwenBinary, qwenEnv } from '../support/qwen-cli.js';
import { recordDirectCliStart } from '../support/cli-starts.js';

const run = promisify(execFile);

/**
 * The pinned Qwen Code runs offline against the scripted Chat Completions server: one headless
 * turn (`-p … --output-format stream-json`), nothing but the fake reached.
 */
describe('qwen offline (real CLI, fake Chat Completions)', () => {
  let api: FakeOpenAIChat | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    await api?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    api = undefined;
    dir = undefined;
  });

  it('answers one headless turn with the scripted text', async () => {
    api = await FakeOpenAIChat.start(() => ({ text: 'Hello from the fake model.' }));
    dir = mkdtempSync(join(tmpdir(), 'wtp-qwen-'));
    const qwenHome = join(dir, '.qwen');
    prepareQwenHome(qwenHome);
    recordDirectCliStart(qwenBinary());
    const { stdout } = await run(
      qwenBinary(),
      ['-p', 'say hello', '--output-format', 'stream-json', '--approval-mode', 'default'],
      {
        cwd: dir,
        env: {
          PATH: process.env.PATH ?? '/usr/bin:/bin',
          ...qwenEnv({ home: dir, qwenHome, baseUrl: api.url }),
        },
        timeout: 60_000,
      },
    );
    const events = stdout
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { type: string; subtype?: string; result?: string });
    const result = events.find((e) => e.type === 'result');
    expect(result).toMatchObject({ subtype: 'success', result: 'Hello from the fake model.' });
    const main = api.mainRequests[0]!;
    expect(main.path).toBe('/v1/chat/completions');
    expect(main.headers.authorization).toBe('Bearer sk-fake-wtp-e2e');
    expect((main.body as { stream?: boolean }).stream).toBe(true);
  });
});
