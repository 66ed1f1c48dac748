import { readFileSync } from 'node:fs';
import type * as Yaml from 'yaml';
import { z } from 'zod';
import type { AppError } from '../core/errors.js';
import { didYouMeanText } from '../protocol/did-you-mean.js';
import { appError } from '../protocol/error-messages.js';
import type { Issue } from '../protocol/errors.js';
import { formatPath } from '../protocol/zod-issues.js';
import type { WtpEnv } from './env.js';
import { configSchema, type WtpConfig } from './schema.js';
import { lineAt } from './yaml-lines.js';

type YamlModule = typeof Yaml;

/** A problem in the config: its dotted path, the line in the file (null when not from the file), what is wrong. */
export interface ConfigIssue extends Issue {
  line: number | null;
}

/** The settings an environment variable overrides: their problems are the variable's, not the file's. */
const FROM_ENV: Record<string, [keyof WtpEnv, string]> = {
  'api.port': ['apiPort', 'WTP_API_PORT'],
  'logs.level': ['logLevel', 'WTP_LOG_LEVEL'],
  backend: ['backend', 'WTP_BACKEND'],
  'store.fleet': ['fleetUrl', 'WTP_FLEET_URL'],
  'fleet.machine': ['machine', 'WTP_MACHINE'],
};

/** Reads, validates and freezes the config; a missing file means all defaults (and no YAML parser loaded). */
export async function loadConfig(file: string, env: WtpEnv): Promise<Readonly<WtpConfig>> {
  let raw: unknown = {};
  let text: string | null = null;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw appError('CONFIG_INVALID', { file }, { cause: err });
    }
  }
  let where: (path: (string | number)[]) => number | null = () => null;
  if (text !== null) {
    // yaml is CommonJS: bundled, its exports sit on `default`; under Node's ESM loader they are named too.
    const mod = (await import('yaml')) as YamlModule & { default?: YamlModule };
    const { parseDocument, LineCounter } = mod.default ?? mod;
    const lines = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
    if (doc.errors.length > 0) {
      const issues: ConfigIssue[] = doc.errors.map((e) => ({
        path: '',
        line: lines.linePos(e.pos[0]).line,
        message: e.message.split('\n')[0] ?? e.message,
      }));
      throw invalid(file, issues, 'is not valid YAML');
    }
    try {
      raw = doc.toJS() ?? {}; // throws on an alias to no anchor, and on too many aliases (a YAML bomb)
    } catch (err) {
      throw invalid(file, [{ path: '', line: null, message: (err as Error).message }], 'is not valid YAML');
    }
    where = (path) => lineAt(doc, lines, path);
  }
  const parsed = configSchema.safeParse(applyEnv(raw, env));
  if (!parsed.success) throw invalid(file, explain(parsed.error, env, where), 'is invalid');
  return deepFreeze(parsed.data);
}

/** One issue per problem: an unknown key under its own path with the key meant, env values named. */
function explain(
  error: z.ZodError,
  env: WtpEnv,
  where: (path: (string | number)[]) => number | null,
): ConfigIssue[] {
  return error.issues.flatMap((i) => {
    const path = i.path.map((k) => (typeof k === 'number' ? k : String(k)));
    if (i.code === 'unrecognized_keys') {
      const known = keysAt(path);
      return i.keys.map((key) => ({
        path: formatPath([...path, key]),
        line: where([...path, key]),
        message: `unknown key "${key}".${didYouMeanText(key, known) || ` Keys here: ${known.join(', ')}.`}`,
      }));
    }
    const dotted = formatPath(path);
    const fromEnv = FROM_ENV[dotted];
    if (fromEnv && env[fromEnv[0]] !== undefined)
      return [{ path: dotted, line: null, message: `${i.message} (from ${fromEnv[1]})` }];
    return [{ path: dotted, line: where(path), message: i.message }];
  });
}

const unwrap = (s: z.ZodType): z.ZodType =>
  s instanceof z.ZodDefault || s instanceof z.ZodPrefault || s instanceof z.ZodOptional
    ? unwrap(s.unwrap() as z.ZodType)
    : s;

/** The keys the config schema allows at a path (an object's), for did-you-mean. */
function keysAt(path: readonly (string | number)[]): string[] {
  let s: z.ZodType | undefined = configSchema;
  for (const k of path) {
    const o: z.ZodType | undefined = s && unwrap(s);
    s = o instanceof z.ZodObject ? (o.shape as Record<string, z.ZodType>)[String(k)] : undefined;
  }
  const o = s && unwrap(s);
  return o instanceof z.ZodObject ? Object.keys(o.shape) : [];
}

function invalid(file: string, issues: ConfigIssue[], what: 'is invalid' | 'is not valid YAML'): AppError {
  const at = (i: ConfigIssue): string => {
    const place = [i.path, i.line === null ? '' : `(line ${i.line})`].filter((x) => x !== '').join(' ');
    return place === '' ? i.message : `${place}: ${i.message}`;
  };
  // The first problem in the message; all of them in `details.issues` (the CLI lists them one per line).
  const head = issues[0] ? at(issues[0]) : 'no details';
  if (what === 'is not valid YAML') {
    const first = issues[0];
    const syntaxError = first && first.line !== null ? `line ${first.line}: ${first.message}` : head;
    return appError('CONFIG_INVALID', { file, issues, syntaxError });
  }
  const count = issues.length > 1 ? { count: issues.length } : {};
  return appError('CONFIG_INVALID', { file, issues, ...count, problem: head });
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
  if (env.fleetUrl !== undefined) out.store = { ...(out.store as object | undefined), fleet: env.fleetUrl };
  if (env.machine !== undefined) out.fleet = { ...(out.fleet as object | undefined), machine: env.machine };
  return out;
}

function deepFreeze<T>(value: T): Readonly<T> {
  if (typeof value === 'object' && value !== null) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
