import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliOutputSchemas } from '../../src/protocol/cli-output.js';
import { CompletionRig, requireShell, runProgram } from '../support/completion-rig.js';

/**
 * Shell completion in real bash: the script `wtp completion bash` prints is sourced, the function
 * it registered for `wtp` is called as bash would on Tab (COMP_WORDS, COMP_CWORD), and it asks
 * the real CLI, which asks a real daemon for agent and workspace names. zsh and fish:
 * completion-shells.test.ts.
 */
describe('bash completion (real bash, real CLI and daemon)', () => {
  let rig: CompletionRig;
  let script: string;

  /** What Tab offers after `words` (the last one is the word being completed, maybe empty). */
  const tab = async (...words: string[]): Promise<{ offered: string[]; stderr: string }> => {
    const prog = [
      'source "$1"; shift',
      // The function `complete -p wtp` names: the registration itself is under test.
      'fn=$(complete -p wtp | sed -n "s/.*-F \\([^ ]*\\).*/\\1/p")',
      'COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}',
      '"$fn" wtp "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"',
      'printf "%s\\n" "${COMPREPLY[@]}"',
    ].join('\n');
    const { stdout, stderr } = await runProgram(
      'bash',
      ['--norc', '--noprofile', '-c', prog, 'bash', script, 'wtp', ...words],
      { env: rig.env, cwd: rig.home.dir },
    );
    return { offered: stdout.split('\n').filter((l) => l !== ''), stderr };
  };

  beforeAll(async () => {
    await requireShell('bash');
    rig = new CompletionRig();
    script = await rig.script('bash');
  });
  afterAll(() => rig?.cleanup());

  it('completes commands and options without a daemon; agent names then are nothing, silently', async () => {
    expect((await tab('ne')).offered).toEqual(['new']);
    expect((await tab('workspace', 'sw')).offered).toEqual(['switch']);
    expect((await tab('new', 'cmd', '--res')).offered).toEqual(['--restart']);
    expect((await tab('new', 'cmd', '--restart', 'on')).offered).toEqual(['on-failure']);
    expect((await tab('new', 'cl')).offered).toEqual(['claude']);
    expect(await tab('stop', '')).toEqual({ offered: [], stderr: '' });
  });

  it('completes live agent names for `wtp stop`, every agent for `wtp rm`, workspaces for -w', async () => {
    await rig.populate();

    expect((await tab('stop', '')).offered).toEqual(['api', 'web']);
    expect((await tab('rm', '')).offered).toEqual(['api', 'web', 'once']);
    expect((await tab('fork', 'w')).offered).toEqual(['web']);
    expect((await tab('ls', '-w', '')).offered).toEqual(['default', 'shop']);
    expect((await tab('workspace', 'rm', 'sh')).offered).toEqual(['shop']);
  });

  it('completes folders for --repo and files after --', async () => {
    expect((await tab('new', 'cmd', '--repo', 'repo-')).offered).toEqual(['repo-dir']);
    expect((await tab('new', 'cmd', '--', 'repo-')).offered.sort()).toEqual(['repo-dir', 'repo-file']);
  });

  it('completes a word being typed in quotes or with backslashes as the command will get it', async () => {
    // bash hands the word over as typed; readline puts the quote back around what is chosen.
    expect((await tab('ls', '-w', "'sh")).offered).toEqual(['shop']);
    expect((await tab('stop', '"w')).offered).toEqual(['web']);
    expect((await tab('new', 'cmd', '--repo', 'my\\ d')).offered).toEqual(['my dir']);
    expect((await tab('new', 'cmd', '--', "'my")).offered).toEqual(['my dir']);
    expect((await tab('new', 'cmd', '--', '"repo-')).offered.sort()).toEqual(['repo-dir', 'repo-file']);
  });

  it('prints the script as a --json document too, and refuses an unknown shell', async () => {
    const r = await rig.home.json(['completion', 'fish']);
    expect(cliOutputSchemas.completion.parse(r.doc)).toMatchObject({ shell: 'fish' });
    const bad = await rig.home.run(['completion', 'tcsh']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('Unknown shell "tcsh": use one of bash, zsh, fish. [INVALID_INPUT]');
  });
});
