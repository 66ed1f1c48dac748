import { LineCounter, parseDocument } from 'yaml';
import { AppError } from '../core/errors.js';
import { planSchema, type Plan } from '../protocol/tasks.js';
import { explainIssues, formatPath } from '../protocol/zod-issues.js';
import { validatePlan } from '../core/tasks/task-graph.js';

/**
 * Parses a task plan (`wtp task import plan.yaml`): YAML, then the plan schema. Every problem
 * comes back with its YAML path and line (INVALID_INPUT, `details.issues`); nothing is imported.
 */
export function parsePlan(text: string, file: string): Plan {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const fail = (issues: { path: string; line: number | null; message: string }[]): AppError => {
    const [first] = issues;
    const where = first
      ? `${first.path || '(top)'}${first.line === null ? '' : ` (line ${first.line})`}`
      : '';
    return new AppError(
      'INVALID_INPUT',
      `Plan ${file}: ${where}: ${first?.message ?? 'invalid'}${issues.length > 1 ? ` (and ${issues.length - 1} more)` : ''}`,
      { file, issues },
    );
  };
  if (doc.errors.length > 0) {
    throw fail(
      doc.errors.map((e) => ({
        path: '',
        line: lines.linePos(e.pos[0]).line,
        message: e.message.split('\n')[0] ?? e.message,
      })),
    );
  }
  const lineOf = (path: (string | number)[]): number | null => {
    for (let n = path.length; n >= 0; n--) {
      const node = doc.getIn(path.slice(0, n), true) as { range?: [number, number, number] } | undefined;
      if (node?.range) return lines.linePos(node.range[0]).line;
    }
    return null;
  };
  let value: unknown;
  try {
    value = doc.toJS(); // throws on an alias to no anchor, and on too many aliases (a YAML bomb)
  } catch (err) {
    throw fail([{ path: '', line: null, message: (err as Error).message }]);
  }
  const parsed = planSchema.safeParse(value ?? {});
  if (!parsed.success) {
    throw fail(
      explainIssues(parsed.error, value).map(({ path, message }) => ({
        path: formatPath(path),
        line: lineOf(path),
        message,
      })),
    );
  }
  // The graph: unknown names, duplicates, cycles — with the line of the entry that is wrong.
  const graph = validatePlan(parsed.data.tasks);
  if (!graph.ok) {
    throw fail(
      graph.problems.map((p) => {
        const path = p.path.split('.').map((k) => (/^\d+$/.test(k) ? Number(k) : k));
        return { path: formatPath(path), line: lineOf(path), message: p.message };
      }),
    );
  }
  return parsed.data;
}
