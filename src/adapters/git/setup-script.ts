import { hardenedGitEnv } from './git-exec.js';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import type * as P from '../../core/ports/git.js';
import type { RepoApprovals } from '../../core/ports/git.js';
import type { AgentEnv } from '../../protocol/agent-env.js';
import { approvalsSchema as rulesSchema } from '../../protocol/approval-schema.js';
import { appError } from '../../protocol/error-messages.js';
import { zodIssues } from '../../protocol/zod-issues.js';
import { FileRepoApprovals } from './repo-approvals.js';
import { realTop } from './repo-paths.js';

export interface SetupScriptOptions {
  /** JSON `{ "<repo top level>": ["<sha256>", …] }`, written atomically with mode 0600. */
  approvalsFile: string;
  /** The store of that file, when the caller shares it (the profile setup reads it too). */
  approvals?: RepoApprovals;
  /** Base environment of the setup commands (runSetup's env is laid over it). */
  env: Record<string, string | undefined>;
  /** Per setup command; default 10 minutes. */
  setupTimeoutMs?: number;
}

const OUTPUT_TAIL = 20 * 1024;
/** A repository's own `.wezterm-parallel/config.yaml` (docs/config.md is generated from it). */
export const repoConfigSchema = z
  .looseObject({
    setup: z
      .array(z.string().min(1))
      .optional()
      .describe(
        'Commands run one by one with `/bin/sh -c` in every new worktree of the repository, before its agent starts (10 min limit each); the first that fails ends the agent `crashed` before it runs',
      ),
    test: z
      .string()
      .min(1)
      .optional()
      .describe("The test command `wtp task compare` runs in each attempt's worktree (unless given one)"),
    approvals: rulesSchema
      .optional()
      .describe(
        "Approval rules for the repository's agents, on top of the user's config: they take effect only once this file's content is approved (with the setup script)",
      ),
  })
  .nullable();

/**
 * A repository's setup script and test command (`.wezterm-parallel/config.yaml`): read, approved
 * by the hash of their exact content, and run (each command with `/bin/sh -c`, in the new worktree)
 * only once approved — nothing from a repository runs before the user approved it.
 */
export class SetupScripts {
  private readonly approvals: RepoApprovals;

  constructor(private readonly o: SetupScriptOptions) {
    this.approvals = o.approvals ?? new FileRepoApprovals(o.approvalsFile);
  }

