#!/usr/bin/env bash
# Browser tests of the web console. Builds nothing: takes the binary from
# $VISIONSTACK_BIN (default build/visionstack), starts it on a free port with a
# temporary store and the demo fixtures, runs the tests (node's test runner,
# playwright-core driving Debian's /usr/bin/chromium), then stops the server
# with SIGTERM and requires exit status 0 and no sanitizer report.
# Screenshots land in tests/ui/artifacts/.
#
# Needs: node >= 20, `apt-get install -y chromium`, `npm ci` in tests/ui.
# VS_UI_JUNIT=FILE also writes JUnit XML there.
set -u -o pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
BIN="${VISIONSTACK_BIN:-$REPO/build/visionstack}"
case "$BIN" in /*) ;; *) BIN="$REPO/$BIN" ;; esac

if [ ! -x "$BIN" ]; then
  echo "run.sh: no server binary at $BIN (build it, or set VISIONSTACK_BIN)" >&2
  exit 2
fi
if ! node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)' 2>/dev/null; then
  echo "run.sh: node >= 20 is needed (node:test with --test-concurrency)" >&2
  exit 2
fi
if [ ! -x /usr/bin/chromium ]; then
  echo "run.sh: /usr/bin/chromium is missing (apt-get install -y chromium)" >&2
  exit 2
fi
if [ ! -d "$HERE/node_modules/playwright-core" ]; then
  echo "run.sh: playwright-core is missing (cd tests/ui && npm ci)" >&2
  exit 2
fi

WORK="$(mktemp -d -t vs-ui.XXXXXX)"
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -KILL "$SERVER_PID" 2>/dev/null
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

mkdir -p "$HERE/artifacts"
PORT="$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close();});')"
export ASAN_OPTIONS="${ASAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}"

"$BIN" --port "$PORT" --bind 127.0.0.1 --db "$WORK/vs.db" --seed "$REPO/fixtures" --quiet 1 \
  >"$WORK/stdout.log" 2>"$WORK/stderr.log" </dev/null &
SERVER_PID=$!

# Wait for health (10 s).
BASE="http://127.0.0.1:$PORT"
if ! node -e '
  const url = process.argv[1] + "/_emulator/health";
  const deadline = Date.now() + 10000;
  (async () => {
    while (Date.now() < deadline) {
      try { if ((await fetch(url)).ok) process.exit(0); } catch {}
      await new Promise((r) => setTimeout(r, 50));
    }
    process.exit(1);
  })();' "$BASE"; then
  echo "run.sh: server did not become healthy" >&2
  cat "$WORK/stderr.log" >&2
  exit 1
fi

# Spec output on stdout; also JUnit XML when VS_UI_JUNIT names a file (for CI summaries).
REPORTERS=(--test-reporter=spec --test-reporter-destination=stdout)
if [ -n "${VS_UI_JUNIT:-}" ]; then
  REPORTERS+=(--test-reporter=junit "--test-reporter-destination=$VS_UI_JUNIT")
fi
cd "$HERE"
VS_BASE="$BASE" VS_DB="$WORK/vs.db" VS_BIN="$BIN" VS_FIXTURES="$REPO/fixtures" VS_ARTIFACTS="$HERE/artifacts" \
  node --test --test-concurrency=1 "${REPORTERS[@]}" "$HERE"/*.test.mjs
TESTS_RC=$?

kill -TERM "$SERVER_PID"
for _ in $(seq 100); do
  kill -0 "$SERVER_PID" 2>/dev/null || break
  sleep 0.1
done
SERVER_RC=0
if kill -0 "$SERVER_PID" 2>/dev/null; then
  echo "run.sh: server still running 10 s after SIGTERM" >&2
  kill -KILL "$SERVER_PID"
  SERVER_RC=1
fi
wait "$SERVER_PID" || SERVER_RC=$?
SERVER_PID=""
if [ "$SERVER_RC" -ne 0 ]; then
  echo "run.sh: server exited with status $SERVER_RC after SIGTERM" >&2
  cat "$WORK/stderr.log" >&2
fi
if grep -qE 'ERROR: AddressSanitizer|runtime error:|ERROR: LeakSanitizer' "$WORK/stderr.log"; then
  echo "run.sh: sanitizer report in the server's stderr" >&2
  cat "$WORK/stderr.log" >&2
  SERVER_RC=1
fi
if [ "$TESTS_RC" -ne 0 ]; then exit "$TESTS_RC"; fi
exit "$SERVER_RC"
