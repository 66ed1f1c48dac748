import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CompletionRig, requireShell, runProgram } from '../support/completion-rig.js';
import { REPO } from '../support/harness.js';

/** What one Tab gave: the values offered and, where the shell shows them, their descriptions. */
interface Tab {
  offered: string[];
  /** zsh: the completion list's lines (`new  -- start an agent`); fish: `value<TAB>description`. */
  shown: string[];
  /** zsh: the command line after Tab (what the user sees inserted). */
  buffer?: string | undefined;
}

const ZSH_TAB = join(REPO, 'test/fixtures/zsh-tab');
let zshRuns = 0;

/**
 * zsh: a real interactive zsh on a pseudo-terminal (zsh/zpty, test/fixtures/zsh-tab/) with
 * compinit and the script, loaded as its header says (`source`) or installed on $fpath as
 * `wtp completion --help` says (`fpath`); the line is typed, then Tab. compadd is wrapped to
 * record what the completion adds — the real compadd still adds it and inserts the match.
 */
function zshTab(rig: CompletionRig, script: string, mode: 'source' | 'fpath', env = rig.env) {
  return async (line: string): Promise<Tab> => {
    const out = rig.home.path(`zsh-tab-${++zshRuns}`, 'out');
    mkdirSync(join(out, '..'));
    await runProgram(
      'zsh',
      ['-f', join(ZSH_TAB, 'driver.zsh'), join(ZSH_TAB, 'setup.zsh'), script, mode, out, line],
      { env, cwd: rig.home.dir },
    );
    const lines = readFileSync(out, 'utf8').split('\n'); // the line after Tab is always written
    const field = (tag: string) =>
      lines.filter((l) => l.startsWith(`${tag} `)).map((l) => l.slice(tag.length + 1));
    return {
      offered: [...new Set(field('match'))].sort(),
      shown: field('display'),
      buffer: field('buffer')[0],
    };
  };
}

/**
 * fish: `complete -C LINE` prints what Tab would offer, `value<TAB>description` a line. The script
 * is sourced, or (`completions`) found by fish itself as `wtp.fish` in a completions folder, as
 * `wtp completion --help` says to install it.
 */
function fishTab(rig: CompletionRig, script: string, mode: 'source' | 'completions', env = rig.env) {
  const load = mode === 'source' ? 'source $argv[1]' : 'set -p fish_complete_path (path dirname -- $argv[1])';
  return async (line: string): Promise<Tab> => {
    const { stdout } = await runProgram(
      'fish',
      ['--no-config', '-c', `${load}; complete -C $argv[2]`, script, line],
      { env, cwd: rig.home.dir },
    );
    const shown = stdout.split('\n').filter((l) => l !== '');
    return { offered: shown.map((l) => l.split('\t')[0] ?? '').sort(), shown };
  };
}

/** A `wtp` that prints fixed `__complete` lines: what the scripts make of hard values. */
function stubWtp(rig: CompletionRig, lines: string[]): NodeJS.ProcessEnv {
  const dir = rig.home.path('stub-bin');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'wtp'), `#!/bin/sh\nprintf '%s\\n' ${lines.map((l) => `'${l}'`).join(' ')}\n`);
  chmodSync(join(dir, 'wtp'), 0o755);
  return { ...rig.env, PATH: `${dir}:${rig.env.PATH ?? ''}` };
}

