// The ForgeCli port for core tests: pull requests the test sets, every call counted (the real CLIs
// are stand-ins of test/fixtures/fake-gh/, run by src/adapters/forge/*.test.ts and the e2e tests).
import { AppError } from '../../src/core/errors.js';
import type { ForgeCli, ForgePullRequest, NewPullRequest } from '../../src/core/ports/forge.js';
import type { CheckRun, ForgeKind } from '../../src/protocol/forge.js';

/** A check run named `name` in `state`. */
export const check = (name: string, state: CheckRun['state']): CheckRun => ({
  name,
  workflow: null,
  state,
  conclusion: { pass: 'SUCCESS', fail: 'FAILURE', pending: 'IN_PROGRESS', skipped: 'SKIPPED' }[state],
  url: `https://ci.example/${name}`,
});

export class FakeForgeCli implements ForgeCli {
  /** What `view` answers, by number. */
  readonly prs = new Map<number, ForgePullRequest>();
  readonly calls: { verb: string; kind: ForgeKind; cwd: string; arg: unknown }[] = [];
  readonly created: NewPullRequest[] = [];
  /** Makes `view` fail with this error while set. */
  failView: AppError | null = null;
  missing = false;
  /** While set, `view` waits for it (a slow CLI). */
  gate: Promise<void> | null = null;

  check(kind: ForgeKind): Promise<void> {
    this.calls.push({ verb: 'check', kind, cwd: '', arg: null });
    return this.missing
      ? Promise.reject(new AppError('FORGE_CLI_MISSING', 'gh is not on the PATH', { cli: 'gh' }))
      : Promise.resolve();
  }

  findOpen(kind: ForgeKind, cwd: string, head: string) {
    this.calls.push({ verb: 'findOpen', kind, cwd, arg: head });
    return Promise.resolve(null);
  }

  create(kind: ForgeKind, cwd: string, req: NewPullRequest) {
    this.calls.push({ verb: 'create', kind, cwd, arg: req });
    this.created.push(req);
    const number = this.prs.size + 1;
    this.prs.set(number, pr(number, { title: req.title, draft: req.draft }));
    return Promise.resolve({ number, url: `https://github.com/acme/shop/pull/${number}` });
  }

  async view(kind: ForgeKind, cwd: string, number: number): Promise<ForgePullRequest> {
    this.calls.push({ verb: 'view', kind, cwd, arg: number });
    if (this.gate) await this.gate;
    if (this.failView) return Promise.reject(this.failView);
    const found = this.prs.get(number);
    if (!found) return Promise.reject(new AppError('FORGE_FAILED', `no pull request ${number}`));
    return Promise.resolve({ ...found, checks: found.checks.map((c) => ({ ...c })) });
  }

  /** How many `view` calls were made (polls). */
  get polls(): number {
    return this.calls.filter((c) => c.verb === 'view').length;
  }
}

/** An open pull request `number` on commit `c0ffee1`. */
export function pr(number: number, over: Partial<ForgePullRequest> = {}): ForgePullRequest {
  return {
    number,
    url: `https://github.com/acme/shop/pull/${number}`,
    title: 'a change',
    state: 'open',
    draft: false,
    reviewDecision: null,
    checks: [],
    headCommit: 'c0ffee1',
    mergedAt: null,
    mergeCommit: null,
    ...over,
  };
}
