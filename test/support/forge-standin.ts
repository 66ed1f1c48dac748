// The stand-in `gh` and `glab` (test/fixtures/fake-gh/README.md) from a test's side: the environment
// that puts them first on PATH, what they were asked, and their state, read and changed.
import { mkdirSync, mkdtempSync, readFileSync, renameSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';

/** The folder holding the stand-in executables. */
export const FAKE_GH_DIR = resolve(import.meta.dirname, '../fixtures/fake-gh');

export interface ForgeCall {
  cli: 'gh' | 'glab';
  argv: string[];
  cwd: string;
  /** What the CLI read on stdin, when it read it (`gh pr create --body-file -`). */
  stdin?: string;
}

/** A CheckRun as `gh pr view --json statusCheckRollup` prints it. */
export function ghCheckRun(
  name: string,
  conclusion: 'SUCCESS' | 'FAILURE' | null,
  over: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    __typename: 'CheckRun',
    name,
    workflowName: 'CI',
    status: conclusion === null ? 'IN_PROGRESS' : 'COMPLETED',
    conclusion: conclusion ?? '',
    startedAt: '2025-01-01T00:00:00Z',
    completedAt: conclusion === null ? '0001-01-01T00:00:00Z' : '2025-01-01T00:01:00Z',
    detailsUrl: `https://github.com/acme/shop/actions/runs/1/job/${name}`,
    isRequired: false,
    ...over,
  };
}

/** The stand-in forges of one test: state files and a call log in a folder of their own. */
export class ForgeStandIn {
  readonly dir: string;

  constructor(parent?: string) {
    const base = parent ?? tmpdir();
    mkdirSync(base, { recursive: true });
    this.dir = mkdtempSync(join(base, 'forge-'));
  }

  /** Variables that make a daemon (or any process) run the stand-ins: PATH first, FAKE_FORGE_DIR. */
  env(path: string | undefined): Record<string, string> {
    return { PATH: `${FAKE_GH_DIR}${delimiter}${path ?? ''}`, FAKE_FORGE_DIR: this.dir };
  }

  /** Every invocation so far, in order. */
  calls(cli?: 'gh' | 'glab'): ForgeCall[] {
    const file = join(this.dir, 'calls.jsonl');
    if (!existsSync(file)) return [];
    return readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as ForgeCall)
      .filter((c) => cli === undefined || c.cli === cli);
  }

  /** The CLI's state as its state file has it (what it created; null before any). */
  state(cli: 'gh' | 'glab'): { prs: Record<string, unknown>[]; authenticated: boolean } | null {
    const file = join(this.dir, `${cli}-state.json`);
    return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as never) : null;
  }

  /** Changes the state file (written whole and renamed, as the stand-ins write it). */
  update(
    cli: 'gh' | 'glab',
    change: (state: Record<string, unknown> & { prs: Record<string, unknown>[] }) => void,
  ): void {
    const file = join(this.dir, `${cli}-state.json`);
    const state = existsSync(file)
      ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown> & {
          prs: Record<string, unknown>[];
        })
      : {
          host: cli === 'gh' ? 'github.com' : 'gitlab.com',
          owner: 'acme',
          name: 'shop',
          defaultBranch: 'main',
          authenticated: true,
          nextNumber: 1,
          prs: [],
        };
    change(state);
    writeFileSync(`${file}.tmp`, `${JSON.stringify(state, null, 2)}\n`);
    renameSync(`${file}.tmp`, file);
  }

  /** A pull request (GitHub) or merge request (GitLab) by number. */
  pr(cli: 'gh' | 'glab', number: number): Record<string, unknown> {
    const key = cli === 'gh' ? 'number' : 'iid';
    const found = this.state(cli)?.prs.find((p) => p[key] === number);
    if (!found) throw new Error(`no ${cli} pull request ${number}`);
    return found;
  }

  /** Sets the checks of GitHub pull request `number` on commit `sha` (statusCheckRollup objects). */
  setChecks(number: number, sha: string, checks: Record<string, unknown>[]): void {
    this.update('gh', (s) => {
      const pr = s.prs.find((p) => p.number === number) as { checks: Record<string, unknown> } | undefined;
      if (!pr) throw new Error(`no pull request ${number}`);
      pr.checks[sha] = checks;
    });
  }

  /** Sets the head pipeline of GitLab merge request `iid` on commit `sha`. */
  setPipeline(iid: number, sha: string, pipeline: { id: number; status: string }): void {
    this.update('glab', (s) => {
      const mr = s.prs.find((p) => p.iid === iid) as { pipelines: Record<string, unknown> } | undefined;
      if (!mr) throw new Error(`no merge request ${iid}`);
      mr.pipelines[sha] = pipeline;
    });
  }

  /** GitHub merged pull request `number` (as its merge button does) into a commit `mergeCommit`. */
  merge(number: number, mergeCommit: string, headRefOid: string): void {
    this.update('gh', (s) => {
      const pr = s.prs.find((p) => p.number === number);
      if (!pr) throw new Error(`no pull request ${number}`);
      Object.assign(pr, { state: 'MERGED', mergedAt: '2025-01-01T00:05:00Z', mergeCommit, headRefOid });
    });
  }
}
