import { TreeSitterShell, shellWasmFiles } from '../../src/adapters/shell-syntax/tree-sitter-shell.js';
import { fsRealPaths } from '../../src/adapters/system/real-paths.js';
import type { RealPaths } from '../../src/core/ports/shell-syntax.js';
import { decide, type DecideContext, type PolicyDecision } from '../../src/core/policies/decide.js';
import type { RuleSet, ToolClasses } from '../../src/core/policies/matcher.js';
import { PATHS_AS_WRITTEN } from '../../src/core/policies/without-parser.js';
import { parseApprovalRule, type ApprovalRule } from '../../src/protocol/approval-rule.js';
import { vendor as qwen } from '../../src/vendors/qwen/vendor.js';

/** The real shell parser (tree-sitter's WebAssembly from node_modules), shared by a test file. */
export const realShell = new TreeSitterShell(shellWasmFiles([]));

/** One parsed rule; a rule that does not parse fails the test. */
export function rule(text: string): ApprovalRule {
  const r = parseApprovalRule(text);
  if (typeof r === 'string') throw new Error(r);
  return r;
}

/** A rule set from texts. */
export const ruleSet = (allow: readonly string[], deny: readonly string[] = []): RuleSet => ({
  allow: allow.map(rule),
  deny: deny.map(rule),
});

/** Qwen Code's tool names (a vendor the policy answerer answers for). */
export const QWEN_TOOLS: ToolClasses = qwen.profile.toolClasses ?? {};

/** A decide context for an agent in `cwd`: the real parser, paths as written unless `paths` is given. */
export function policyContext(cwd: string, paths: RealPaths = PATHS_AS_WRITTEN): DecideContext {
  return { profile: 'qwen', tools: QWEN_TOOLS, cwd, shell: realShell, paths };
}

/** The same with the real file system (links followed). */
export const fsPolicyContext = (cwd: string): DecideContext => policyContext(cwd, fsRealPaths);

/** What the rules say of a shell command asked whole (a hook's request). */
export const decideCommand = (
  rules: RuleSet,
  command: string,
  ctx: DecideContext,
  complete = true,
): Promise<PolicyDecision> => decide(rules, { tool: 'run_shell_command', about: command, complete }, ctx);
