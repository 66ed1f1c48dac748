import { applyEdits, modify, parse, stripComments, type ParseError } from 'jsonc-parser';
import type { TrustEntry, VendorSetupContext } from '../core/ports/vendor-setup.js';

/**
 * What a setup's edit of an agent CLI's trust file came to: an entry added (the new
 * text, and what the entry held before), the folder already trusted by the user's own entry, or
 * refused (an explicit choice of the user's, a file that is not what it should be) with the reason.
 */
export type TrustEdit =
  | { kind: 'added'; text: string; prior: string | boolean | null }
  | { kind: 'already'; why: string }
  | { kind: 'refused'; why: string };

const FORMAT = { formattingOptions: { insertSpaces: true, tabSize: 2, eol: '\n' } } as const;

/** A plain object (a JSON object, a TOML table): not an array, a date or an error. */
export function isObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/**
 * The value of a JSON text, comments and trailing commas allowed (as the CLIs that write these
 * files allow them); `undefined` for a text of only whitespace and comments; an Error when it
 * does not parse.
 */
export function parseJsonc(text: string): unknown {
  // Empty, or comment rows only: no value (a file Copilot has not written yet), not an error.
  if (stripComments(text).trim() === '') return undefined;
  const errors: ParseError[] = [];
  const value: unknown = parse(text, errors, { allowTrailingComma: true, disallowComments: false });
  if (errors.length > 0) return new Error(`not valid JSON (at offset ${errors[0]?.offset ?? 0})`);
  return value;
}

/**
 * `text` with the value at `path` set (or removed, for `undefined`), everything else — comments,
 * order, spacing — as it was (jsonc-parser's modify).
 */
export function setJson(text: string, path: (string | number)[], value: unknown, insert = false): string {
  return applyEdits(text, modify(text, path, value, { ...FORMAT, isArrayInsertion: insert }));
}

/** Keys sorted at every level: equal documents give equal strings whatever their order. */
export function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v instanceof Date) return JSON.stringify(v.toISOString());
  if (isObject(v)) {
    const keys = Object.keys(v).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'undefined';
}

/**
 * Edits the CLI's trust file through the setup's files (through links, atomically, with a
 * backup) and records the outcome on the context's TrustLog: `granted` with the entry to take
 * back later, or `withheld` with the reason. Returns whether the folder is trusted now.
 */
export function applyTrustEdit(
  ctx: Pick<VendorSetupContext, 'files' | 'trust' | 'agent'>,
  file: string,
  edit: (text: string | null) => TrustEdit,
  how: string,
): boolean {
  const outcome = runTrustEdit(ctx.files, file, edit);
  return recordTrustEdit(ctx, file, outcome, how);
}

/** Runs `edit` on the file's text and writes what it added; its outcome. */
export function runTrustEdit(
  files: VendorSetupContext['files'],
  file: string,
  edit: (text: string | null) => TrustEdit,
): TrustEdit {
  let outcome: TrustEdit = { kind: 'refused', why: `${file} was not read` };
  files.editFile(file, (text) => {
    outcome = edit(text);
    return outcome.kind === 'added' ? outcome.text : null;
  });
  return outcome;
}

/** Records an edit's outcome on the TrustLog (see applyTrustEdit). */
export function recordTrustEdit(
  ctx: Pick<VendorSetupContext, 'trust' | 'agent'>,
  file: string,
  outcome: TrustEdit,
  how: string,
): boolean {
  if (outcome.kind === 'added') {
    const entry: TrustEntry = {
      vendor: ctx.agent.profile,
      file,
      folder: ctx.agent.cwd,
      prior: outcome.prior,
    };
    ctx.trust.granted(`folder trusted for it: ${how} (taken back when the agent is removed)`, entry);
    return true;
  }
  if (outcome.kind === 'already') {
    ctx.trust.granted(outcome.why);
    return true;
  }
  ctx.trust.withheld(`folder not trusted for it: ${outcome.why}; its own trust dialog is left to you`);
  return false;
}