describe('zsh completion (real zsh on a pseudo-terminal, real CLI and daemon)', () => {
  let rig: CompletionRig;
  let sourced: (line: string) => Promise<Tab>;
  let installed: (line: string) => Promise<Tab>;
  let script: string;

  beforeAll(async () => {
    await requireShell('zsh');
    rig = new CompletionRig();
    script = await rig.script('zsh');
    sourced = zshTab(rig, script, 'source');
    installed = zshTab(rig, script, 'fpath');
  });
  afterAll(() => rig?.cleanup());

  it('completes commands and options, sourced or installed on $fpath; without a daemon no agent names', async () => {
    for (const tab of [sourced, installed]) {
      const ne = await tab('wtp ne');
      expect(ne.buffer).toBe('wtp new ');
      expect(ne.shown).toContainEqual(expect.stringMatching(/^new +-- start an agent$/));
    }
    expect((await sourced('wtp ls --st')).buffer).toBe('wtp ls --state ');
    expect(await sourced('wtp stop ')).toEqual({ offered: [], shown: [], buffer: 'wtp stop ' });
  });

  it('completes live agent names for `wtp stop` (not an exited one), workspaces for -w', async () => {
    await rig.populate();
    const stop = await sourced('wtp stop ');
    expect(stop.offered).toEqual(['api', 'web']);
    // Both have one description: zsh lists them as one group under it.
    expect(stop.shown).toContainEqual(expect.stringMatching(/^-- cmd, running *$/));
    expect((await sourced('wtp stop w')).buffer).toBe('wtp stop web ');
    expect((await installed('wtp rm ')).offered).toEqual(['api', 'once', 'web']);
    expect((await sourced('wtp ls -w sh')).buffer).toBe('wtp ls -w shop ');
  });

  it('completes files after -- and folders for --repo, names with spaces quoted', async () => {
    expect((await sourced('wtp new cmd -- repo-')).offered).toEqual(['repo-dir', 'repo-file']);
    expect((await sourced('wtp new cmd --repo repo-')).buffer).toBe('wtp new cmd --repo repo-dir/');
    expect((await sourced('wtp new cmd --repo my')).buffer).toBe('wtp new cmd --repo my\\ dir/');
    expect((await sourced('wtp new cmd -- "my')).buffer).toBe('wtp new cmd -- "my dir/');
  });

  it('completes a word typed after a quote as the command will get it', async () => {
    expect((await sourced("wtp ls -w 'sh")).buffer).toBe("wtp ls -w 'shop' ");
    expect((await sourced('wtp stop "a')).buffer).toBe('wtp stop "api" ');
  });

  it('offers values and descriptions with colons as printed', async () => {
    const env = stubWtp(rig, ['a:b\tx: y', 'plain\tqueued: fix: the bug', '-n', ':none']);
    const r = await zshTab(rig, script, 'source', env)('wtp ');
    expect(r.offered).toEqual(['-n', 'a:b', 'plain']);
    expect(r.shown).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^a:b +-- x: y$/),
        expect.stringMatching(/^plain +-- queued: fix: the bug$/),
      ]),
    );
  });
});

describe('fish completion (real fish, real CLI and daemon)', () => {
  let rig: CompletionRig;
  let script: string;
  let tab: (line: string) => Promise<Tab>;

  beforeAll(async () => {
    await requireShell('fish');
    rig = new CompletionRig();
    script = await rig.script('fish');
    tab = fishTab(rig, script, 'source');
  });
  afterAll(() => rig?.cleanup());

  it('completes commands and options with their descriptions; without a daemon no agent names', async () => {
    expect((await tab('wtp ne')).shown).toEqual(['new\tstart an agent']);
    expect((await fishTab(rig, script, 'completions')('wtp ne')).shown).toEqual(['new\tstart an agent']);
    expect((await tab('wezterm-parallel workspace sw')).offered).toEqual(['switch']);
    // A long description is cut at a word (complete.ts), never in the middle of one.
    expect((await tab('wtp ls --st')).shown).toEqual([
      '--state\tonly agents in this state (starting, running, working, needs_permission…',
    ]);
    expect((await tab('wtp new cmd --restart on')).offered).toEqual(['on-failure']);
    expect((await tab('wtp stop ')).shown).toEqual([]);
  });

  it('completes live agent names for `wtp stop` (not an exited one), workspaces for -w', async () => {
    await rig.populate();
    expect((await tab('wtp stop ')).shown).toEqual(['api\tcmd, running', 'web\tcmd, running']);
    expect((await tab('wtp rm ')).offered).toEqual(['api', 'once', 'web']);
    expect((await tab('wtp ls -w ')).offered).toEqual(['default', 'shop']);
  });

  it('completes files after -- and folders for --repo, names with spaces included', async () => {
    expect((await tab('wtp new cmd -- repo-')).offered).toEqual(['repo-dir/', 'repo-file']);
    expect((await tab('wtp new cmd --repo repo-')).offered).toEqual(['repo-dir/']);
    expect((await tab('wtp new cmd --repo my')).offered).toEqual(['my dir/']);
    expect((await tab('wtp new cmd -- my\\ ')).offered).toEqual(['my dir/']);
  });

  it('completes a word typed after a quote as the command will get it', async () => {
    expect((await tab("wtp ls -w 'sh")).offered).toEqual(['shop']);
    expect((await tab('wtp stop "a')).offered).toEqual(['api']);
    expect((await tab("wtp new cmd -- 'my")).offered).toEqual(['my dir/']);
    expect((await tab("wtp new cmd --repo 'repo")).offered).toEqual(['repo-dir/']);
  });

  it('offers every value as printed, one that looks like an echo option too', async () => {
    const env = stubWtp(rig, ['a:b\tx: y', '-n', '-e', ':none']);
    expect((await fishTab(rig, script, 'source', env)('wtp ')).shown.sort()).toEqual([
      '-e',
      '-n',
      'a:b\tx: y',
    ]);
  });
});
