import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { AGENT_STATES, PROFILE_NAMES } from '../../../protocol/constants.js';
import { CliContext, NO_DAEMON } from '../context.js';
import { buildProgram } from '../main.js';
import { complete, formatCompletion, short, type DynamicKind } from './complete.js';

const program = buildProgram(
  new CliContext({
    version: '0.0.0-test',
    entry: '/dev/null',
    nodePath: process.execPath,
    daemon: NO_DAEMON,
  }),
);

/** Values per dynamic kind, and which kinds were asked for. */
function source() {
  const asked: DynamicKind[] = [];
  const values = (kind: DynamicKind) => {
    asked.push(kind);
    const names: Record<DynamicKind, string[]> = {
      agent: ['api', 'web', 'old'],
      'live-agent': ['api', 'web'],
      workspace: ['default', 'shop'],
      template: ['quad', 'solo'],
      task: ['tk-1'],
    };
    return Promise.resolve(names[kind].map((value) => ({ value })));
  };
  return { asked, values };
}

const values = async (line: string): Promise<string[]> =>
  (await complete(program, line.split(' '), source().values)).candidates.map((c) => c.value);
const asked = async (line: string): Promise<DynamicKind[]> => {
  const s = source();
  await complete(program, line.split(' '), s.values);
  return s.asked;
};
const files = async (line: string) => (await complete(program, line.split(' '), source().values)).files;

describe('complete (from the commander program)', () => {
  it('completes commands, with their descriptions, and never the hidden ones', async () => {
    expect(await values('ne')).toEqual(['new']);
    const all = await complete(program, [''], source().values);
    expect(all.candidates.map((c) => c.value)).toEqual(
      expect.arrayContaining(['up', 'new', 'ls', 'stop', 'fork', 'completion', 'workspace', 'help']),
    );
    expect(all.candidates.map((c) => c.value)).not.toContain('__complete');
    expect(all.candidates.find((c) => c.value === 'new')?.description).toBe('start an agent');
    expect(await values('workspace r')).toEqual(['rm']);
    expect(await values('help wo')).toEqual(['workspace']);
  });

  it("completes a command's own options: long ones for --, both forms for -", async () => {
    expect(await values('new --re')).toEqual(['--restart', '--repo']);
    expect(await values('stop -')).toEqual(['--grace', '--no-wait', '--json', '--help', '-h']);
    expect(await values('fork --w')).toEqual(['--with-uncommitted']);
  });

  it('completes option values: fixed lists, workspaces, folders', async () => {
    expect(await values('new cmd --restart ')).toEqual(['never', 'on-failure', 'always']);
    expect(await values('ls --state ')).toEqual([...AGENT_STATES]);
    expect(await values('ls -w s')).toEqual(['shop']);
    expect(await files('new cmd --repo ')).toBe('dirs');
    expect(await files('new shell -C ')).toBe('dirs');
    // An option's value is skipped when counting arguments.
    expect(await values('new --name x sh')).toEqual(['shell']);
    expect(await values('new ')).toEqual([...PROFILE_NAMES]);
  });

  it('asks for live agents where only those make sense, for any agent elsewhere', async () => {
    expect(await asked('stop ')).toEqual(['live-agent']);
    expect(await asked('attach ')).toEqual(['live-agent']);
    expect(await asked('rm ')).toEqual(['agent']);
    expect(await asked('fork ')).toEqual(['agent']);
    expect(await asked('logs --tail 5 ')).toEqual(['agent']);
    expect(await values('rm o')).toEqual(['old']);
    expect(await asked('workspace rm ')).toEqual(['workspace']);
    expect(await asked('workspace new ')).toEqual([]);
    expect(await asked('template show ')).toEqual(['template']);
    expect(await asked('workspace new x --template ')).toEqual(['template']);
    expect(await asked('task show ')).toEqual(['task']);
  });

  it('offers files after -- (the command of a cmd agent) and for file arguments', async () => {
    expect(await files('new cmd -- ')).toBe('files');
    expect(await files('new cmd -- sleep ')).toBe('files');
    expect(await files('template validate ')).toBe('files');
    expect(await files('stop ')).toBe('none');
  });

  it('offers nothing for a value the daemon cannot give (it is down)', async () => {
    const c = await complete(program, ['stop', ''], () => Promise.reject(new Error('ECONNREFUSED')));
    expect(c).toEqual({ candidates: [], files: 'none' });
  });

  it('every <agent> argument of every command completes agent names', async () => {
    const withAgent: string[][] = [];
    const walk = (cmd: Command, path: string[]) => {
      for (const sub of cmd.commands) {
        const p = [...path, sub.name()];
        if (sub.registeredArguments[0]?.name() === 'agent') withAgent.push(p);
        walk(sub, p);
      }
    };
    walk(program, []);
    expect(withAgent.length).toBeGreaterThan(10);
    for (const p of withAgent) expect(await asked([...p, ''].join(' ')), p.join(' ')).toHaveLength(1);
  });

  it('prints value<TAB>description lines, then the file directive', () => {
    expect(
      formatCompletion({
        candidates: [{ value: 'api', description: 'cmd,\trunning' }, { value: 'web' }],
        files: 'dirs',
      }),
    ).toBe('api\tcmd, running\nweb\n:dirs\n');
  });

  it('keeps a description whole, parentheses and colons included; drops a usage example; cuts long ones at a word', () => {
    expect(short('a task (id or title) this one waits for (repeatable)')).toBe(
      'a task (id or title) this one waits for (repeatable)',
    );
    expect(short('answer it: press the option that says so')).toBe(
      'answer it: press the option that says so',
    );
    expect(short('start an agent: wtp new claude | wtp new shell')).toBe('start an agent');
    const long = short(`${'word '.repeat(30)}end`);
    expect(long.length).toBeLessThanOrEqual(80);
    expect(long).toMatch(/word…$/);
  });
});
