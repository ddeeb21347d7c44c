#!/bin/sh
# Installs what a fresh Debian 12 machine needs to build, run and test visionstack.
# The Dockerfile, scripts/run.sh, scripts/test.sh and CI all call this one script,
# so the package list can never drift between them.
#
#   scripts/setup.sh           build + run + test (C toolchain, libraries, pytest deps)
#   scripts/setup.sh test      the above, plus clang (libFuzzer smoke runs) and chromium
#                              + node/npm (the web console's browser tests)
#   scripts/setup.sh bench     the above, plus the load tools bench/ uses (wrk, hyperfine)
#
# Idempotent and quick when nothing is missing: each package is checked with dpkg-query,
# and `apt-get update` + `apt-get install` run only for the missing ones. Uses sudo when
# not root. POSIX sh on purpose (Debian's /bin/sh is dash).
#
# The sanitizer build uses gcc's ASan/UBSan (part of build-essential); clang is only
# for the libFuzzer targets, so it is in the `test` group, not the default.
set -eu

# build: compiler, meson/ninja, the libraries meson.build asks pkg-config for, and
#        python3 (meson runs tools/embed.py to embed the SQL migrations).
# run:   nothing beyond the shared libraries pulled in by the -dev packages.
# test:  Debian's python3 with pytest and the libraries the black-box suite imports,
#        the sqlite3 CLI (inspecting stores, bench/), curl (health checks, docker).
PKGS="build-essential pkg-config meson ninja-build \
  libmicrohttpd-dev libsqlite3-dev uuid-dev libjansson-dev zlib1g-dev libpng-dev libjpeg62-turbo-dev \
  python3 python3-pytest python3-requests python3-pil python3-numpy \
  sqlite3 curl ca-certificates"

for group in "$@"; do
  case "$group" in
    test)
      PKGS="$PKGS clang chromium"
      # node may come from another packager (whose nodejs bundles npm): only add
      # Debian's packages when the commands are missing.
      command -v node >/dev/null 2>&1 || PKGS="$PKGS nodejs"
      command -v npm >/dev/null 2>&1 || PKGS="$PKGS npm"
      ;;
    bench) PKGS="$PKGS wrk hyperfine" ;;
    *) echo "setup.sh: unknown group '$group' (known: test, bench)" >&2; exit 2 ;;
  esac
done

SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi

missing=""
for p in $PKGS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done

if [ -n "$missing" ]; then
  echo "setup.sh: installing:$missing"
  # env(1) so that the variable survives sudo's environment reset.
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update
  # shellcheck disable=SC2086  # word splitting of the package list is intended
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $missing
else
  echo "setup.sh: all packages present"
fi
