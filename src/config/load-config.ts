import { readFileSync } from 'node:fs';
import { AppError } from '../core/errors.js';
import type { Issue } from '../protocol/errors.js';
import type * as Yaml from 'yaml';
import type { WtpEnv } from './env.js';
import { configSchema, type WtpConfig } from './schema.js';
import { zodIssues } from '../protocol/zod-issues.js';

type YamlModule = typeof Yaml;

/** Reads, validates and freezes the config; a missing file means all defaults (and no YAML parser loaded). */
export async function loadConfig(file: string, env: WtpEnv): Promise<Readonly<WtpConfig>> {
  let raw: unknown = {};
  let text: string | null = null;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new AppError('CONFIG_INVALID', `Cannot read the config file ${file}.`, { file }, { cause: err });
    }
  }
  if (text !== null) {
    // yaml is CommonJS: bundled, its exports sit on `default`; under Node's ESM loader they are named too.
    const mod = (await import('yaml')) as YamlModule & { default?: YamlModule };
    const { parseDocument } = mod.default ?? mod;
    const doc = parseDocument(text);
    if (doc.errors.length > 0) {
      const issues: Issue[] = doc.errors.map((e) => ({
        path: `line ${e.linePos?.[0].line ?? '?'}`,
        message: e.message,
      }));
      throw new AppError('CONFIG_INVALID', `The config file ${file} is not valid YAML.`, { file, issues });
    }
    try {
      raw = doc.toJS() ?? {}; // throws on an alias to no anchor, and on too many aliases (a YAML bomb)
    } catch (err) {
      const issues: Issue[] = [{ path: '', message: (err as Error).message }];
      throw new AppError('CONFIG_INVALID', `The config file ${file} is not valid YAML.`, { file, issues });
    }
  }
  const withEnv = applyEnv(raw, env);
  const parsed = configSchema.safeParse(withEnv);
  if (!parsed.success) {
    const issues = zodIssues(parsed.error);
    throw new AppError(
      'CONFIG_INVALID',
      `The config file ${file} has ${issues.length} problem(s): ${issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ')}`,
      { file, issues },
    );
  }
  return deepFreeze(parsed.data);
}

function applyEnv(raw: unknown, env: WtpEnv): unknown {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return raw;
  const out: Record<string, unknown> = { ...(raw as Record<string, unknown>) };
  if (env.apiPort !== undefined) {
    out.api = {
      ...(out.api as object | undefined),
      port: Number.isNaN(Number(env.apiPort)) ? env.apiPort : Number(env.apiPort),
    };
  }
  if (env.logLevel !== undefined) out.logs = { ...(out.logs as object | undefined), level: env.logLevel };
  if (env.backend !== undefined) out.backend = env.backend;
  return out;
}

function deepFreeze<T>(value: T): Readonly<T> {
  if (typeof value === 'object' && value !== null) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
