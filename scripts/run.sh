#!/bin/sh
# The one command to run visionstack locally:
#
#   ./scripts/run.sh [extra visionstack flags...]
#
# Installs what is missing (scripts/setup.sh), builds build/ (configures it on first
# use; ninja re-runs meson by itself when meson.build changes), then replaces itself
# with the server: `build/visionstack --seed fixtures --db ./visionstack.db "$@"`,
# serving http://127.0.0.1:8786 until Ctrl-C / SIGTERM.
#
# VISIONSTACK_* environment variables are honoured. Because command-line flags win over
# the environment in the binary, the --seed/--db defaults above are only added when
# VISIONSTACK_SEED / VISIONSTACK_DB are unset; e.g.
#   VISIONSTACK_DB=:memory: VISIONSTACK_PORT=9000 ./scripts/run.sh --threads 8
# Relative paths (fixtures, ./visionstack.db) are relative to the repository root.
set -eu

ROOT=$(CDPATH='' cd -- "$(dirname -- "$0")/.." && pwd)
cd "$ROOT"

./scripts/setup.sh

if [ ! -f build/build.ninja ]; then
  if [ -d build/meson-private ]; then
    meson setup --wipe build
  else
    meson setup build
  fi
fi
ninja -C build visionstack

if [ -z "${VISIONSTACK_DB+set}" ]; then set -- --db ./visionstack.db "$@"; fi
if [ -z "${VISIONSTACK_SEED+set}" ]; then set -- --seed fixtures "$@"; fi
exec ./build/visionstack "$@"
