#!/bin/sh
# Runs every benchmark and prints one markdown table of the results.
#
#   sh bench/run_all.sh                  # full output in $LOG (default: a temp file)
#   LOG=/tmp/bench.log sh bench/run_all.sh
#   VISIONSTACK_BIN=/tmp/visionstack sh bench/run_all.sh   # a fixed binary, not rebuilt
#   QUICK=1 sh bench/run_all.sh          # smaller sizes and fewer rounds (a smoke run)
#   APPEND=0 sh bench/run_all.sh         # print the summary, do not append it to RESULTS.md
#
# Without VISIONSTACK_BIN it builds a release binary in build-bench/ (meson
# -Dbuildtype=release): the figures in bench/RESULTS.md are from such a build.
# Before starting it waits (up to MAX_WAIT seconds, default 600) for the 1-minute
# load average to fall below MAX_LOAD (default 1.5), and records the load before and
# after: on a shared machine the figures are only as quiet as the machine was.
#
# Benchmarks are never tests: nothing here fails on a slow number, only on a broken run.
# Each script documents its own method; bench/README.md lists them.
set -eu
ROOT=$(CDPATH='' cd -- "$(dirname -- "$0")/.." && pwd)
cd "$ROOT"
PY=/usr/bin/python3
LOG=${LOG:-$(mktemp /tmp/visionstack-bench.XXXXXX)}
MAX_LOAD=${MAX_LOAD:-1.5}
MAX_WAIT=${MAX_WAIT:-600}

./scripts/setup.sh bench >/dev/null
# The peer server for bench/crud.py (json-server 0.17, pinned by package-lock.json).
if [ ! -x bench/peers/node_modules/.bin/json-server ]; then
  (cd bench/peers && npm ci --no-audit --no-fund >/dev/null)
fi
# VISIONSTACK_BIN=/path/to/visionstack benchmarks that binary as is; otherwise a release build.
if [ -z "${VISIONSTACK_BIN:-}" ]; then
  if [ ! -f build-bench/build.ninja ]; then meson setup build-bench -Dbuildtype=release >/dev/null; fi
  ninja -C build-bench visionstack >/dev/null
  VISIONSTACK_BIN="$ROOT/build-bench/visionstack"
fi
export VISIONSTACK_BIN

if [ "${QUICK:-0}" = 1 ]; then
  CRUD="--rounds 1 --duration 3s"; BULK="--annotations 100000 --images 1000 --files 4 --exports 1 --restores 2"
  VI="--lines 100000 --files 2"; LB="--lines 20000"; PROMPTS="--prompts 5"; PRED="--runs 10"; RUNS=3
else
  CRUD=""; BULK=""; VI=""; LB=""; PROMPTS=""; PRED=""; RUNS=10
fi

waited=0
while [ "$(awk -v m="$MAX_LOAD" '{print ($1 < m) ? 1 : 0}' /proc/loadavg)" != 1 ] && [ "$waited" -lt "$MAX_WAIT" ]; do
  sleep 10
  waited=$((waited + 10))
done

: >"$LOG"
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
for b in "env RUNS=$RUNS sh bench/startup.sh" \
         "$PY bench/crud.py $CRUD" \
         "$PY bench/bulk_1m.py $BULK" \
         "$PY bench/vi_import.py $VI" \
         "$PY bench/labelbox_import.py $LB" \
         "$PY bench/prompts.py $PROMPTS" \
         "$PY bench/predict_latency.py $PRED" \
         "$PY bench/pictograph_point.py" \
         "$PY bench/snapshot_restore.py" \
         "sh bench/http_health.sh" \
         "$PY bench/ximilar_samples.py"; do
  echo "== $b (load $(cut -d' ' -f1 /proc/loadavg))" | tee -a "$LOG"
  # No pipefail in POSIX sh: keep the status in a file.
  # shellcheck disable=SC2086  # $b is a command line on purpose
  { if $b 2>&1; then echo "exit=0" >"$LOG.rc"; else echo "exit=$?" >"$LOG.rc"; fi; } | tee -a "$LOG" |
    grep -E '^(RESULT|round |ratio )' | sed 's/^/   /' || true
  if [ "$(cat "$LOG.rc")" != "exit=0" ]; then
    echo "!! $b failed; full output in $LOG" >&2
    rm -f "$LOG.rc"
    exit 1
  fi
done
rm -f "$LOG.rc"

# The summary: printed, and appended to bench/RESULTS.md's run log (APPEND=0: print only).
SUMMARY=$(mktemp)
{
  echo
  echo "### $(date -u '+%Y-%m-%d %H:%M UTC') — $("$VISIONSTACK_BIN" --version), binary sha256" \
    "$(sha256sum "$VISIONSTACK_BIN" | cut -c1-12)"
  echo
  echo "    QUICK=${QUICK:-0} VISIONSTACK_BIN=$VISIONSTACK_BIN sh bench/run_all.sh"
  echo
  # shellcheck source=/dev/null
  echo "Machine: $(nproc) cores, $(. /etc/os-release && echo "$PRETTY_NAME"), kernel $(uname -r)," \
    "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1). Load average (1/5/15 min):" \
    "$LOAD_START at start (after waiting ${waited} s for < $MAX_LOAD), $(cut -d' ' -f1-3 /proc/loadavg) at end."
  echo
  echo "| command | benchmark | median | min | max | unit |"
  echo "|---|---|---:|---:|---:|---|"
  # "== CMD (load L)" heads each script's output in $LOG; its RESULT lines follow.
  awk -F '\t' '/^== / { cmd = $0; sub(/^== /, "", cmd); sub(/ \(load [^)]*\)$/, "", cmd); next }
       /^RESULT\t/ { printf "| `%s` | %s | %s | %s | %s | %s |\n", cmd, $2, $3, $4, $5, $6 }' "$LOG"
} >"$SUMMARY"
cat "$SUMMARY"
if [ "${APPEND:-1}" = 1 ]; then
  if ! grep -q '^## Run log' bench/RESULTS.md; then
    printf '\n## Run log\n\nAppended by `sh bench/run_all.sh` after every full or quick run (newest last).\n' \
      >>bench/RESULTS.md
  fi
  cat "$SUMMARY" >>bench/RESULTS.md
  echo
  echo "appended to bench/RESULTS.md"
fi
rm -f "$SUMMARY"
echo
echo "full output: $LOG"
