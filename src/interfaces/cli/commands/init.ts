import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { appError } from '../../../protocol/error-messages.js';
import { shellWord } from '../../../protocol/shell-word.js';
import type { CliContext } from '../context.js';
import { runAction } from '../run-action.js';
import { repositoryPath, writeInRepository } from '../repo-write.js';

/** Where a repository's own settings live (read by the daemon's setup scripts). */
const REPO_CONFIG = join('.wezterm-parallel', 'config.yaml');

/** The top level of the git repository holding `dir`, or why there is none. */
function gitTop(dir: string, env: NodeJS.ProcessEnv): { top: string } | { why: string } {
  // The user's own `wtp init` in a folder of theirs; rev-parse starts no program.
  // eslint-disable-next-line no-restricted-syntax
  const r = spawnSync('git', ['rev-parse', '--show-toplevel'], {
    cwd: dir,
    env,
    timeout: 10_000,
    encoding: 'utf8',
  });
  if ((r.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT')
    return { why: 'git is not installed (not found on PATH)' };
  // A git that could not start has no stderr (null).
  if (r.error || r.status !== 0)
    return { why: r.stderr?.trim().split('\n')[0] || 'not in a git working tree' };
  return { top: r.stdout.trim() };
}

interface Commands {
  setup: string[];
  test: string | null;
  /** What they were guessed from, for the file's comments and the output. */
  from: string | null;
}

const NPM_NO_TEST = 'echo "Error: no test specified" && exit 1';

/** The package manager's install and test commands, guessed from the files at the top. */
function guessCommands(dir: string): Commands {
  const has = (f: string): boolean => existsSync(join(dir, f));
  if (has('package.json')) {
    let scripts: Record<string, unknown> = {};
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { scripts?: unknown };
      if (pkg.scripts && typeof pkg.scripts === 'object') scripts = pkg.scripts as Record<string, unknown>;
    } catch {
      // an unreadable package.json: no test script known
    }
    const [pm, install] = has('pnpm-lock.yaml')
      ? ['pnpm', 'pnpm install --frozen-lockfile']
      : has('yarn.lock')
        ? ['yarn', 'yarn install --frozen-lockfile']
        : has('package-lock.json')
          ? ['npm', 'npm ci']
          : ['npm', 'npm install'];
    const test = typeof scripts.test === 'string' && scripts.test !== NPM_NO_TEST ? `${pm} test` : null;
    return { setup: [install], test, from: 'package.json' };
  }
  if (has('Cargo.toml')) return { setup: ['cargo fetch'], test: 'cargo test', from: 'Cargo.toml' };
  if (has('go.mod')) return { setup: ['go mod download'], test: 'go test ./...', from: 'go.mod' };
  return { setup: [], test: null, from: null };
}

/** A YAML scalar: plain when that is unambiguous, else a JSON (double-quoted) string. */
const scalar = (s: string): string => (/^[A-Za-z0-9_][\w ./=:@+-]*$/.test(s) ? s : JSON.stringify(s));

/** The commented file: what each key does, and that nothing runs before approval. */
function repoConfigText(c: Commands): string {
  const setup =
    c.setup.length > 0
      ? ['setup:', ...c.setup.map((s) => `  - ${scalar(s)}`), '#  - cp .env.example .env']
      : ['# setup:', '#   - npm ci', '#   - cp .env.example .env'];
  const test = c.test !== null ? [`test: ${scalar(c.test)}`] : ['# test: npm test'];
  return [
    "# wezterm-parallel: this repository's settings (`wtp init` wrote this file; edit it freely).",
    '# The daemon reads it when an agent gets a worktree of this repository (`wtp new … --repo`, tasks).',
    ...(c.from ? [`# The commands below were guessed from ${c.from}: check them.`] : []),
    '#',
    '# Nothing here runs until you approve it, for this repository and exactly this content',
    '# (approve again after every change of setup: or test:):',
    '#   wtp setup show      what would run, and its sha256',
    '#   wtp setup approve   approve exactly that',
    '',
    '# The setup commands run one by one with /bin/sh -c in each new worktree, before its agent',
    '# starts (WTP_PORT..WTP_PORT_END are the agent’s ports). One that fails stops the agent',
    '# from starting (SETUP_FAILED).',
    ...setup,
    '',
    '# The test command: what `wtp task compare` runs in each attempt’s worktree by default.',
    ...test,
    '',
    "# Templates: this repository's layouts are .wezterm-parallel/templates/<name>.yaml",
    '# (`wtp template ls --repo .`); each runs only once approved: `wtp template approve <name>`.',
    '# For example, .wezterm-parallel/templates/pair.yaml:',
    '#   description: an agent and the dev server',
    '#   layout:',
    '#     split: right',
    '#     panes:',
    '#       - agent: { name: dev, profile: claude }',
    '#       - command: { title: server, shell: "npm run dev" }',
    '',
  ].join('\n');
}

export function registerInitCommand(program: Command, ctx: CliContext): void {
  program
    .command('init')
    .description(
      "write the repository's .wezterm-parallel/config.yaml (setup script, test command, where templates go), commented; nothing in it runs before `wtp setup approve`",
    )
    .option('--force', 'overwrite an existing one')
    .option('--here', 'write it in the current directory, also outside a git repository')
    .option('--json', 'machine-readable output')
    .action((raw: { force?: boolean; here?: boolean; json?: boolean }) =>
      runAction(ctx, raw.json, async () => {
        const cwd = process.cwd();
        const repo = gitTop(cwd, ctx.processEnv);
        if (!raw.here && 'why' in repo)
          throw appError('NOT_A_REPOSITORY', { path: cwd, reason: repo.why, file: REPO_CONFIG });
        const dir = raw.here || !('top' in repo) ? cwd : resolve(repo.top);
        // Never through a link out of the repository (a committed `.wezterm-parallel -> elsewhere`),
        // nor over a file that is a link: refused before anything else, --force or not.
        const { path, exists: existed } = repositoryPath(dir, REPO_CONFIG);
        if (existed && !raw.force) throw appError('FILE_EXISTS', { path });
        const commands = guessCommands(dir);
        writeInRepository(dir, REPO_CONFIG, repoConfigText(commands));
        const next = [
          `wtp setup show --repo ${shellWord(dir)}`,
          `wtp setup approve --repo ${shellWord(dir)}`,
        ];
        if (ctx.json)
          return ctx.emit('init', {
            path,
            repo: 'top' in repo ? repo.top : null,
            overwritten: existed,
            setup: commands.setup,
            test: commands.test,
            next,
          });
        ctx.line(`${existed ? 'replaced' : 'wrote'} ${path}`);
        for (const s of commands.setup) ctx.line(`  setup: ${s}`);
        if (commands.test !== null) ctx.line(`  test:  ${commands.test}`);
        if (commands.from === null)
          ctx.line('  (no setup or test command guessed: examples are commented in the file)');
        ctx.line('Nothing in it runs before you approve it (with the daemon running, `wtp up --detach`):');
        ctx.line(`  ${next[0]}      what would run, and its sha256`);
        ctx.line(`  ${next[1]}   approve exactly that (again after each change)`);
      }),
    );
}
