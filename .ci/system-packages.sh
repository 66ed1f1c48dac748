#!/usr/bin/env bash
# The system packages the tests need, in one list (.ci/run and `npm test` both run this):
#   bash .ci/system-packages.sh          installs what is missing (as root, or with sudo that asks no
#                                       password), else stops with the exact command to run
# Debian and Ubuntu (apt-get). Elsewhere it names what is missing and stops.
set -euo pipefail

# node-pty and better-sqlite3 compile from source on Linux: python3, make and g++ are needed.
# tmux: the tmux backend is tested against the real thing (test/e2e/tmux-*.test.ts, the pane conformance suite).
# zsh, fish: `wtp completion zsh|fish` scripts run in the real shells (test/e2e/completion-shells.test.ts).
# openssl: the fleet-over-TLS test makes its CA and server certificate (test/integration/pg-fleet-tls.test.ts).
# ip, nsenter: the fleet's machines in network namespaces of their own (test/e2e/fleet-netns.test.ts).
# ccache: better-sqlite3's SQLite (most of a native build) compiles the same for every Node, and a CI
# run builds the addons up to eight times (npm ci, the package installed, each Node of the matrix).
# bwrap, socat: sandboxed agents (`wtp new --sandbox`, docs/sandbox.md; test/e2e/sandbox-*.test.ts).
# curl: `wtp approve|deny` answer through it without starting Node (bin/wtp; test/e2e/cli-fast-path.test.ts).
missing=()
for tool in python3 make g++ git tmux zsh fish openssl ip nsenter ccache bwrap socat curl; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
# chromium: the dashboard is tested in Debian's Chromium through playwright-core (test/e2e/dashboard.test.ts).
[ -x /usr/bin/chromium ] || missing+=(chromium)
# Symbola: Claude Code's ⎿ in the dashboard's terminal screenshots (the state icons are SVG).
[ -f /usr/share/fonts/truetype/ancient-scripts/Symbola_hint.ttf ] || missing+=(fonts-symbola)
# PostgreSQL's server programs: the fleet tests (test/e2e/fleet*.test.ts, test/integration/pg-fleet.test.ts)
# start a private server of their own in a temporary folder (test/support/postgres.ts); none is left running.
compgen -G '/usr/lib/postgresql/*/bin/postgres' >/dev/null || missing+=(postgresql)
((${#missing[@]} == 0)) && exit 0

pkgs=()
for tool in "${missing[@]}"; do
  case "$tool" in
    chromium) pkgs+=(chromium fonts-liberation) ;;
    ip) pkgs+=(iproute2) ;;
    nsenter) pkgs+=(util-linux) ;;
    bwrap) pkgs+=(bubblewrap) ;;
    *) pkgs+=("$tool") ;;
  esac
done
command_line="sudo apt-get update && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${pkgs[*]}"
if ! command -v apt-get >/dev/null 2>&1; then
  echo "the tests need: ${missing[*]} (Debian's packages: ${pkgs[*]}); install them with your system's package manager, then run the tests again" >&2
  exit 1
fi
as_root=()
if [ "$(id -u)" != 0 ]; then
  if ! sudo -n true 2>/dev/null; then
    echo "the tests need system packages that are missing: ${missing[*]}. Install them, then run the tests again:" >&2
    echo "  $command_line" >&2
    exit 1
  fi
  as_root=(sudo -n)
fi
echo "installing the system packages the tests need: ${pkgs[*]}"
"${as_root[@]}" apt-get update
DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y --no-install-recommends "${pkgs[@]}"
