#!/bin/sh
# shellcheck disable=SC2317  # functions are invoked indirectly through step()
# The one command to test visionstack (also what .ci/run executes):
#
#   ./scripts/test.sh
#
#   1. scripts/setup.sh                      install what is missing
#   2. build/       (gcc, debugoptimized)    C unit tests + pytest black-box API tests
#   3. build-asan/  (ASan + UBSan)           the same tests against the sanitized binary
#   4. build-fuzz/  (clang, libFuzzer)       each tests/fuzz target for FUZZ_SECONDS
#                                            (default 15) — only when clang can build a
#                                            fuzzer; otherwise reported as skipped
#
# A failing build stops at once. A failing test step is recorded and the remaining steps
# still run, so one run shows every failure; the exit status is 1 if anything failed.
# The last line is a plain "tests: N passed, N failed, N skipped" count over the unit and
# API tests of both builds.
#
# Knobs: FUZZ_SECONDS=0 skips the fuzzers. PYTEST_ARGS adds pytest arguments (e.g. -x,
# -k name). The tree stays clean: no .pytest_cache, no __pycache__, results go to build dirs.
set -eu

ROOT=$(CDPATH='' cd -- "$(dirname -- "$0")/.." && pwd)
cd "$ROOT"

PY=/usr/bin/python3          # Debian's python with python3-pytest, not a PATH shim
FUZZ_SECONDS=${FUZZ_SECONDS:-15}
PYTEST_ARGS=${PYTEST_ARGS:-}
export PYTHONDONTWRITEBYTECODE=1

START=$(date +%s)
RESULTS=""                   # one "status<TAB>seconds<TAB>step" line per step
FAILED=0
NL='
'

banner() {
  printf '\n========================================================================\n'
  printf '== %s\n' "$*"
  printf '========================================================================\n'
}

record() {  # record STATUS T0 NAME
  RESULTS="$RESULTS$1	$(( $(date +%s) - $2 ))s	$3$NL"
  if [ "$1" = FAIL ]; then FAILED=1; fi
}

# step NAME CMD...: runs CMD under a banner; a failure is recorded, not fatal.
# Variables use a step_ prefix: POSIX sh has no locals and the step's command may
# set name, dir, t0...
step() {
  step_name=$1; shift
  banner "$step_name"
  step_t0=$(date +%s)
  if "$@"; then
    record ok "$step_t0" "$step_name"
  else
    step_rc=$?
    echo "!! $step_name failed (exit $step_rc)"
    record FAIL "$step_t0" "$step_name"
  fi
}

# build_dir DIR [MESON SETUP OPTIONS...]: configure (or reconfigure) and build. A failed
# build is fatal: the tests after it would only test a stale binary, so the summary is
# printed and the script exits 1.
build_dir() {
  dir=$1; shift
  banner "build $dir $*"
  t0=$(date +%s)
  if [ -f "$dir/build.ninja" ]; then
    set -- --reconfigure "$@"
  elif [ -d "$dir/meson-private" ]; then
    set -- --wipe "$@"
  fi
  if meson setup "$@" "$dir" && ninja -C "$dir"; then
    record ok "$t0" "build $dir"
  else
    echo "!! build of $dir failed"
    record FAIL "$t0" "build $dir"
    finish
  fi
}

unit_tests() {  # unit_tests DIR
  rm -f "$1/meson-logs/testlog.json"
  meson test -C "$1" --suite unit --print-errorlogs
}

have_api_tests() {
  [ -d tests/api ] && [ -n "$(find tests/api -name 'test_*.py' -o -name '*_test.py' | head -n 1)" ]
}

api_tests() {  # api_tests DIR — runs tests/api against DIR/visionstack
  junit="$1/pytest-api.xml"
  rm -f "$junit"
  if ! have_api_tests; then
    echo "skipped: no test files under tests/api yet"
    return 0
  fi
  # shellcheck disable=SC2086  # PYTEST_ARGS is a word list on purpose
  VISIONSTACK_BIN="$ROOT/$1/visionstack" \
    "$PY" -m pytest -q -p no:cacheprovider --junitxml="$junit" $PYTEST_ARGS tests/api || {
    rc=$?
    # 5 = nothing collected (e.g. every file is still a stub): say so, do not fail.
    if [ "$rc" -eq 5 ]; then echo "pytest collected no tests"; return 0; fi
    return "$rc"
  }
}

