#!/bin/sh
# Runs every benchmark and prints one markdown table of the results.
#
#   bench/run_all.sh                 # full output in $LOG (default: a temp file)
#   LOG=/tmp/bench.log bench/run_all.sh
#   VISIONSTACK_BIN=/tmp/visionstack bench/run_all.sh   # a fixed binary, not rebuilt
#
# Benchmarks are never tests: nothing here fails on a slow number, only on a broken run.
# Run on an otherwise idle machine; each script documents its own method.
set -eu
ROOT=$(CDPATH='' cd -- "$(dirname -- "$0")/.." && pwd)
cd "$ROOT"
PY=/usr/bin/python3
LOG=${LOG:-$(mktemp /tmp/visionstack-bench.XXXXXX)}

./scripts/setup.sh bench >/dev/null
# VISIONSTACK_BIN=/path/to/visionstack benchmarks that binary as is; otherwise build/.
if [ -z "${VISIONSTACK_BIN:-}" ]; then
  if [ ! -f build/build.ninja ]; then meson setup build >/dev/null; fi
  ninja -C build visionstack >/dev/null
  VISIONSTACK_BIN="$ROOT/build/visionstack"
fi
export VISIONSTACK_BIN

: >"$LOG"
# Load average before and after: the figures are only as quiet as the machine was.
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
for b in "sh bench/startup.sh" "$PY bench/snapshot_restore.py" "sh bench/http_health.sh"; do
  echo "== $b" | tee -a "$LOG"
  # No pipefail in POSIX sh: keep the status in a file.
  # shellcheck disable=SC2086  # $b is a command line on purpose
  { if $b 2>&1; then echo "exit=0" >"$LOG.rc"; else echo "exit=$?" >"$LOG.rc"; fi; } | tee -a "$LOG" | grep -E '^(RESULT|run |restore )' | sed 's/^/   /' || true
  if [ "$(cat "$LOG.rc")" != "exit=0" ]; then
    echo "!! $b failed; full output in $LOG" >&2
    rm -f "$LOG.rc"
    exit 1
  fi
done
rm -f "$LOG.rc"

echo
echo "visionstack benchmarks — $(date -u '+%Y-%m-%d %H:%M UTC'), $("$VISIONSTACK_BIN" --version)," \
  "binary sha256 $(sha256sum "$VISIONSTACK_BIN" | cut -c1-12)"
# shellcheck source=/dev/null
echo "machine: $(nproc) cores, $(. /etc/os-release && echo "$PRETTY_NAME"), kernel $(uname -r)," \
  "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
echo "load average (1/5/15 min): $LOAD_START at start, $(cut -d' ' -f1-3 /proc/loadavg) at end"
echo
echo "| benchmark | median | min | max | unit |"
echo "|---|---:|---:|---:|---|"
grep '^RESULT	' "$LOG" | while IFS='	' read -r _ name med min max unit; do
  echo "| $name | $med | $min | $max | $unit |"
done
echo
echo "full output: $LOG"
