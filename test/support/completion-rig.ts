import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { expect } from 'vitest';
import { BIN, TestHome } from './harness.js';

/** What a program printed. */
export interface Printed {
  stdout: string;
  stderr: string;
}

/** Runs a program to its end (bounded: a shell that hangs fails the test, it is never waited for). */
export function runProgram(
  file: string,
  args: string[],
  opts: { env: NodeJS.ProcessEnv; cwd: string },
): Promise<Printed> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { ...opts, timeout: 30_000 }, (err, stdout, stderr) =>
      err
        ? reject(new Error(`${file} failed: ${err.message}\n${stdout}\n${stderr}`))
        : resolve({ stdout, stderr }),
    );
  });
}

/**
 * Fails — never skips — when a shell whose completion is under test is not installed.
 * CI installs zsh and fish (.ci/run); on Debian: `apt-get install zsh fish`.
 */
export async function requireShell(shell: 'bash' | 'zsh' | 'fish'): Promise<void> {
  const found = await new Promise<boolean>((resolve) =>
    execFile(shell, ['--version'], { timeout: 30_000 }, (err) => resolve(!err)),
  );
  if (!found)
    throw new Error(
      `${shell} is not installed, so its completion script cannot be tested: install it ` +
        `(Debian: apt-get install ${shell}; .ci/run installs it)`,
    );
}

/**
 * A temporary WTP_HOME where completion is tried as a user would: `wtp` on the PATH (as an
 * installed one would be), the shells started in the home's folder.
 */
export class CompletionRig {
  readonly home = new TestHome({ SHELL: '/bin/sh' });
  readonly env: NodeJS.ProcessEnv;

  constructor() {
    const bin = this.home.path('bin');
    mkdirSync(bin);
    for (const name of ['wtp', 'wezterm-parallel']) {
      writeFileSync(`${bin}/${name}`, `#!/bin/sh\nexec '${process.execPath}' '${BIN}' "$@"\n`);
      chmodSync(`${bin}/${name}`, 0o755);
    }
    this.env = { ...this.home.env, PATH: `${bin}:${this.home.env.PATH ?? ''}` };
  }

  /** Writes what `wtp completion <shell>` prints to a file and returns its path. */
  async script(shell: 'bash' | 'zsh' | 'fish'): Promise<string> {
    const printed = await this.home.run(['completion', shell]);
    expect(printed.code).toBe(0);
    const path = this.home.path(`wtp.${shell}`);
    writeFileSync(path, printed.stdout);
    return path;
  }

  /**
   * A daemon with what the tests complete: agents `api` and `web` running, `once` exited,
   * a workspace `shop`; in the home's folder a folder `repo-dir`, a file `repo-file` and a
   * folder with a space in its name, `my dir`.
   */
  async populate(): Promise<void> {
    const { home } = this;
    await home.up();
    for (const name of ['api', 'web'])
      expect((await home.run(['new', 'cmd', '--name', name, '--', 'sleep', '600'])).code).toBe(0);
    expect((await home.run(['new', 'cmd', '--name', 'once', '--', 'true'])).code).toBe(0);
    await home.untilState('once', 'exited');
    expect((await home.run(['workspace', 'new', 'shop'])).code).toBe(0);
    mkdirSync(home.path('repo-dir'));
    writeFileSync(home.path('repo-file'), '');
    mkdirSync(home.path('my dir'));
  }

  cleanup(): Promise<void> {
    return this.home.cleanup();
  }
}
