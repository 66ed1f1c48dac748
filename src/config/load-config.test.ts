import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TempDirs } from '../../test/support/adapters/temp-dirs.js';
import { YAML_BOMB } from '../../test/support/yaml-bomb.js';
import { AppError } from '../core/errors.js';
import { readEnv } from './env.js';
import { loadConfig, type ConfigIssue } from './load-config.js';
import { DEFAULT_API_PORT } from './schema.js';

const temp = new TempDirs();
let file: string;
const noEnv = readEnv({});

const write = (yaml: string): void => writeFileSync(file, yaml);

/** The AppError `loadConfig` rejects with. */
async function failure(env = noEnv): Promise<AppError> {
  const err: unknown = await loadConfig(file, env).then(
    () => new Error('loadConfig resolved'),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  return err as AppError;
}

const issuesOf = (err: AppError) => (err.details as { issues: ConfigIssue[] }).issues;

beforeEach(() => {
  file = join(temp.make(), 'config.yaml');
});

afterEach(() => {
  temp.removeAll();
});

describe('loadConfig defaults', () => {
  it('uses every default when the file does not exist', async () => {
    const cfg = await loadConfig(file, noEnv);
    expect(cfg.version).toBe(1);
    expect(cfg.api).toEqual({ port: DEFAULT_API_PORT, tcp: true });
    expect(cfg.backend).toBe('auto');
    expect(cfg.agents.stopGraceMs).toBe(5_000);
    expect(cfg.agents.cols).toBe(120);
    expect(cfg.agents.outputLogMaxBytes).toBe(16 * 1024 * 1024);
    expect(cfg.restart.crashLoopCount).toBe(5);
    expect(cfg.logs).toEqual({ level: 'info', maxBytes: 10 * 1024 * 1024, files: 3 });
    expect(cfg.stats.intervalMs).toBe(2_000);
  });

  it('treats an empty file or one holding only comments as all defaults', async () => {
    const defaults = await loadConfig(file, noEnv);
    write('');
    expect(await loadConfig(file, noEnv)).toEqual(defaults);
    write('# nothing here yet\n');
    expect(await loadConfig(file, noEnv)).toEqual(defaults);
  });
});

describe('loadConfig from YAML', () => {
  it('takes values from the file and keeps defaults for the rest of each section', async () => {
    write(
      ['api:', '  port: 9000', '  tcp: false', 'agents:', '  cols: 200', 'logs:', '  level: warn', ''].join(
        '\n',
      ),
    );
    const cfg = await loadConfig(file, noEnv);
    expect(cfg.api).toEqual({ port: 9000, tcp: false });
    expect(cfg.agents.cols).toBe(200);
    expect(cfg.agents.rows).toBe(40);
    expect(cfg.logs.level).toBe('warn');
    expect(cfg.logs.files).toBe(3);
    expect(cfg.restart.backoffMaxMs).toBe(30_000);
  });

  it('lets WTP_API_PORT and WTP_LOG_LEVEL override the file', async () => {
    write('api:\n  port: 9000\n  tcp: false\nlogs:\n  level: warn\n');
    const cfg = await loadConfig(file, readEnv({ WTP_API_PORT: '0', WTP_LOG_LEVEL: 'debug' }));
    expect(cfg.api).toEqual({ port: 0, tcp: false }); // the rest of the section still comes from the file
    expect(cfg.logs.level).toBe('debug');
  });

  it('applies the environment when there is no file too', async () => {
    const cfg = await loadConfig(file, readEnv({ WTP_API_PORT: '8123', WTP_LOG_LEVEL: 'error' }));
    expect(cfg.api.port).toBe(8123);
    expect(cfg.logs.level).toBe('error');
  });

  it('validates values that come from the environment', async () => {
    const port = await failure(readEnv({ WTP_API_PORT: 'eighty' }));
    expect(port.code).toBe('CONFIG_INVALID');
    expect(issuesOf(port).map((i) => i.path)).toEqual(['api.port']);
    const level = await failure(readEnv({ WTP_LOG_LEVEL: 'loud' }));
    expect(issuesOf(level).map((i) => i.path)).toEqual(['logs.level']);
  });

  it('returns a deeply frozen config', async () => {
    write('agents:\n  cols: 100\n');
    const cfg = await loadConfig(file, noEnv);
    expect(Object.isFrozen(cfg)).toBe(true);
    for (const section of [cfg.api, cfg.agents, cfg.restart, cfg.logs, cfg.stats]) {
      expect(Object.isFrozen(section)).toBe(true);
    }
    const mutable = cfg.agents as { cols: number };
    expect(() => {
      mutable.cols = 1;
    }).toThrow(TypeError);
    expect(cfg.agents.cols).toBe(100);
  });
});

describe('loadConfig refusals (CONFIG_INVALID)', () => {
  it('rejects unknown keys with their path, line and the key meant', async () => {
    write('agents:\n  colums: 100\n  stopGraceMS: 10\nlogz: {}\n');
    const err = await failure();
    expect(err.code).toBe('CONFIG_INVALID');
    expect(err.details).toMatchObject({ file });
    const issues = issuesOf(err);
    expect(issues).toEqual([
      { path: 'agents.colums', line: 2, message: 'unknown key "colums". Did you mean "cols"?' },
      {
        path: 'agents.stopGraceMS',
        line: 3,
        message: 'unknown key "stopGraceMS". Did you mean "stopGraceMs"?',
      },
      { path: 'logz', line: 4, message: 'unknown key "logz". Did you mean "logs"?' },
    ]);
    expect(err.message).toBe(
      `The config file ${file} is invalid (3 problems; the first: agents.colums (line 2): unknown key "colums". Did you mean "cols"?). Fix the file (\`docs/config.md\` lists every key); \`wtp doctor\` checks it as the daemon would.`,
    );
    write('agents:\n  colour: blue\n');
    expect(issuesOf(await failure())[0]?.message).toMatch(/^unknown key "colour". Keys here: stopGraceMs, /);
  });

  it('gives the line of a bad value, and names the variable when the environment set it', async () => {
    write('agents:\n  cols: 5\napi:\n  port: 9000\n');
    expect(issuesOf(await failure())).toEqual([
      { path: 'agents.cols', line: 2, message: expect.stringContaining('>=20') },
    ]);
    write('api:\n  port: 9000\n');
    expect(issuesOf(await failure(readEnv({ WTP_API_PORT: '99999' })))).toEqual([
      { path: 'api.port', line: null, message: expect.stringMatching(/\(from WTP_API_PORT\)$/) },
    ]);
  });

  it('reports out-of-range and mistyped values with their dotted path', async () => {
    write('agents:\n  cols: 5\napi:\n  port: 70000\nstats:\n  intervalMs: "fast"\nversion: 2\n');
    const paths = issuesOf(await failure()).map((i) => i.path);
    expect(paths.sort()).toEqual(['agents.cols', 'api.port', 'stats.intervalMs', 'version']);
  });

  it('reports invalid YAML with the line of the problem', async () => {
    write('version: 1\nlogs:\n  level: info\n  level: debug\n');
    const err = await failure();
    expect(err.code).toBe('CONFIG_INVALID');
    expect(err.message).toContain('not valid YAML');
    const issues = issuesOf(err);
    expect(issues).toEqual([{ path: '', line: 4, message: 'Map keys must be unique' }]);
    expect(err.message).toBe(
      `The config file ${file} is not valid YAML (line 4: Map keys must be unique). Fix the file (\`docs/config.md\` lists every key); \`wtp doctor\` checks it as the daemon would.`,
    );
  });

  it('reports an alias to no anchor and a YAML bomb as invalid YAML', async () => {
    for (const text of ['api: *fz\n', YAML_BOMB]) {
      write(text);
      const err = await failure();
      expect(err.code).toBe('CONFIG_INVALID');
      expect(err.message).toContain('not valid YAML');
    }
  });

  it('reports a YAML syntax error', async () => {
    write('api:\n  port: 1\n  tcp: [true\nlogs: {}\n');
    const err = await failure();
    expect(issuesOf(err)[0]).toMatchObject({ path: '', line: expect.any(Number) });
  });

  it('rejects a document that is not a mapping', async () => {
    write('- port: 1\n');
    const err = await failure();
    expect(err.code).toBe('CONFIG_INVALID');
    expect(issuesOf(err)).toHaveLength(1);
  });

  it('reports a config path it cannot read (a directory), with the cause', async () => {
    mkdirSync(file);
    const err = await failure();
    expect(err.code).toBe('CONFIG_INVALID');
    expect(err.details).toEqual({ file });
    expect((err.cause as NodeJS.ErrnoException).code).toBe('EISDIR');
  });

  it('takes notification settings with defaults, and refuses a webhook URL that is not http(s)', async () => {
    const defaults = await loadConfig(file, noEnv);
    expect(defaults.notifications).toEqual({
      enabled: true,
      desktop: true,
      toast: true,
      bell: true,
      webhook: { enabled: true },
      command: {
        enabled: true,
        states: ['needs_permission', 'needs_input', 'idle', 'crashed'],
        timeoutMs: 10_000,
      },
      push: { enabled: true, extraServices: [] },
      dedupeMs: 30_000,
      maxPerMinute: 12,
    });
    write('notifications:\n  bell: false\n  webhook:\n    url: https://ntfy.sh/my-topic\n    token: tk_x\n');
    const cfg = await loadConfig(file, noEnv);
    expect(cfg.notifications.bell).toBe(false);
    expect(cfg.notifications.webhook).toEqual({
      url: 'https://ntfy.sh/my-topic',
      token: 'tk_x',
      enabled: true,
    });
    for (const url of ['ftp://ntfy.sh/t', 'not a url']) {
      write(`notifications:\n  webhook:\n    url: ${JSON.stringify(url)}\n`);
      expect(issuesOf(await failure()).map((i) => i.path)).toEqual(['notifications.webhook.url']);
    }
  });

  it('takes a notification command as an argv with its states, and refuses a shell string or an unknown state', async () => {
    write(
      'notifications:\n  command:\n    argv: [/usr/local/bin/on-change, --quiet]\n    states: [exited, crashed]\n',
    );
    expect((await loadConfig(file, noEnv)).notifications.command).toEqual({
      argv: ['/usr/local/bin/on-change', '--quiet'],
      states: ['exited', 'crashed'],
      timeoutMs: 10_000,
      enabled: true,
    });
    write('notifications:\n  command:\n    argv: "notify-send done"\n');
    expect(issuesOf(await failure()).map((i) => i.path)).toEqual(['notifications.command.argv']);
    write('notifications:\n  command:\n    argv: []\n');
    expect(issuesOf(await failure()).map((i) => i.path)).toEqual(['notifications.command.argv']);
    write('notifications:\n  command:\n    argv: [x]\n    states: [finished]\n');
    expect(issuesOf(await failure()).map((i) => i.path)).toEqual(['notifications.command.states[0]']);
  });
});

describe('loadConfig approvals', () => {
  it('reads allow and deny rules, empty by default', async () => {
    expect((await loadConfig(file, noEnv)).approvals).toEqual({ allow: [], deny: [] });
    write('approvals:\n  allow:\n    - Bash(npm test*)\n    - claude:Read\n  deny:\n    - Bash(rm *)\n');
    expect((await loadConfig(file, noEnv)).approvals).toEqual({
      allow: ['Bash(npm test*)', 'claude:Read'],
      deny: ['Bash(rm *)'],
    });
  });

  it('names the path and line of a bad rule', async () => {
    write(
      'approvals:\n  allow:\n    - Bash(npm test*)\n    - Bash(npm test\n  deny:\n    - nobody:Bash(rm *)\n',
    );
    const err = await failure();
    expect(err.code).toBe('CONFIG_INVALID');
    expect(issuesOf(err)).toEqual([
      {
        path: 'approvals.allow[1]',
        line: 4,
        message: expect.stringMatching(/"Bash\(npm test" is not a rule/),
      },
      { path: 'approvals.deny[0]', line: 6, message: expect.stringMatching(/unknown vendor "nobody"/) },
    ]);
    expect(err.message).toContain('approvals.allow[1] (line 4)');
  });

  it('refuses an unknown key under approvals', async () => {
    write('approvals:\n  alow: [Read]\n');
    expect(issuesOf(await failure())[0]).toMatchObject({ path: 'approvals.alow', line: 2 });
  });
});