# --- summary ---------------------------------------------------------------------
finish() {
  banner "summary"
  printf '%s' "$RESULTS" | while IFS='	' read -r st secs name; do
    [ -n "$name" ] && printf '  %-5s %6s  %s\n' "$st" "$secs" "$name"
  done
  echo "total runtime: $(( $(date +%s) - START ))s"
  # One plain count over every unit and API test that ran, in both builds.
  "$PY" - build build-asan <<'EOF'
import json, os, sys
import xml.etree.ElementTree as ET
p = f = s = 0
for d in sys.argv[1:]:
    log = os.path.join(d, "meson-logs", "testlog.json")
    if os.path.exists(log):
        for line in open(log):
            r = json.loads(line).get("result", "")
            if r in ("OK", "EXPECTEDFAIL"): p += 1
            elif r == "SKIP": s += 1
            else: f += 1
    for junit in (os.path.join(d, "pytest-api.xml"), os.path.join(d, "ui-junit.xml")):
        if not os.path.exists(junit):
            continue
        for tc in ET.parse(junit).getroot().iter("testcase"):
            kinds = {c.tag for c in tc}
            if kinds & {"failure", "error"}: f += 1
            elif "skipped" in kinds: s += 1
            else: p += 1
print(f"tests: {p} passed, {f} failed, {s} skipped")
EOF
  exit "$FAILED"
}

# ---------------------------------------------------------------------------
# Results of an earlier run must not be counted in this run's summary.
rm -f build/meson-logs/testlog.json build-asan/meson-logs/testlog.json \
  build/pytest-api.xml build-asan/pytest-api.xml build/ui-junit.xml build-asan/ui-junit.xml
banner "setup (scripts/setup.sh test)"
t0=$(date +%s)
./scripts/setup.sh test
record ok "$t0" "setup"

# --- normal build ------------------------------------------------------------
build_dir build
step "unit tests (build)" unit_tests build
step "API tests (build/visionstack)" api_tests build
ui_deps() { (cd tests/ui && npm ci --no-audit --no-fund --loglevel=error); }
step "UI test dependencies (npm ci in tests/ui)" ui_deps
step "UI tests (build/visionstack, chromium)" env VISIONSTACK_BIN="$ROOT/build/visionstack" \
  VS_UI_JUNIT="$ROOT/build/ui-junit.xml" tests/ui/run.sh

# --- sanitizer build -----------------------------------------------------------
# b_lundef=false: required by meson when linking with -fsanitize=address.
build_dir build-asan -Db_sanitize=address,undefined -Db_lundef=false
# Exported for these two steps only; inherited by the servers pytest spawns, so any
# leak, memory error or undefined behaviour aborts the server and fails its test.
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
step "unit tests (build-asan)" unit_tests build-asan
step "API tests (build-asan/visionstack, ASan+UBSan)" api_tests build-asan
step "UI tests (build-asan/visionstack, ASan+UBSan)" env VISIONSTACK_BIN="$ROOT/build-asan/visionstack" \
  VS_UI_JUNIT="$ROOT/build-asan/ui-junit.xml" tests/ui/run.sh
unset ASAN_OPTIONS UBSAN_OPTIONS

# --- fuzzers (optional) --------------------------------------------------------
fuzz_all() {
  FUZZ_SECONDS="$FUZZ_SECONDS" FUZZ_JOBS="${FUZZ_JOBS:-2}" ./scripts/fuzz.sh
}

if [ "$FUZZ_SECONDS" = 0 ]; then
  banner "fuzzers: skipped (FUZZ_SECONDS=0)"
  record skip "$(date +%s)" "fuzzers"
elif ! ls tests/fuzz/fuzz_*.c >/dev/null 2>&1; then
  banner "fuzzers: skipped (no tests/fuzz/fuzz_*.c)"
  record skip "$(date +%s)" "fuzzers"
elif ! command -v clang >/dev/null 2>&1; then
  banner "fuzzers: skipped (clang not installed; apt-get install clang to run them)"
  record skip "$(date +%s)" "fuzzers"
elif ! printf 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n) { (void)d; (void)n; return 0; }\n' |
    clang -x c -fsanitize=fuzzer,address,undefined - -o build/.fuzz-probe >/dev/null 2>&1; then
  banner "fuzzers: skipped (clang cannot link -fsanitize=fuzzer here)"
  record skip "$(date +%s)" "fuzzers"
else
  rm -f build/.fuzz-probe
  step "fuzzers (clang libFuzzer, ${FUZZ_SECONDS}s each)" fuzz_all
fi

finish
