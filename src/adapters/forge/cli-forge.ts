import type { AppError } from '../../core/errors.js';
import { appError } from '../../protocol/error-messages.js';
import type { ForgeCli, ForgePullRequest, NewPullRequest } from '../../core/ports/forge.js';
import type { ForgeKind } from '../../protocol/forge.js';
import { numberFromUrl } from './forge-text.js';
import { GH_VIEW_FIELDS, ghListSchema, parseGhView } from './gh-json.js';
import { parseGlabView } from './glab-json.js';
import {
  cliFailed,
  forgeCommand,
  missingCli,
  onPath,
  runForgeCli,
  type ForgeCliName,
  type ForgeEnv,
} from './run-forge-cli.js';

export interface CliForgeOptions {
  /** The daemon's environment (PATH finds the CLIs; their own config and tokens apply). */
  env: ForgeEnv;
  /** A call still running then is killed (config `forge.cliTimeoutMs`). */
  timeoutMs: number;
}

/**
 * The forges through their own CLIs, as documented (test/fixtures/fake-gh/README.md lists the
 * pages): every value is passed as `--flag=value` (never read as an option), a positional after
 * `--`, the pull request body on stdin (`gh pr create --body-file=-`) or, for glab, which reads a
 * description from no file, as one `--description=` argument of at most 60 kB.
 */
export class CliForge implements ForgeCli {
  constructor(private readonly o: CliForgeOptions) {}

  check(kind: ForgeKind): Promise<void> {
    const cli: ForgeCliName = kind === 'github' ? 'gh' : 'glab';
    return onPath(cli, this.o.env.PATH) === null ? Promise.reject(missingCli(cli)) : Promise.resolve();
  }

  async findOpen(
    kind: ForgeKind,
    cwd: string,
    head: string,
  ): Promise<{ number: number; url: string } | null> {
    if (kind === 'github') {
      const args = ['pr', 'list', `--head=${head}`, '--state=open', '--json=number,url', '--limit=1'];
      const list = ghListSchema.safeParse(parse(await this.ok('gh', args, cwd)));
      if (!list.success) throw this.unreadable('gh', args);
      const first = list.data[0];
      return first ? { number: first.number, url: first.url } : null;
    }
    const args = ['mr', 'view', '--output=json', '--', head];
    const run = await runForgeCli('glab', args, { cwd, env: this.o.env, timeoutMs: this.o.timeoutMs });
    if (run.code !== 0 && /no open merge request/i.test(run.stderr + run.stdout)) return null;
    if (run.code !== 0) throw cliFailed('glab', args, run, this.o.timeoutMs);
    const mr = parseGlabView(run.stdout);
    if (!mr) throw this.unreadable('glab', args);
    return mr.state === 'open' ? { number: mr.number, url: mr.url } : null;
  }

  async create(kind: ForgeKind, cwd: string, req: NewPullRequest): Promise<{ number: number; url: string }> {
    const github = kind === 'github';
    const args = github
      ? ['pr', 'create', `--title=${req.title}`, '--body-file=-', `--base=${req.base}`, `--head=${req.head}`]
      : [
          'mr',
          'create',
          `--title=${req.title}`,
          `--description=${req.body}`,
          `--source-branch=${req.head}`,
          `--target-branch=${req.base}`,
          '--yes',
        ];
    if (req.draft) args.push('--draft');
    const cli: ForgeCliName = github ? 'gh' : 'glab';
    const out = await this.ok(cli, args, cwd, github ? req.body : undefined);
    // Both print the new pull request's URL (glab: only it, when stdout is not a terminal).
    const url = out
      .split('\n')
      .map((l) => l.trim())
      .reverse()
      .find((l) => /^https?:\/\//.test(l));
    const number = url === undefined ? null : numberFromUrl(url, github ? 'pull' : 'merge_requests');
    if (url === undefined || number === null) throw this.unreadable(cli, args.slice(0, 2));
    return { number, url };
  }

  async view(kind: ForgeKind, cwd: string, number: number): Promise<ForgePullRequest> {
    const github = kind === 'github';
    const cli: ForgeCliName = github ? 'gh' : 'glab';
    const args = github
      ? ['pr', 'view', `--json=${GH_VIEW_FIELDS.join(',')}`, '--', String(number)]
      : ['mr', 'view', '--output=json', '--', String(number)];
    const out = await this.ok(cli, args, cwd);
    const pr = github ? parseGhView(out) : parseGlabView(out);
    if (!pr) throw this.unreadable(cli, args);
    return pr;
  }

  /** stdout of a call that must succeed (FORGE_FAILED otherwise). */
  private async ok(cli: ForgeCliName, args: string[], cwd: string, input?: string): Promise<string> {
    const run = await runForgeCli(cli, args, {
      cwd,
      env: this.o.env,
      timeoutMs: this.o.timeoutMs,
      ...(input === undefined ? {} : { input }),
    });
    if (run.code !== 0) throw cliFailed(cli, args, run, this.o.timeoutMs);
    return run.stdout;
  }

  private unreadable(cli: ForgeCliName, args: readonly string[]): AppError {
    return appError('FORGE_FAILED', { cli, args: [...args], command: forgeCommand(cli, args) });
  }
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
