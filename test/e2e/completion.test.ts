import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliOutputSchemas } from '../../src/protocol/cli-output.js';
import { BIN, TestHome } from '../support/harness.js';

/**
 * Shell completion in real bash: the script `wtp completion bash` prints is sourced, the function
 * it registered for `wtp` is called as bash would on Tab (COMP_WORDS, COMP_CWORD), and it asks
 * the real CLI, which asks a real daemon for agent and workspace names.
 */
describe('bash completion (real bash, real CLI and daemon)', () => {
  let home: TestHome;
  let script: string;
  let env: NodeJS.ProcessEnv;

  /** What Tab offers after `words` (the last one is the word being completed, maybe empty). */
  const tab = (...words: string[]): Promise<{ offered: string[]; stderr: string }> =>
    new Promise((resolve, reject) => {
      const prog = [
        'source "$1"; shift',
        // The function `complete -p wtp` names: the registration itself is under test.
        'fn=$(complete -p wtp | sed -n "s/.*-F \\([^ ]*\\).*/\\1/p")',
        'COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}',
        '"$fn" wtp "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"',
        'printf "%s\\n" "${COMPREPLY[@]}"',
      ].join('\n');
      execFile(
        'bash',
        ['--norc', '--noprofile', '-c', prog, 'bash', script, 'wtp', ...words],
        { env, cwd: home.dir, timeout: 30_000 },
        (err, stdout, stderr) =>
          err ? reject(err) : resolve({ offered: stdout.split('\n').filter((l) => l !== ''), stderr }),
      );
    });

  beforeAll(async () => {
    home = new TestHome({ SHELL: '/bin/sh' });
    // `wtp` on the PATH, as an installed one would be.
    const bin = home.path('bin');
    mkdirSync(bin);
    writeFileSync(`${bin}/wtp`, `#!/bin/sh\nexec '${process.execPath}' '${BIN}' "$@"\n`);
    chmodSync(`${bin}/wtp`, 0o755);
    env = { ...home.env, PATH: `${bin}:${home.env.PATH ?? ''}` };
    const printed = await home.run(['completion', 'bash']);
    expect(printed.code).toBe(0);
    script = home.path('wtp.bash');
    writeFileSync(script, printed.stdout);
  });
  afterAll(() => home?.cleanup());

  it('completes commands and options without a daemon; agent names then are nothing, silently', async () => {
    expect((await tab('ne')).offered).toEqual(['new']);
    expect((await tab('workspace', 'sw')).offered).toEqual(['switch']);
    expect((await tab('new', 'cmd', '--res')).offered).toEqual(['--restart']);
    expect((await tab('new', 'cmd', '--restart', 'on')).offered).toEqual(['on-failure']);
    expect((await tab('new', 'cl')).offered).toEqual(['claude']);
    expect(await tab('stop', '')).toEqual({ offered: [], stderr: '' });
  });

  it('completes live agent names for `wtp stop`, every agent for `wtp rm`, workspaces for -w', async () => {
    expect((await home.run(['up', '--detach'])).code).toBe(0);
    for (const name of ['api', 'web'])
      expect((await home.run(['new', 'cmd', '--name', name, '--', 'sleep', '600'])).code).toBe(0);
    expect((await home.run(['new', 'cmd', '--name', 'once', '--', 'true'])).code).toBe(0);
    await home.untilState('once', 'exited');
    expect((await home.run(['workspace', 'new', 'shop'])).code).toBe(0);

    expect((await tab('stop', '')).offered).toEqual(['api', 'web']);
    expect((await tab('rm', '')).offered).toEqual(['api', 'web', 'once']);
    expect((await tab('fork', 'w')).offered).toEqual(['web']);
    expect((await tab('ls', '-w', '')).offered).toEqual(['default', 'shop']);
    expect((await tab('workspace', 'rm', 'sh')).offered).toEqual(['shop']);
  });

  it('completes folders for --repo and files after --', async () => {
    mkdirSync(home.path('repo-dir'));
    writeFileSync(home.path('repo-file'), '');
    expect((await tab('new', 'cmd', '--repo', 'repo-')).offered).toEqual(['repo-dir']);
    expect((await tab('new', 'cmd', '--', 'repo-')).offered.sort()).toEqual(['repo-dir', 'repo-file']);
  });

  it('prints the script as a --json document too, and refuses an unknown shell', async () => {
    const r = await home.json(['completion', 'fish']);
    expect(cliOutputSchemas.completion.parse(r.doc)).toMatchObject({ shell: 'fish' });
    const bad = await home.run(['completion', 'tcsh']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('Unknown shell "tcsh": use one of bash, zsh, fish. [INVALID_INPUT]');
  });
});
