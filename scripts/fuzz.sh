#!/bin/sh
# Build the libFuzzer targets in tests/fuzz and run each one for a while.
#
#   ./scripts/fuzz.sh                     every target, FUZZ_SECONDS (default 15) each
#   FUZZ_SECONDS=600 ./scripts/fuzz.sh fuzz_router fuzz_vi_lines
#   FUZZ_SECONDS=600 FUZZ_JOBS=2 nice ./scripts/fuzz.sh     the long form: 10 min per target,
#                                                           two at a time
#
# build-fuzz/ holds clang's libvs.a (fuzzer-instrumented, ASan+UBSan), one binary per
# target, a writable corpus per target (build-fuzz/corpus/NAME; the checked-in seeds in
# tests/fuzz/corpus/NAME are read, never written) and crash artifacts in
# build-fuzz/artifacts/. FUZZ_SEED (default 1) fixes libFuzzer's random seed so a
# failure reproduces with the same command. Exit status 1 when a target fails to build
# or finds a crash, leak, timeout or out-of-memory; the tail of its log is printed.
# scripts/test.sh calls this; it is also the command for long fuzzing runs.
set -eu

ROOT=$(CDPATH='' cd -- "$(dirname -- "$0")/.." && pwd)
cd "$ROOT"

PY=/usr/bin/python3
FUZZ_SECONDS=${FUZZ_SECONDS:-15}
FUZZ_SEED=${FUZZ_SEED:-1}
FUZZ_JOBS=${FUZZ_JOBS:-1}
dir=build-fuzz

if [ "$#" -eq 0 ]; then
  set -- $(for src in tests/fuzz/fuzz_*.c; do basename "$src" .c; done)
fi
targets="$*"

# libvs.a built by clang with fuzzer instrumentation; each target links against it plus
# the dependencies meson resolved (so this never duplicates meson.build).
setup_log=$(mktemp)
if [ -f "$dir/build.ninja" ]; then
  reconf=--reconfigure
else
  rm -rf "$dir"
  reconf=
fi
# shellcheck disable=SC2086  # $reconf is empty or one word
CC=clang meson setup $reconf "$dir" -Db_sanitize=address,undefined -Db_lundef=false \
  -Dc_args=-fsanitize=fuzzer-no-link >"$setup_log" 2>&1 || {
  cat "$setup_log"; rm -f "$setup_log"; exit 1; }
rm -f "$setup_log"
ninja -C "$dir" libvs.a
flags=$(meson introspect "$dir" --dependencies | "$PY" -c '
import json, sys
deps = json.load(sys.stdin)
print(" ".join(a for d in deps for a in d["compile_args"] + d["link_args"]))')

mkdir -p "$dir/fuzz" "$dir/artifacts"
rc=0
built=""
for name in $targets; do
  src="tests/fuzz/$name.c"
  [ -f "$src" ] || { echo "!! no such target: $src"; rc=1; continue; }
  echo "-- $name: build"
  # shellcheck disable=SC2086  # $flags is a word list
  if clang -std=c17 -g -O1 -D_GNU_SOURCE=1 -fsanitize=fuzzer,address,undefined \
      -Iserver -I"$dir" "$src" "$dir/libvs.a" $flags -lm -lpthread -o "$dir/fuzz/$name"; then
    built="$built $name"
  else
    rc=1
  fi
done

# run_one NAME: one target for FUZZ_SECONDS; its summary (or the failure's log tail)
# goes to $dir/fuzz/NAME.summary, and $dir/fuzz/NAME.rc holds 0 or 1.
run_one() {
  corpus="$dir/corpus/$1"
  mkdir -p "$corpus"
  seeds=""
  if [ -d "tests/fuzz/corpus/$1" ]; then seeds="tests/fuzz/corpus/$1"; fi
  # The writable corpus comes first: libFuzzer adds new inputs only there.
  # shellcheck disable=SC2086
  if "$dir/fuzz/$1" -max_total_time="$FUZZ_SECONDS" -seed="$FUZZ_SEED" -rss_limit_mb=2048 \
      -timeout=10 -artifact_prefix="$dir/artifacts/$1-" -print_final_stats=1 \
      "$corpus" $seeds >"$dir/fuzz/$1.log" 2>&1; then
    grep -E '^(Done|stat::number_of_executed_units|stat::peak_rss)' "$dir/fuzz/$1.log" >"$dir/fuzz/$1.summary" || true
    echo 0 >"$dir/fuzz/$1.rc"
  else
    { echo "!! $1 found a failure; artifacts in $dir/artifacts/:"; tail -n 60 "$dir/fuzz/$1.log"; } \
      >"$dir/fuzz/$1.summary"
    echo 1 >"$dir/fuzz/$1.rc"
  fi
}

# FUZZ_JOBS lanes run the targets side by side (lane k takes every FUZZ_JOBS-th one).
lane=0
while [ "$lane" -lt "$FUZZ_JOBS" ]; do
  (
    i=0
    for name in $built; do
      if [ $((i % FUZZ_JOBS)) = "$lane" ]; then
        echo "-- $name: run ${FUZZ_SECONDS}s, seed $FUZZ_SEED (log: $dir/fuzz/$name.log)"
        run_one "$name"
      fi
      i=$((i + 1))
    done
  ) &
  lane=$((lane + 1))
done
wait
for name in $built; do
  echo "== $name"
  cat "$dir/fuzz/$name.summary"
  if [ "$(cat "$dir/fuzz/$name.rc")" != 0 ]; then rc=1; fi
done
exit "$rc"
