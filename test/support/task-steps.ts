// Steps shared by the end-to-end tests of tasks: a git repository to run them in, and a task's state.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { TaskView } from '../../src/protocol/tasks.js';
import { eventually, type TestHome } from './harness.js';

/** A repository `<home>/<name>` on `main` with one commit (one file, README by default), and `git` in it. */
export function gitRepo(
  home: TestHome,
  name: string,
  [file, text]: [string, string] = ['README', `${name}\n`],
): { repo: string; g: (args: string[], cwd?: string) => string } {
  const repo = home.path(name);
  const g = (args: string[], cwd = repo): string =>
    execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...home.env } }).trim();
  execFileSync('git', ['init', '-q', '-b', 'main', repo]);
  g(['config', 'user.name', 'Test']);
  g(['config', 'user.email', 'test@example.com']);
  writeFileSync(join(repo, file), text);
  g(['add', '-A']);
  g(['commit', '-qm', 'start']);
  return { repo, g };
}

/** `wtp task show` and a wait for a task to get somewhere. */
export function taskSteps(home: TestHome, timeoutMs = 90_000) {
  const task = async (title: string): Promise<TaskView> => {
    const r = await home.json<{ task: TaskView }>(['task', 'show', title]);
    expect(r.code, r.stderr).toBe(0);
    return r.doc.task;
  };
  const untilTask = async (
    title: string,
    what: string,
    done: (t: TaskView) => boolean,
  ): Promise<TaskView> => {
    try {
      return await eventually(
        `${title} ${what}`,
        async () => {
          const t = await task(title);
          return done(t) ? t : undefined;
        },
        timeoutMs,
      );
    } catch (err) {
      throw new Error(`${(err as Error).message}; it is ${await whereIs(title)}`);
    }
  };
  /** Where a task got to, and what its run agents are doing: what a timeout needs to say. */
  const whereIs = async (title: string): Promise<string> => {
    const t = await task(title);
    const agents = await home.agents();
    const runs = t.runs.map((r) => {
      const a = agents.find((x) => x.id === r.agentId);
      const agent = a
        ? `${a.name} ${a.state} (${a.stateDetail.evidence ?? a.stateDetail.reason})`
        : r.agentId;
      return `attempt ${r.attempt}: ${r.status}${r.reason ? ` (${r.reason})` : ''}, agent ${agent}`;
    });
    return `${t.status}${runs.length > 0 ? `; ${runs.join('; ')}` : ', no runs'}`;
  };
  return { task, untilTask };
}

/** Starts the daemon and a headless workspace `name` on `repo`, where tasks run. */
export async function upWithWorkspace(home: TestHome, name: string, repo: string): Promise<void> {
  const up = await home.run(['up', '--detach']);
  expect(up.code, up.stderr).toBe(0);
  const ws = await home.run(['workspace', 'new', name, '--repo', repo, '--backend', 'headless']);
  expect(ws.code, ws.stderr).toBe(0);
}
