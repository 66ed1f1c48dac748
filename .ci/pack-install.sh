#!/usr/bin/env bash
# The package as users get it: `npm pack`, then `npm i -g` of the tarball into a clean prefix, then
# the installed `wtp` runs the daemon, an agent and the dashboard. Any failing step fails CI.
set -euo pipefail
given=${1:+$(realpath "$1")}
cd "$(dirname "$0")/.."
work=$(mktemp -d "${TMPDIR:-/tmp}/wtp-pack-XXXXXX")
export WTP_HOME="$work/home"
prefix="$work/prefix"
cleanup() {
  [ -x "$prefix/bin/wtp" ] && "$prefix/bin/wtp" down --stop-agents >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "pack-install: $*" >&2; exit 1; }

# bash .ci/pack-install.sh [TGZ]: install TGZ (packed by .ci/run from this run's build, with the
# `npm pack --json` output beside it as pack.json) instead of packing this checkout again.
if [ -n "$given" ]; then
  tgz=$given
  cp "$(dirname "$tgz")/pack.json" "$work/pack.json"
else
  npm pack --pack-destination "$work" --json >"$work/pack.json"
  tgz=$(ls "$work"/wezterm-parallel-*.tgz)
fi
node -e '
const [p] = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
const bad = p.files.map((f) => f.path).filter((f) => /^(test|bench|src|web|scripts)\/|\.map$|^docs\/(screenshots|images|bench-results)\//.test(f));
console.log(`packed ${p.filename}: ${p.entryCount} files, ${(p.size / 1e6).toFixed(2)} MB (${(p.unpackedSize / 1e6).toFixed(2)} MB unpacked)`);
if (bad.length) { console.error(`files that do not run: ${bad.join(", ")}`); process.exit(1); }' "$work/pack.json"

started=$(date +%s)
npm i -g --prefix "$prefix" --no-audit --no-fund --allow-scripts=better-sqlite3,node-pty "$tgz" 2>&1 | tee "$work/install.log"
# The package itself runs no install script: npm must not ask to allow one for it.
if grep -i 'allow-scripts' "$work/install.log" | grep -q 'wezterm-parallel'; then fail "npm asks to allow a script of wezterm-parallel"; fi
echo "installed in $(($(date +%s) - started)) s"
wtp="$prefix/bin/wtp"
[ -L "$wtp" ] || fail "npm did not link $wtp"

# The approval rules' shell parser: its two WebAssembly files ship beside the bundle (its JS is in it).
pkg="$prefix/lib/node_modules/wezterm-parallel"
for wasm in tree-sitter.wasm tree-sitter-bash.wasm; do
  [ -s "$pkg/dist/$wasm" ] || fail "the package has no dist/$wasm"
done

want=$(node -p 'require("./package.json").version')
got=$("$wtp" --version)
[ "$got" = "$want" ] || fail "wtp --version printed '$got', expected '$want'"

# Out of the checkout, so nothing can come from it.
cd "$work"
export WTP_BACKEND=headless WTP_API_PORT=0 # any free port: nothing else on the machine is disturbed
"$wtp" up --detach
"$wtp" new cmd --name smoke -- sh -c 'echo pack-smoke-$((20+22)); exec sleep 300'
for _ in $(seq 100); do
  "$wtp" logs smoke 2>/dev/null | grep -q 'pack-smoke-42' && break
  sleep 0.2
done
"$wtp" logs smoke | grep -q 'pack-smoke-42' || fail "the agent's output never showed in wtp logs"
"$wtp" ls --json | node -e '
const doc = JSON.parse(require("fs").readFileSync(0, "utf8"));
const a = (doc.agents ?? doc).find((x) => x.name === "smoke");
if (!a || a.state !== "running") { console.error(`smoke is ${a ? a.state : "missing"}`); process.exit(1); }'
url=$("$wtp" dashboard --print-url)
case $url in http://127.0.0.1:*) ;; *) fail "wtp dashboard --print-url printed '$url'" ;; esac
# The one-time link signs the browser in: the daemon answers it (a redirect to the dashboard).
node -e '
fetch(process.argv[1], { redirect: "manual" }).then(
  (r) => { if (r.status >= 400) { console.error(`HTTP ${r.status}`); process.exit(1); } },
  (e) => { console.error(e.message); process.exit(1); });' "$url" || fail "the dashboard did not answer $url"
"$wtp" down --stop-agents
echo "pack-install: wtp $got installed from the tarball runs the daemon, an agent and the dashboard"