  setupScript(repo: string): P.SetupScript | null {
    const top = realTop(repo);
    const file = join(top, '.wezterm-parallel', 'config.yaml');
    if (!fs.existsSync(file)) return null;
    const doc = parseDocument(fs.readFileSync(file, 'utf8'));
    const yamlIssues = doc.errors.map((e) => ({
      path: `line ${e.linePos?.[0].line ?? '?'}`,
      message: e.message,
    }));
    // toJS throws on an alias to no anchor, and on too many aliases (a YAML bomb in a cloned repository).
    let value: unknown;
    try {
      value = yamlIssues.length > 0 ? undefined : doc.toJS();
    } catch (err) {
      yamlIssues.push({ path: '', message: (err as Error).message });
    }
    const parsed = yamlIssues.length > 0 ? null : repoConfigSchema.safeParse(value);
    const issues = parsed === null ? yamlIssues : parsed.success ? [] : zodIssues(parsed.error);
    if (issues.length > 0 || !parsed?.success) {
      const problems = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message));
      throw appError('CONFIG_INVALID', { file, issues, problems });
    }
    const commands = parsed.data?.setup ?? [];
    const test = parsed.data?.test ?? null;
    const rules = parsed.data?.approvals;
    const approvals = rules && rules.allow.length + rules.deny.length > 0 ? rules : null;
    if (commands.length === 0 && test === null && approvals === null) return null;
    // A test command and approval rules are approved with the setup script (the hash of a file
    // without them is unchanged).
    const content =
      test === null && approvals === null
        ? commands
        : {
            setup: commands,
            ...(test === null ? {} : { test }),
            ...(approvals === null ? {} : { approvals }),
          };
    const hash = createHash('sha256').update(JSON.stringify(content)).digest('hex');
    return { commands, test, approvals, hash, approved: this.approvals.approved(top, hash) };
  }

  /** Whether the user approved content of this hash for the repository (its submodules, …). */
  approved(repo: string, hash: string): boolean {
    return this.approvals.approved(realTop(repo), hash);
  }

  approveSetup(repo: string, hash: string): void {
    this.approvals.approve(realTop(repo), hash);
  }

  async runSetup(wt: P.AgentWorktree, env: Record<string, string>, progress: P.SetupProgress): Promise<void> {
    const script = this.setupScript(wt.repo);
    if (script === null || script.commands.length === 0) return;
    const { commands, hash } = script;
    if (!script.approved) throw appError('SETUP_NOT_APPROVED', { repo: wt.repo, commands, hash });
    const ports = {
      WTP_PORT: `${wt.portStart}`,
      WTP_PORT_END: `${wt.portStart + wt.portCount - 1}`,
    } satisfies AgentEnv;
    // Its git commands too start nothing a folder's config names (git-exec.ts).
    const fullEnv = hardenedGitEnv({ ...this.o.env, ...ports, ...env }) as NodeJS.ProcessEnv;
    let output = '';
    const emit = (line: string): void => {
      output = (output + line + '\n').slice(-OUTPUT_TAIL);
      progress(line);
    };
    for (const command of commands) {
      emit(`$ ${command}`);
      const timeoutMs = this.o.setupTimeoutMs ?? 10 * 60_000;
      const r = await runShell(command, wt.path, fullEnv, timeoutMs, emit);
      if (r.code === 0 && !r.timedOut) continue;
      throw appError('SETUP_FAILED', {
        command,
        exitCode: r.code,
        signal: r.signal,
        timedOut: r.timedOut,
        output,
        path: wt.path,
        seconds: r.timedOut ? timeoutMs / 1000 : null,
      });
    }
  }
}

type ShellResult = { code: number | null; signal: string | null; timedOut: boolean };

/** `/bin/sh -c command` in its own process group; every output line (stdout and stderr) to `line`. */
function runShell(
  command: string,
  cwd: string,
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
  line: (l: string) => void,
) {
  return new Promise<ShellResult>((done) => {
    const child = spawn('/bin/sh', ['-c', command], {
      cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const pending = { out: '', err: '' };
    const feed = (key: 'out' | 'err', chunk: Buffer): void => {
      const lines = (pending[key] + chunk.toString('utf8')).split(/\r?\n/);
      pending[key] = lines.pop() ?? '';
      lines.forEach((l) => line(l));
    };
    child.stdout.on('data', (c: Buffer) => feed('out', c));
    child.stderr.on('data', (c: Buffer) => feed('err', c));
    const killGroup = (sig: NodeJS.Signals): void => void (child.pid && tryKill(-child.pid, sig));
    let timedOut = false;
    let finished = false;
    let grace: NodeJS.Timeout | undefined;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup('SIGTERM');
      setTimeout(() => killGroup('SIGKILL'), 5_000).unref();
    }, timeoutMs);
    const finish = (code: number | null, signal: string | null): void => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      clearTimeout(grace);
      [pending.out, pending.err].filter((l) => l !== '').forEach((l) => line(l));
      done({ code, signal, timedOut });
    };
    child.on('error', (err) => (line(err.message), finish(127, null)));
    child.on('close', (code, signal) => finish(code, signal));
    // A background process still holding the pipes must not hang the setup: stop waiting soon after exit.
    child.on('exit', (code, signal) => {
      grace = setTimeout(() => (child.stdout.destroy(), child.stderr.destroy(), finish(code, signal)), 2_000);
    });
  });
}

function tryKill(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}
