import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeWezterm, type FakeWezterm } from '../support/fake-wezterm.js';
import { eventually, TestHome } from '../support/harness.js';
import { injectionStrings, type Injections } from '../support/injection-strings.js';

/**
 * Strings with shell, tmux-format and option syntax, from the CLI through the daemon to the
 * multiplexer and the agent's process, on each backend that runs here: every one arrives as text
 * (folder, argument, environment value, title) and none is ever executed.
 */
describe.each(['tmux', 'headless', 'wezterm'])('user strings stay text on %s', (backend) => {
  let home: TestHome;
  let fake: FakeWezterm | null = null;
  let inj: Injections;
  let probe: string;
  const reports = (): string => home.path('reports');

  /** What the probe saw in the run that wrote `reports/<tag>`. */
  const report = (tag: string) =>
    eventually(`the probe's report ${tag}`, () => existsSync(join(reports(), tag, 'done'))).then(() => ({
      cwd: readFileSync(join(reports(), tag, 'cwd'), 'utf8').replace(/\n$/, ''),
      args: readFileSync(join(reports(), tag, 'args'), 'utf8')
        .split('\0')
        .slice(0, -1),
      env: readFileSync(join(reports(), tag, 'env'), 'utf8'),
    }));

  beforeAll(async () => {
    // WezTerm: the documented `wezterm cli` of the stand-in (test/fixtures/fake-wezterm).
    fake = backend === 'wezterm' ? await startFakeWezterm() : null;
    home = new TestHome({
      WTP_BACKEND: backend,
      SHELL: '/bin/sh',
      ...(fake ? { PATH: fake.env.PATH ?? '', WEZTERM_UNIX_SOCKET: fake.socket } : {}),
    });
    inj = injectionStrings(home.path('markers'));
    mkdirSync(reports());
    probe = home.path('probe.sh');
    writeFileSync(
      probe,
      [
        '#!/bin/sh',
        `d="${reports()}/$1"; shift; mkdir -p "$d"`,
        'pwd -P > "$d/cwd"',
        `printf '%s\\0' "$@" > "$d/args"`,
        'printf %s "$WTP_INJ" > "$d/env"',
        'touch "$d/done"',
        'exec sleep 300',
      ].join('\n'),
    );
    chmodSync(probe, 0o755);
    await home.up();
  });
  afterAll(async () => {
    await home.cleanup();
    await fake?.stop();
  });

  it('wtp new: the cwd, -e values and the command line (issue 13: `-C /tmp/x/#(touch …)`)', async () => {
    for (const [i, text] of inj.all.entries()) {
      const cwd = home.path('cwds', `c${i}`, text);
      mkdirSync(cwd, { recursive: true });
      const r = await home.json([
        'new',
        'cmd',
        '--name',
        `n${i}`,
        '-C',
        cwd,
        '-e',
        `WTP_INJ=${text}`,
        '--',
        probe,
        `n${i}`,
        text,
      ]);
      expect(r.code, r.stderr).toBe(0);
      const seen = await report(`n${i}`);
      expect(seen.cwd).toBe(realpathSync(cwd));
      expect(seen.args).toEqual([text]);
      expect(seen.env).toBe(text);
      const listed = await home.agent(`n${i}`);
      expect(listed.cwd).toBe(cwd);
    }
    // The table shows every agent on one line each, a newline in a folder name included.
    const table = (await home.run(['ls'])).stdout.trim().split('\n');
    expect(table.length).toBe(1 + inj.all.length);
    expect(inj.ran()).toEqual([]);
  });

  it('a repository whose folder holds those strings: worktree, branch and template panes', async () => {
    const repo = home.path('repos', inj.titles.join(' '));
    mkdirSync(repo, { recursive: true });
    const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, env: home.env });
    git('init', '-q', '-b', 'main');
    git('-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '--allow-empty', '-m', 'first');
    const r = await home.json([
      'new',
      'cmd',
      '--name',
      'wt',
      '--repo',
      repo,
      '--',
      probe,
      'wt',
      inj.all[0] ?? '',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const agent = await home.agent('wt');
    expect(agent.worktree?.branch).toBe('wtp/wt');
    expect((await report('wt')).cwd).toBe(realpathSync(agent.cwd));

    const sub = inj.titles[1] ?? 'x';
    mkdirSync(join(repo, sub.replaceAll('/', '_')), { recursive: true });
    const template = home.path('inj.yaml');
    writeFileSync(
      template,
      JSON.stringify({
        layout: {
          split: 'right',
          panes: inj.titles.slice(0, 4).map((title, i) => ({
            command: {
              title,
              run: [probe, `t${i}`, title],
              env: { WTP_INJ: title },
              ...(i === 1 ? { cwd: sub.replaceAll('/', '_') } : {}),
            },
          })),
        },
      }),
    );
    const ws = await home.json(['workspace', 'new', 'inj', '--repo', repo, '--template', template]);
    expect(ws.code, ws.stderr).toBe(0);
    for (const [i, title] of inj.titles.slice(0, 4).entries()) {
      const seen = await report(`t${i}`);
      expect(seen.args).toEqual([title]);
      expect(seen.env).toBe(title);
    }
    expect((await report('t1')).cwd).toBe(realpathSync(join(repo, sub.replaceAll('/', '_'))));
    if (backend === 'tmux') {
      const titles = (await home.tmux(['list-panes', '-t', '=inj', '-F', '#{pane_title}'])).stdout;
      for (const title of inj.titles.slice(0, 4)) expect(titles.split('\n')).toContain(title);
    }
    expect(inj.ran()).toEqual([]);
  });
});
