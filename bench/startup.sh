#!/bin/sh
# Benchmark: cold start to healthy on an empty store — spawn build/visionstack and
# time until GET /_emulator/health first answers 200 (bench/startup_probe.py polls a
# raw socket every 1 ms). Median / min / max of RUNS runs (default 10) per series:
#   1. --db :memory:
#   2. a fresh db file (new temp dir each run: create + migrate a real file, WAL)
#   3. for information: a fresh db file with --seed fixtures (demo workspace loaded)
# "Cold" = a new process and a new store; the OS page cache is warm (one untimed
# warm-up run per series), which is what a developer or CI sees on a second start.
#
#   bench/startup.sh            # uses build/visionstack (rebuilt with ninja first)
#   RUNS=20 VISIONSTACK_BIN=/path/to/visionstack bench/startup.sh
# Goal: under 50 ms (issue 10; was 100 ms in issue 1).
set -eu
ROOT=$(CDPATH='' cd -- "$(dirname -- "$0")/.." && pwd)
cd "$ROOT"
RUNS=${RUNS:-10}
PY=/usr/bin/python3
if [ -z "${VISIONSTACK_BIN:-}" ]; then
  ninja -C build visionstack >/dev/null
  VISIONSTACK_BIN="$ROOT/build/visionstack"
fi
export VISIONSTACK_BIN

echo "## startup: $("$VISIONSTACK_BIN" --version), $RUNS runs per series"
echo
echo "### --db :memory:"
"$PY" bench/startup_probe.py --store memory --runs "$RUNS"
echo
echo "### fresh db file"
"$PY" bench/startup_probe.py --store file --runs "$RUNS"
echo
echo "### fresh db file, --seed fixtures (information: not an empty store)"
"$PY" bench/startup_probe.py --store file --seed fixtures --runs "$RUNS"

# Baseline: the bare cost of exec'ing the binary (no store, no listener).
if command -v hyperfine >/dev/null 2>&1; then
  echo
  echo "### baseline: exec of 'visionstack --version' (hyperfine)"
  hyperfine -N --warmup 5 --runs 50 --export-json /tmp/vs-hyperfine.$$.json "$VISIONSTACK_BIN --version" || \
    hyperfine --warmup 5 --runs 50 --export-json /tmp/vs-hyperfine.$$.json "$VISIONSTACK_BIN --version"
  "$PY" - /tmp/vs-hyperfine.$$.json <<'EOF'
import json, statistics, sys
r = json.load(open(sys.argv[1]))["results"][0]
t = [x * 1000 for x in r["times"]]
print(f"RESULT\tbaseline: exec 'visionstack --version'\t{statistics.median(t):.2f}\t{min(t):.2f}\t{max(t):.2f}\tms")
EOF
  rm -f /tmp/vs-hyperfine.$$.json
fi
