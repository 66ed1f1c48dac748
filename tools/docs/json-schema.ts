import { z } from 'zod';
import { code, text } from './markdown.js';

/** A JSON Schema node, as `z.toJSONSchema` writes it. */
export interface Node {
  type?: string | string[];
  description?: string;
  default?: unknown;
  enum?: unknown[];
  const?: unknown;
  anyOf?: Node[];
  oneOf?: Node[];
  items?: Node;
  properties?: Record<string, Node>;
  additionalProperties?: Node | boolean;
  required?: string[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  format?: string;
  pattern?: string;
}

export function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output'): Node {
  return z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Node;
}

const SAFE = Number.MAX_SAFE_INTEGER;

/** A short type for a table: `integer 0–65535`, `` `auto` \| `tmux` ``, `string \| null`, `object`. */
export function typeText(n: Node): string {
  const union = n.anyOf ?? n.oneOf;
  if (union) return union.map(typeText).join(' \\| ');
  if (n.const !== undefined) return code(JSON.stringify(n.const));
  if (n.enum) return n.enum.map((v) => code(String(v))).join(' \\| ');
  if (Array.isArray(n.type)) return n.type.join(' \\| ');
  if (n.type === 'array') return `array of ${n.items ? typeText(n.items) : 'any'}`;
  if (n.type === 'object' && !n.properties && typeof n.additionalProperties === 'object') {
    return `map of ${typeText(n.additionalProperties)}`;
  }
  const range =
    (n.minimum !== undefined && n.minimum > -SAFE) || (n.maximum !== undefined && n.maximum < SAFE)
      ? ` ${n.minimum !== undefined && n.minimum > -SAFE ? n.minimum : '…'}–${n.maximum !== undefined && n.maximum < SAFE ? n.maximum : '…'}`
      : '';
  const format = n.format ? ` (${n.format})` : '';
  return `${n.type ?? 'any'}${range}${format}`;
}

/** The description of a node, or of the non-null member of a nullable union. */
export function describe(n: Node): string {
  return text(n.description ?? (n.anyOf ?? n.oneOf)?.find((m) => m.description)?.description ?? '');
}

/** The object schema of a node: itself, or the object member of a nullable union. */
export function objectOf(n: Node): Node | null {
  if (n.properties) return n;
  return (n.anyOf ?? n.oneOf)?.find((m) => m.properties) ?? null;
}
