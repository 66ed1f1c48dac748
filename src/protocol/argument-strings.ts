import { z } from 'zod';

/**
 * Strings that end up as process arguments. A NUL cannot be passed to a process at all (Node
 * throws), so every string of every request is refused with one in it, at the schema; and a
 * ref that starts with `-` would be read by git as an option.
 */
export const NUL_MESSAGE = 'must not contain a NUL character';
export const LEADING_DASH_MESSAGE = 'must not start with "-" (it would be read as an option)';

const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * The path of every string, and every object key, that holds a NUL character. Iterative, so a
 * deeply nested JSON body cannot overflow the stack.
 */
export function nulPaths(value: unknown): (string | number)[][] {
  const found: (string | number)[][] = [];
  const stack: { v: unknown; path: (string | number)[] }[] = [{ v: value, path: [] }];
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    const { v, path } = next;
    if (typeof v === 'string') {
      if (v.includes('\u0000')) found.push(path);
    } else if (Array.isArray(v)) {
      v.forEach((item: unknown, i) => stack.push({ v: item, path: [...path, i] }));
    } else if (typeof v === 'object' && v !== null) {
      for (const [k, item] of Object.entries(v)) {
        if (k.includes('\u0000')) found.push([...path, k]);
        stack.push({ v: item, path: [...path, k] });
      }
    }
  }
  return found.reverse();
}

/** The shared refinement of request schemas: no NUL in any string anywhere in the value. */
export function refuseNul<T extends z.ZodType>(schema: T): T {
  return schema.superRefine((value, ctx) => {
    for (const path of nulPaths(value)) ctx.addIssue({ code: 'custom', path, message: NUL_MESSAGE });
  });
}

/** A string without NUL characters (for schemas used outside a request, e.g. by the CLI). */
export const noNulString = () => z.string().refine((s) => !s.includes('\u0000'), NUL_MESSAGE);

/**
 * A branch, tag or commit given to git as an argument: no leading `-` (an option), no control
 * characters (NUL, newline, escape). Anything else is git's to accept or refuse.
 */
export const gitRefSchema = z
  .string()
  .min(1)
  .max(250)
  .refine((s) => !s.startsWith('-'), LEADING_DASH_MESSAGE)
  .refine((s) => !CONTROL.test(s), 'must not contain control characters');

/**
 * A value given to a program right after its option (`--model <value>`): some CLIs read a
 * value that starts with `-` as the next option.
 */
export const optionValueSchema = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .refine((s) => !s.startsWith('-'), LEADING_DASH_MESSAGE)
    .refine((s) => !CONTROL.test(s), 'must not contain control characters');

/** A command line run with `/bin/sh -c` (a test command): any text but NUL. */
export const commandLineSchema = noNulString().min(1).max(10_000);
