// Values for the API fuzz test (test/integration/api-fuzz.test.ts): a seeded PRNG, a pool of
// adversarial strings, and values generated from the JSON Schemas of the OpenAPI document.
import type { Rng } from './rng.js';
import { YAML_BOMB } from './yaml-bomb.js';

/**
 * Strings that have broken servers: NUL, option-like, shell syntax, path tricks, control and
 * odd unicode, git rev syntax, huge. All harmless if a shell ever ran them (they only echo).
 */
export const ADVERSARIAL_STRINGS: readonly string[] = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  'main\u0000',
  '-',
  '--',
  '-h',
  '--help',
  '--output=fz-out',
  '-rf',
  '--upload-pack=echo fz',
  '$(echo fz)',
  '`echo fz`',
  '; echo fz',
  '| cat',
  '&& echo fz',
  '#(echo fz)',
  '${IFS}echo${IFS}fz',
  '\n',
  'a\nb',
  'line\r\nX-Injected: 1',
  '"',
  "'",
  '\\',
  '%00',
  '%',
  '%E0%A4%A',
  '../..',
  '../../../../etc/passwd',
  '/',
  '//',
  '/nonexistent/fz',
  '~',
  '*',
  '?',
  '[',
  '{}',
  'null',
  'true',
  'false',
  '0',
  '-1',
  '1e309',
  'NaN',
  '<script>alert(1)</script>',
  '\u202e\u2066',
  '😀',
  'é',
  '\ud800',
  '\u0007\u0008',
  '\u001b[31m\u001b]0;t\u0007',
  'HEAD~1',
  'main',
  'HEAD',
  '@{-1}',
  ':/',
  'fz^{commit}',
  '..',
  'wtp/fz',
  'refs/heads/main',
  'a'.repeat(300),
  'x'.repeat(10_000),
  '*fz',
  '&a [*a]',
  '!!binary x',
  'a: [\n',
  YAML_BOMB,
];

const WORD_CHARS = 'abcdefghijklmnopqrstuvwxyz0123456789-_';

/** A word that names nothing on this machine (always starts `fz`, so it can never be a program). */
export function word(rng: Rng): string {
  let w = 'fz';
  for (let i = rng.int(8); i > 0; i--) w += WORD_CHARS[rng.int(WORD_CHARS.length)];
  return w;
}

/** Random text of printable ASCII, unicode and control characters. */
export function noise(rng: Rng, max = 40): string {
  let s = '';
  for (let i = rng.int(max); i > 0; i--) {
    s += String.fromCodePoint(
      rng.weighted([
        [6, 0x20 + rng.int(0x5f)],
        [1, rng.int(0x20)],
        [1, 0xa0 + rng.int(0x2000)],
        [1, 0x1f600 + rng.int(0x50)],
      ]),
    );
  }
  return s;
}

export type JsonSchema = {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  default?: unknown;
  propertyNames?: JsonSchema;
};

/**
 * Generates a value for a JSON Schema: mostly plausible, with `strings(key)` deciding the content
 * of a string (by the name of the field it is for, so refs get refs and paths get paths).
 */
