#!/bin/sh
# Build the libFuzzer targets in tests/fuzz and run each one for a while.
#
#   ./scripts/fuzz.sh                     every target, FUZZ_SECONDS (default 15) each
#   FUZZ_SECONDS=600 ./scripts/fuzz.sh fuzz_router fuzz_vi_lines
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
for name in $targets; do
  src="tests/fuzz/$name.c"
  [ -f "$src" ] || { echo "!! no such target: $src"; rc=1; continue; }
  echo "-- $name: build"
  # shellcheck disable=SC2086  # $flags is a word list
  clang -std=c17 -g -O1 -D_GNU_SOURCE=1 -fsanitize=fuzzer,address,undefined \
    -Iserver -I"$dir" "$src" "$dir/libvs.a" $flags -lm -lpthread -o "$dir/fuzz/$name" || {
    rc=1; continue; }
  corpus="$dir/corpus/$name"
  mkdir -p "$corpus"
  seeds=""
  if [ -d "tests/fuzz/corpus/$name" ]; then seeds="tests/fuzz/corpus/$name"; fi
  echo "-- $name: run ${FUZZ_SECONDS}s, seed $FUZZ_SEED (log: $dir/fuzz/$name.log)"
  # The writable corpus comes first: libFuzzer adds new inputs only there.
  # shellcheck disable=SC2086
  if "$dir/fuzz/$name" -max_total_time="$FUZZ_SECONDS" -seed="$FUZZ_SEED" -rss_limit_mb=2048 \
      -timeout=10 -artifact_prefix="$dir/artifacts/$name-" -print_final_stats=1 \
      "$corpus" $seeds >"$dir/fuzz/$name.log" 2>&1; then
    grep -E '^(Done|stat::number_of_executed_units|stat::peak_rss)' "$dir/fuzz/$name.log" || true
  else
    echo "!! $name found a failure; artifacts in $dir/artifacts/:"
    tail -n 60 "$dir/fuzz/$name.log"
    rc=1
  fi
done
exit "$rc"
