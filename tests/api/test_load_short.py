"""The load evidence of issue 8 in its short form: bench/load_mixed.sh for 10 s
(mixed reads and writes over every dialect, 64 connections, loopback only)
against the binary under test. Zero unexpected statuses (non-2xx, or GraphQL
errors), zero socket errors, a clean exit on SIGTERM with no sanitizer report,
and an RSS that stays flat after warm-up within a generous bound.

Needs wrk (`scripts/setup.sh bench` installs it); skipped otherwise. The long
form (60 s) is `bench/load_mixed.sh` with no arguments (bench/README.md)."""
import json
import os
import shutil
import subprocess

import pytest

from conftest import BIN, REPO, sanitizer_env

MiB = 1024


@pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is not installed (scripts/setup.sh bench installs it); "
                                                        "the load test needs it")
def test_mixed_load_10s_has_no_unexpected_status_and_flat_rss():
    env = sanitizer_env({**os.environ, "VISIONSTACK_BIN": str(BIN),
                         "VS_LOAD_SECONDS": os.environ.get("VS_LOAD_SECONDS", "10")})
    # Under ASan the allocator's quarantine (256 MiB by default) fills up during the
    # run and would read as growth: keep it small (no effect on other builds).
    env["ASAN_OPTIONS"] = env["ASAN_OPTIONS"] + ":quarantine_size_mb=16:thread_local_quarantine_size_kb=256"
    p = subprocess.run(["sh", str(REPO / "bench" / "load_mixed.sh")], cwd=REPO, env=env, capture_output=True,
                       text=True, timeout=120)
    print(p.stdout[-3000:])
    lines = [line for line in p.stdout.splitlines() if line.startswith("RESULT ")]
    assert lines, f"no RESULT line (exit {p.returncode}):\n{p.stdout[-2000:]}\n{p.stderr[-2000:]}"
    res = json.loads(lines[-1][len("RESULT "):])
    assert res["requests"] > 1000, res
    assert res["unexpected"] == 0, f"unexpected answers: {res['statuses']} {res['examples']}"
    assert not any(res["socket_errors"].values()), res["socket_errors"]
    assert res["server_exit"] == 0, f"server exit {res['server_exit']}:\n{p.stderr[-3000:]}"
    rss = res["rss_kib"]
    assert rss["samples"] >= 5, rss
    growth = rss["last"] - rss["after_warmup"]
    bound = max(64 * MiB, rss["after_warmup"] // 2)
    assert growth < bound, f"RSS grew {growth / MiB:.1f} MiB after warm-up (bound {bound / MiB:.0f} MiB): {rss}"
    assert p.returncode == 0, p.stdout[-2000:]