export function generate(
  rng: Rng,
  schema: JsonSchema,
  strings: (key: string) => string,
  depth = 0,
  key = '',
): unknown {
  if (schema.const !== undefined) return schema.const;
  if (schema.enum) return rng.pick(schema.enum);
  const variants = schema.anyOf ?? schema.oneOf;
  if (variants && variants.length > 0) return generate(rng, rng.pick(variants), strings, depth + 1, key);
  if (schema.allOf?.[0]) return generate(rng, schema.allOf[0], strings, depth + 1, key);
  const type = Array.isArray(schema.type) ? rng.pick(schema.type) : schema.type;
  switch (type) {
    case 'string':
      return strings(key);
    case 'integer':
    case 'number': {
      const lo = schema.minimum ?? schema.exclusiveMinimum ?? -1000;
      const hi = schema.maximum ?? lo + 1000;
      return rng.weighted<number>([
        [4, lo + rng.int(Math.max(1, Math.min(hi - lo, 1e6)))],
        [1, lo],
        [1, hi],
        [1, lo - 1],
        [1, hi + 1],
        [1, type === 'integer' ? 1.5 : -0.5],
        [1, 1e308],
      ]);
    }
    case 'boolean':
      return rng.chance(0.5);
    case 'null':
      return null;
    case 'array': {
      if (depth > 6) return [];
      const n = rng.int(Math.min(schema.maxItems ?? 3, 3) + 1);
      const items = schema.items ?? {};
      return Array.from({ length: Math.max(n, schema.minItems ?? 0) }, () =>
        generate(rng, items, strings, depth + 1, key),
      );
    }
    case 'object': {
      if (depth > 6) return {};
      const out: Record<string, unknown> = {};
      const required = new Set(schema.required ?? []);
      for (const [k, s] of Object.entries(schema.properties ?? {})) {
        if (required.has(k) || rng.chance(0.5)) out[k] = generate(rng, s, strings, depth + 1, k);
      }
      if (!schema.properties && typeof schema.additionalProperties === 'object') {
        for (let i = rng.int(3); i > 0; i--) {
          out[rng.chance(0.7) ? word(rng).toUpperCase().replace(/-/g, '_') : strings('')] = generate(
            rng,
            schema.additionalProperties,
            strings,
            depth + 1,
          );
        }
      }
      return out;
    }
    default:
      return anyJson(rng, depth);
  }
}

/** Any JSON value, of any type. */
export function anyJson(rng: Rng, depth = 0): unknown {
  const kind = depth > 3 ? rng.int(5) : rng.int(7);
  switch (kind) {
    case 0:
      return null;
    case 1:
      return rng.chance(0.5);
    case 2:
      return rng.pick([0, -1, 1.5, 2 ** 53, -(2 ** 63), 1e308]);
    case 3:
      return rng.pick(ADVERSARIAL_STRINGS);
    case 4:
      return noise(rng);
    case 5:
      return Array.from({ length: rng.int(4) }, () => anyJson(rng, depth + 1));
    default:
      return Object.fromEntries(
        Array.from({ length: rng.int(4) }, () => [word(rng), anyJson(rng, depth + 1)]),
      );
  }
}

/** Every `[path, value]` of a JSON value where the value is a string (for one-field mutations). */
export function stringSlots(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (typeof value === 'string') return [path];
  if (Array.isArray(value)) return value.flatMap((v, i) => stringSlots(v, [...path, i]));
  if (typeof value === 'object' && value !== null)
    return Object.entries(value).flatMap(([k, v]) => stringSlots(v, [...path, k]));
  return [];
}

/** Every path of a JSON value's object fields and array items. */
export function slots(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(value)) return value.flatMap((v, i) => [[...path, i], ...slots(v, [...path, i])]);
  if (typeof value === 'object' && value !== null)
    return Object.entries(value).flatMap(([k, v]) => [[...path, k], ...slots(v, [...path, k])]);
  return [];
}

/** A copy of `value` with the slot at `path` replaced (or deleted with `undefined`). */
export function replaceAt(value: unknown, path: (string | number)[], next: unknown): unknown {
  if (path.length === 0) return next;
  const [head, ...rest] = path as [string | number, ...(string | number)[]];
  if (Array.isArray(value)) {
    const copy = [...value];
    copy[head as number] = replaceAt(copy[head as number], rest, next);
    return copy;
  }
  const copy = { ...(value as Record<string, unknown>) };
  const inner = replaceAt(copy[head], rest, next);
  if (inner === undefined) delete copy[head];
  else copy[head] = inner;
  return copy;
}

/** A JSON text nested `depth` levels deep (arrays or objects), valid JSON. */
export function deepJson(depth: number, kind: 'array' | 'object'): string {
  return kind === 'array'
    ? '['.repeat(depth) + ']'.repeat(depth)
    : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
}

/** The value at `path` (undefined when there is none). */
export function valueAt(value: unknown, path: (string | number)[]): unknown {
  let v = value;
  for (const k of path)
    v = typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[k] : undefined;
  return v;
}
