import { describe, expect, it } from 'vitest';
import { runCommand } from './run-command.js';

describe('runCommand', () => {
  it('passes arguments verbatim, without a shell', async () => {
    const r = await runCommand('printf', ['%s|', '$(id)', '`id`', ';', '#(id)'], { timeoutMs: 5_000 });
    expect(r.stdout).toBe('$(id)|`id`|;|#(id)|');
  });

  it('refuses a NUL byte in an argument, the cwd or the environment with INVALID_INPUT', async () => {
    for (const opts of [{ args: ['a\0b'] }, { args: [], cwd: '/tmp\0' }, { args: [], env: { A: 'x\0y' } }]) {
      await expect(
        runCommand('true', opts.args, {
          timeoutMs: 5_000,
          ...(opts.cwd ? { cwd: opts.cwd } : {}),
          ...(opts.env ? { env: opts.env } : {}),
        }),
      ).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    }
  });

  it('gives the exit of a program that quits before reading its input (no uncaught EPIPE)', async () => {
    // 4 MiB does not fit the pipe: the writes after the exit fail, which vitest reports as an
    // unhandled error (a failed run) unless the input's errors are handled.
    for (let i = 0; i < 3; i++) {
      const r = await runCommand('sh', ['-c', 'exit 3'], { timeoutMs: 5_000, input: 'x'.repeat(4 << 20) });
      expect(r.exitCode).toBe(3);
    }
  });
});
