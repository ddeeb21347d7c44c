#!/bin/sh
# Benchmark: HTTP throughput and latency of GET /_emulator/health (the cheapest route:
# measures the HTTP layer, routing and response rendering, not the store).
#
#   wrk -t2 -c32 -d10s --latency http://127.0.0.1:PORT/_emulator/health
#
# run ROUNDS times (default 3) against one server started with
# `--db :memory: --quiet 1` (access log off, so the figure is not the cost of writing
# log lines) and the default --threads 4; loopback only. Reports the median (and
# min/max) over the rounds of requests/s and of the p50/p90/p99 latencies.
# wrk runs on the same 2-core machine as the server, so the two compete for the CPUs:
# read the numbers as "this machine, client included", not as the server's ceiling.
#
#   bench/http_health.sh
#   ROUNDS=5 DURATION=30s VISIONSTACK_BIN=... bench/http_health.sh
set -eu
ROOT=$(CDPATH='' cd -- "$(dirname -- "$0")/.." && pwd)
cd "$ROOT"
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10s}
THREADS=${THREADS:-2}
CONNS=${CONNS:-32}
PY=/usr/bin/python3
if ! command -v wrk >/dev/null 2>&1; then
  echo "http_health.sh: wrk is missing; run scripts/setup.sh bench" >&2
  exit 1
fi
if [ -z "${VISIONSTACK_BIN:-}" ]; then
  ninja -C build visionstack >/dev/null
  VISIONSTACK_BIN="$ROOT/build/visionstack"
fi

TMP=$(mktemp -d)
PID=""
cleanup() {
  if [ -n "$PID" ]; then kill -TERM "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; fi
  rm -rf "$TMP"
}
trap cleanup EXIT INT TERM

PORT=$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
(cd "$TMP" && exec env VISIONSTACK_THREADS="${VISIONSTACK_THREADS:-4}" \
  "$VISIONSTACK_BIN" --port "$PORT" --db :memory: --quiet 1 --bind 127.0.0.1) >"$TMP/server.log" 2>&1 &
PID=$!
i=0
until curl -sf "http://127.0.0.1:$PORT/_emulator/health" >/dev/null; do
  i=$((i + 1))
  if [ "$i" -gt 500 ]; then echo "server not healthy" >&2; cat "$TMP/server.log" >&2; exit 1; fi
  sleep 0.01
done

URL="http://127.0.0.1:$PORT/_emulator/health"
echo "## http_health: wrk -t$THREADS -c$CONNS -d$DURATION --latency $URL, $ROUNDS rounds"
r=1
while [ "$r" -le "$ROUNDS" ]; do
  wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --latency "$URL" >"$TMP/wrk.$r.txt"
  echo "--- round $r"
  cat "$TMP/wrk.$r.txt"
  r=$((r + 1))
done

kill -TERM "$PID"
rc=0
wait "$PID" || rc=$?
PID=""
if [ "$rc" -ne 0 ]; then echo "server exited with status $rc after SIGTERM" >&2; exit 1; fi

"$PY" - "wrk -t$THREADS -c$CONNS -d$DURATION" "$TMP"/wrk.*.txt <<'EOF'
import re, statistics, sys

UNIT = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}
def ms(text):
    v, u = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(v) * UNIT[u]

rows = {"requests/s": [], "latency p50": [], "latency p90": [], "latency p99": [], "errors": []}
label = sys.argv[1]
for path in sys.argv[2:]:
    out = open(path).read()
    rows["requests/s"].append(float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)))
    for p in ("50", "90", "99"):
        rows[f"latency p{p}"].append(ms(re.search(rf"^\s+{p}%\s+(\S+)", out, re.M).group(1)))
    errs = 0
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    if m:
        errs += sum(int(x) for x in m.groups())
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if m:
        errs += int(m.group(1))
    rows["errors"].append(errs)
print()
for name, vals in rows.items():
    unit = "req/s" if name == "requests/s" else ("count" if name == "errors" else "ms")
    fmt = "{:.0f}" if unit != "ms" else "{:.3f}"
    med = statistics.median(vals)
    print(f"{name}: median {fmt.format(med)} {unit} over {len(vals)} rounds: " + ", ".join(fmt.format(v) for v in vals))
    print(f"RESULT\tGET /_emulator/health {name} ({label})\t{fmt.format(med)}\t"
          f"{fmt.format(min(vals))}\t{fmt.format(max(vals))}\t{unit}")
EOF
