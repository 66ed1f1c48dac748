#!/usr/bin/env bash
# The e2e tests that cover processes — agents and their CPU and memory, tmux panes, headless hosts found
# again, a daemon crash and restarts survived, `wtp down` — run a second time as on a machine without
# /proc (macOS): the portable process inspector (`ps`) forced, and /proc refused to wezterm-parallel's
# own processes (test/support/deny-proc.cjs logs every attempt; any from our code fails the run).
set -euo pipefail
cd "$(dirname "$0")/.."
log=$(mktemp "${TMPDIR:-/tmp}/wtp-deny-proc-XXXXXX")
trap 'rm -f "$log"' EXIT
files=(
  test/e2e/cli-agents.test.ts
  test/e2e/daemon-crash.test.ts
  test/e2e/daemon-lifecycle.test.ts
  test/e2e/lost-database.test.ts
  test/e2e/pane-cleanup.test.ts
  test/e2e/restart-policy.test.ts
  test/e2e/tmux-workspace.test.ts
  test/integration/process-inspector.test.ts
)
WTP_PROCESS_INSPECTOR=portable WTP_DENY_PROC_LOG="$log" \
  NODE_OPTIONS="--require $PWD/test/support/deny-proc.cjs ${NODE_OPTIONS:-}" \
  npx vitest run "${files[@]}"
# Our code is bundled into dist/ (dependencies stay in node_modules): a /proc access from there is ours.
if grep -q '/dist/' "$log"; then
  echo "portable-e2e: wezterm-parallel still read /proc with WTP_PROCESS_INSPECTOR=portable:" >&2
  grep '/dist/' "$log" | sort | uniq -c | sort -rn | head -20 >&2
  exit 1
fi
echo "portable-e2e: passed without /proc ($(wc -l <"$log") attempts by dependencies, none by wezterm-parallel)"
[ -s "$log" ] && sort -k2 "$log" | awk '{ $1 = ""; print }' | sort | uniq -c | sort -rn | head -10
exit 0
