import { existsSync, mkdirSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PaneInfo, SpawnedPane } from '../../src/core/ports/panes.js';
import { injectionStrings } from '../support/injection-strings.js';
import { SUBJECTS, useSubject } from '../support/pane-mux-subjects.js';

/** Arguments a shell (or tmux's command parser) would change: spaces, quotes, `$`, `;`, globs, empty. */
const TRICKY_ARGS = [
  'two words',
  `it's "quoted"`,
  '$HOME',
  'ends with;',
  ';',
  'back\\;',
  '',
  '-x',
  '*',
  '`id` $(id)',
  '  padded  ',
];
const TRICKY_ENV = { WTP_CONF_VALUE: 'a b=c "d" $HOME;', WTP_CONF_OTHER: '=x= y;' };

// PaneMux conformance, part 3: programs get exactly their argv and env, with no shell in between.
describe.each(SUBJECTS)('PaneMux conformance: $name — programs', (factory) => {
  const f = useSubject(factory);

  it('argv elements and env values reach the program verbatim', async () => {
    const ws = f.workspace();
    const first = f.probe({ args: TRICKY_ARGS, env: TRICKY_ENV });
    const opened = await f.mux.openWorkspace(ws, first.spec);
    const second = f.probe({ args: TRICKY_ARGS, env: TRICKY_ENV });
    await f.mux.spawnPane(ws, second.spec);
    const third = f.probe({ args: TRICKY_ARGS, env: TRICKY_ENV });
    await f.mux.splitPane(opened.id, third.spec, 'right');
    for (const probe of [first, second, third]) {
      const report = await probe.report();
      expect(report.args).toEqual(TRICKY_ARGS);
      expect(report.env).toEqual(TRICKY_ENV);
    }
  });

  it('a one-element argv is the program itself, never a shell command line', async () => {
    const ws = f.workspace();
    const program = f.executable(f.dir()); // ".../d<n> $x/probe prog"
    const spawned = await f.mux.openWorkspace(ws, {
      argv: [program.path],
      cwd: f.dir(),
      env: { WTP_CONF_VALUE: 'one' },
    });
    f.track(spawned.pid);
    const report = await program.report();
    expect(report.args).toEqual([]);
    expect(report.env).toEqual({ WTP_CONF_VALUE: 'one' });
  });

  it('a program whose path holds `=` is still the program, also with an environment', async () => {
    const ws = f.workspace();
    const where = join(f.dir(), 'k=v');
    mkdirSync(where);
    const program = f.executable(where);
    const spawned = await f.mux.openWorkspace(ws, {
      argv: [program.path, 'A=1', 'x'],
      cwd: f.dir(),
      env: { WTP_CONF_VALUE: 'eq' },
    });
    f.track(spawned.pid);
    const report = await program.report();
    expect(report.args).toEqual(['A=1', 'x']);
    expect(report.env).toEqual({ WTP_CONF_VALUE: 'eq' });
  });

  it("each pane gets its own spec.env, not another pane's", async () => {
    const ws = f.workspace();
    const opened = await f.mux.openWorkspace(ws, f.probe({ env: { WTP_CONF_OTHER: 'first' } }).spec);
    const tab = f.probe({ env: { WTP_CONF_VALUE: 'tab' } });
    await f.mux.spawnPane(ws, tab.spec);
    const split = f.probe({ env: { WTP_CONF_VALUE: 'split' } });
    await f.mux.splitPane(opened.id, split.spec, 'bottom');
    expect((await tab.report()).env).toEqual({ WTP_CONF_VALUE: 'tab' });
    expect((await split.report()).env).toEqual({ WTP_CONF_VALUE: 'split' });
  });

  it('the cwd may hold spaces and `$`', async () => {
    const probe = f.probe();
    expect(probe.spec.cwd).toMatch(/ \$x$/);
    await f.mux.openWorkspace(f.workspace(), probe.spec);
    expect((await probe.report()).cwd).toBe(realpathSync(probe.spec.cwd));
  });

  it('titles and agent ids are shown verbatim', async () => {
    const ws = f.workspace();
    const title = `-t "q" $HOME;`;
    const agentId = 'agent;';
    const spawned = await f.mux.openWorkspace(ws, f.probe({ title, agentId }).spec);
    const listed = async (): Promise<PaneInfo | undefined> =>
      (await f.mux.list()).find((p) => p.id === spawned.id);
    const { titles, agentIdInList } = factory.caps;
    expect((await listed())?.agentId).toBe(agentIdInList ? agentId : null);
    if (titles) expect((await listed())?.title).toBe(title);
    await f.mux.setTitle(spawned.id, `${title} again;`);
    if (titles) expect((await listed())?.title).toBe(`${title} again;`);
  });

  it('shell and tmux syntax in cwd, title, env and argv stays text (`#()`, `$()`, `;`, newline, `-x`)', async () => {
    const base = f.dir();
    const inj = injectionStrings(join(base, 'markers'));
    const ws = f.workspace();
    let first: string | null = null;
    for (const [i, text] of inj.all.entries()) {
      // A folder named after the string (nested where it holds `/`), run there, titled with it.
      const cwd = join(base, `c${i}`, text);
      mkdirSync(cwd, { recursive: true });
      const title = inj.titles.includes(text) ? text : undefined;
      const probe = f.probe({ args: [text], env: { WTP_CONF_VALUE: text }, ...(title ? { title } : {}) });
      const spec = { ...probe.spec, cwd };
      const pane: SpawnedPane =
        first === null ? await f.mux.openWorkspace(ws, spec) : await f.mux.spawnPane(ws, spec);
      first ??= pane.id;
      const report = await probe.report();
      expect(report.cwd, JSON.stringify(text)).toBe(realpathSync(cwd));
      expect(report.args).toEqual([text]);
      expect(report.env).toEqual({ WTP_CONF_VALUE: text });
      if (title && factory.caps.titles) {
        expect((await f.mux.list()).find((p) => p.id === pane.id)?.title).toBe(title);
        await f.mux.setTitle(pane.id, `again ${title}`);
        expect((await f.mux.list()).find((p) => p.id === pane.id)?.title).toBe(`again ${title}`);
      }
    }
    const split = f.probe();
    await f.mux.splitPane(first ?? '', { ...split.spec, cwd: join(base, 'c0', inj.all[0] ?? '') }, 'right');
    expect((await split.report()).cwd).toBe(realpathSync(join(base, 'c0', inj.all[0] ?? '')));
    expect(inj.ran()).toEqual([]);
  });

  it('a pane stays listed while its program replaces itself (exec)', async () => {
    const ws = f.workspace();
    const probe = f.probe();
    // Re-exec the same shell 300 times, then run the probe as usual.
    const [sh, c, script, ...rest] = probe.spec.argv;
    const relay = `n=$1; shift; if [ "$n" -gt 0 ]; then exec sh -c "$0" "$0" $((n - 1)) "$@"; fi; exec sh -c "$@"`;
    const spawned = await f.mux.openWorkspace(ws, {
      ...probe.spec,
      argv: [sh ?? 'sh', c ?? '-c', relay, relay, '300', script ?? '', ...rest],
    });
    f.track(spawned.pid);
    const out = rest[1] ?? '';
    // Poll as fast as list() allows until the last exec has run; the pane must be in every answer.
    const deadline = Date.now() + 30_000;
    while (!existsSync(out) && Date.now() < deadline)
      expect((await f.mux.list()).map((p) => p.id)).toContain(spawned.id);
    const report = await probe.report(); // the same process, 300 execs later
    if (factory.caps.pidAtSpawn) expect(report.pid).toBe(spawned.pid);
  });
});
