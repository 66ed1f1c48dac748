import { readFileSync, statSync } from 'node:fs';
import { get } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, TestHome } from '../support/harness.js';

/** The cap of a host's diagnostics on disk (src/daemon/host-main.ts HOST_LOG_MAX_BYTES): host.log and host.log.1. */
const HOST_LOG_MAX_BYTES = 1024 * 1024;
const NOISE_BYTES = 6_000_000;

const size = (f: string): number => {
  try {
    return statSync(f).size;
  } catch {
    return 0;
  }
};

/**
 * Issue 30: random agent output made a 669 MB host.log of xterm.js "Parsing error" dumps. An agent
 * that prints random bytes now leaves a host.log under its cap, and the count of what its terminal
 * emulator could not parse is in `wtp why` and /metrics.
 */
describe('host.log under an agent that prints random bytes (real daemon)', () => {
  let home: TestHome;
  beforeAll(async () => {
    home = new TestHome({ SHELL: '/bin/sh' });
    await home.up();
  });
  afterAll(() => home.cleanup());

  it('stays under its cap, dumps no parser state, and counts the parsing errors', async () => {
    const r = await home.run([
      'new',
      'cmd',
      '--name',
      'noise',
      '--',
      'sh',
      '-c',
      `head -c ${NOISE_BYTES} /dev/urandom; exec sleep 300`,
    ]);
    expect(r.code, r.stderr).toBe(0);
    await eventually(
      'all the noise received',
      async () => (await home.agent('noise')).outputBytes >= NOISE_BYTES,
      120_000,
    );
    const { id } = await home.agent('noise');
    const log = home.path('agents', id, 'host.log');
    const onDisk = (): number => size(log) + size(`${log}.1`);
    expect(onDisk()).toBeLessThanOrEqual(HOST_LOG_MAX_BYTES);
    const counted = await eventually(
      'the parsing errors reported',
      async () => {
        const n = (await home.agent('noise')).parseErrors ?? 0;
        return n > 0 && n;
      },
      60_000,
    );
    expect(counted).toBeGreaterThan(0);
    expect(onDisk()).toBeLessThanOrEqual(HOST_LOG_MAX_BYTES);
    const text = readFileSync(log, 'utf8') + (size(`${log}.1`) > 0 ? readFileSync(`${log}.1`, 'utf8') : '');
    expect(text).not.toMatch(/Parsing error/);
    expect(text.match(/cannot parse/g)?.length).toBe(1);
    expect(statSync(log).mode & 0o777).toBe(0o600);

    const why = await home.run(['why', 'noise', '--verbose']);
    expect(why.stdout).toMatch(
      /^ {2}terminal: {2}\d+ escape sequence\(s\) in its output its terminal emulator could not parse/m,
    );
    const metrics = await new Promise<string>((resolve, reject) => {
      get({ socketPath: home.path('run', 'api.sock'), path: '/metrics' }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString('utf8')));
        res.on('end', () => resolve(body));
      }).on('error', reject);
    });
    expect(metrics).toMatch(
      /^wtp_agent_terminal_parse_errors_total\{agent="noise",workspace="default"\} [1-9]\d*$/m,
    );
  }, 240_000);
});
