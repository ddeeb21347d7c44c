#!/usr/bin/python3
"""crud.py — read-by-id and create throughput of visionstack against json-server 0.17.

The resource: a Ximilar VLM prompt (`GET /vlm/v2/prompt/{id}`, `POST /vlm/v2/prompt`
with `Authorization: Token …`), a small flat JSON object (~290 bytes: id, name, type,
content, description, format, workspace, created, updated) — the closest thing
visionstack serves to json-server's generic "resource by id", and a real vendor route
with the whole request path behind it (auth lookup, validation, one SQLite row read or
one INSERT + read back, JSON rendering, journal, metrics). json-server gets the very
same records as a `prompts` collection (`GET /prompts/{id}`, `POST /prompts`), read
from and written to its usual `db.json` file.

For each round, each server and each operation, a FRESH server is started and seeded
with the same --records prompts (visionstack: through its own POST; json-server: the
same records written into db.json before it starts), then:

  warm-up   wrk -t2 -c64 -d2s  (same operation; lets node's JIT and both servers' caches
                               settle; not reported)
  measured  wrk -t2 -c64 -d10s --latency -s bench/wrk/get_by_id.lua | bench/wrk/post.lua

Reads pick ids from the seeded set (each wrk thread walks them in its own shuffled
order); creates POST one fixed body. The order inside a round alternates the servers
(visionstack GET, json-server GET, visionstack POST, json-server POST), and the report
is the median over --rounds rounds of requests/s, p50 and p99 latency; the ratios are
computed per round (same round, back to back) and their median reported. After every
measured POST run the number of stored records is checked against wrk's count, and
after every run any non-2xx answer or socket error fails the script.

Loopback only (127.0.0.1); wrk runs on the same cores as the server (2 on the reference
machine), so read the figures as "this machine, client included". visionstack runs with
`--quiet 1` (no access log) and json-server with `--quiet` (no request log), both with
their default thread/process model (visionstack: its HTTP thread pool; node: one event
loop).

    /usr/bin/python3 bench/crud.py [--rounds 3] [--duration 10s] [--connections 64]
                                   [--records 1000] [--bin build/visionstack]

json-server comes from bench/peers (run `npm ci` there once; bench/run_all.sh does).
Prints a table and RESULT<TAB>name<TAB>median<TAB>min<TAB>max<TAB>unit lines.
"""
import argparse
import http.client
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PEERS = os.path.join(ROOT, "bench", "peers")
JSON_SERVER = os.path.join(PEERS, "node_modules", "json-server", "lib", "cli", "bin.js")
GET_LUA = os.path.join(ROOT, "bench", "wrk", "get_by_id.lua")
POST_LUA = os.path.join(ROOT, "bench", "wrk", "post.lua")
OPS = {"read": "GET by id", "create": "POST create"}
BODY = {"name": "caption", "type": "user", "content": "Describe the image in one sentence."}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Client:
    """One keep-alive loopback connection (seeding and checks only, never timed)."""

    def __init__(self, port):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def call(self, method, path, body=None, headers=None):
        h = dict(headers or {})
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            h["Content-Type"] = "application/json"
        self.conn.request(method, path, body=data, headers=h)
        r = self.conn.getresponse()
        raw = r.read()
        return r.status, r.getheaders(), (json.loads(raw) if raw else None)

    def close(self):
        self.conn.close()


def wait_healthy(port, path, proc, log):
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}; see {log}")
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            c.request("GET", path)
            if c.getresponse().status == 200:
                c.close()
                return
            c.close()
        except OSError:
            pass
        time.sleep(0.01)
    raise RuntimeError(f"server not healthy after 30 s; see {log}")


def stop(proc):
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
    try:
        return proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        return proc.wait()


class Visionstack:
    name = "visionstack"

    def __init__(self, binary, tmp, records, threads=None):
        self.binary, self.tmp, self.records, self.threads = binary, tmp, records, threads
        self.proc = None

    def start(self, rows):
        """rows: ignored; visionstack seeds its own prompts through its API."""
        d = tempfile.mkdtemp(dir=self.tmp)
        self.port = free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith("VISIONSTACK_")}
        self.log = os.path.join(d, "server.log")
        self.proc = subprocess.Popen([self.binary, "--port", str(self.port), "--db", os.path.join(d, "vs.db"),
                                      "--quiet", "1", "--bind", "127.0.0.1"]
                                     + (["--threads", str(self.threads)] if self.threads else []), cwd=d, env=env,
                                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=open(self.log, "wb"))
        wait_healthy(self.port, "/_emulator/health", self.proc, self.log)
        c = Client(self.port)
        st, _, ws = c.call("POST", "/_emulator/workspaces", {"name": "crud"})
        assert st == 201, (st, ws)
        self.auth = "Token " + ws["keys"]["ximilar"]
        ids = []
        for i in range(self.records):
            st, _, p = c.call("POST", "/vlm/v2/prompt", dict(BODY, name=f"prompt {i}"),
                              {"Authorization": self.auth})
            assert st == 201, (st, p)
            ids.append(p["id"])
        c.close()
        return ids

    def read_args(self):
        return "/vlm/v2/prompt/", [f"Authorization: {self.auth}"]

    def create_args(self):
        return "/vlm/v2/prompt", [f"Authorization: {self.auth}"]

    def count(self):
        c = Client(self.port)
        st, _, body = c.call("GET", "/vlm/v2/prompt?page_size=1", headers={"Authorization": self.auth})
        c.close()
        assert st == 200, (st, body)
        return body["count"]

    def stop(self):
        rc = stop(self.proc)
        if rc != 0:
            raise RuntimeError(f"visionstack exited with {rc} after SIGTERM; see {self.log}")


class JsonServer:
    name = "json-server"

    def __init__(self, tmp, records):
        self.tmp, self.records = tmp, records
        self.proc = None

    def start(self, rows):
        d = tempfile.mkdtemp(dir=self.tmp)
        with open(os.path.join(d, "db.json"), "w") as f:
            json.dump({"prompts": rows}, f, indent=2)
        self.port = free_port()
        self.log = os.path.join(d, "server.log")
        self.proc = subprocess.Popen(["node", JSON_SERVER, "db.json", "--port", str(self.port), "--host", "127.0.0.1",
                                      "--quiet"], cwd=d, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=open(self.log, "wb"))
        wait_healthy(self.port, "/prompts/" + rows[0]["id"], self.proc, self.log)
        return [r["id"] for r in rows]

    def read_args(self):
        return "/prompts/", []

    def create_args(self):
        return "/prompts", []

    def count(self):
        c = Client(self.port)
        st, headers, _ = c.call("GET", "/prompts?_limit=1")
        c.close()
        assert st == 200, st
        return int(dict((k.lower(), v) for k, v in headers)["x-total-count"])

    def stop(self):
        stop(self.proc)  # node exits on SIGTERM with a signal status; nothing to check


def cpu_seconds(pid):
    """User + system CPU of a process so far: per request, a figure the machine's other load
    does not inflate the way it inflates wall-clock throughput."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def ms(text):
    v, u = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(v) * UNIT_MS[u]


def wrk(port, script, script_args, duration, connections, threads, latency=True):
    cmd = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}", "--timeout", "10s"] + (["--latency"] if latency else []) + \
          ["-s", script, f"http://127.0.0.1:{port}", "--"] + script_args
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    r = {"raw": out, "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
         "requests": int(re.search(r"(\d+) requests in", out).group(1)), "errors": 0, "non2xx": 0}
    if latency:
        for p in ("50", "90", "99"):
            r[f"p{p}"] = ms(re.search(rf"^\s+{p}%\s+(\S+)", out, re.M).group(1))
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    if m:
        r["errors"] += sum(int(x) for x in m.groups())
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if m:
        r["non2xx"] = int(m.group(1))
    return r


def run_one(server, op, rows, a, tmp):
    ids = server.start(rows)
    try:
        if op == "read":
            prefix, headers = server.read_args()
            ids_file = os.path.join(tmp, f"ids-{server.name}.txt")
            with open(ids_file, "w") as f:
                f.write("\n".join(ids) + "\n")
            script, args = GET_LUA, [ids_file, prefix] + headers
        else:
            path, headers = server.create_args()
            body_file = os.path.join(tmp, "body.json")
            with open(body_file, "w") as f:
                json.dump(BODY, f, separators=(",", ":"))
            script, args = POST_LUA, [path, body_file] + headers
        warm = wrk(server.port, script, args, a.warmup, a.connections, a.threads, latency=False)
        before = server.count()
        cpu0 = cpu_seconds(server.proc.pid)
        r = wrk(server.port, script, args, a.duration, a.connections, a.threads)
        r["cpu_us"] = (cpu_seconds(server.proc.pid) - cpu0) * 1e6 / max(r["requests"], 1)
        after = server.count()
        # A non-2xx answer means a broken setup, not a slow server: stop. Socket errors
        # (timeouts past wrk's 10 s, resets) are the server's behaviour under load: report.
        if warm["non2xx"] or r["non2xx"]:
            raise RuntimeError(f"{server.name} {op}: non-2xx answers\n{r['raw']}")
        if op == "create" and after - before != r["requests"]:
            # wrk counts completed responses; a request cut at the end of the warm-up or of
            # the measured run (at most one per connection each) may still land.
            if not 0 <= after - before - r["requests"] <= 2 * a.connections:
                raise RuntimeError(f"{server.name} create: {after - before} records for {r['requests']} requests")
        r["stored"] = after
        return r
    finally:
        server.stop()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bin", default=os.environ.get("VISIONSTACK_BIN", os.path.join(ROOT, "build", "visionstack")))
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--duration", default="10s")
    ap.add_argument("--warmup", default="2s")
    ap.add_argument("--connections", type=int, default=64)
    ap.add_argument("--threads", type=int, default=2, help="wrk threads")
    ap.add_argument("--records", type=int, default=1000)
    ap.add_argument("--only", choices=["visionstack", "json-server"], help="run one server only (no ratios)")
    ap.add_argument("--server-threads", type=int, help="visionstack --threads (default: the server's default)")
    a = ap.parse_args()
    if not shutil.which("wrk"):
        sys.exit("crud.py: wrk is missing; run scripts/setup.sh bench")
    if a.only != "visionstack" and not os.path.exists(JSON_SERVER):
        sys.exit(f"crud.py: json-server is missing; run `npm ci` in {PEERS}")
    tmp = tempfile.mkdtemp(prefix="vs-crud-")
    try:
        vs = Visionstack(os.path.abspath(a.bin), tmp, a.records, a.server_threads)
        js = JsonServer(tmp, a.records)
        # json-server's records are visionstack's own replies, so both serve identical bytes
        # of content (json-server adds nothing; visionstack renders the same fields).
        vs.start([])
        c = Client(vs.port)
        st, _, page = c.call("GET", f"/vlm/v2/prompt?page_size={min(a.records, 100)}",
                             headers={"Authorization": vs.auth})
        template = page["results"][0]
        c.close()
        vs.stop()
        rows = [dict(template, id=f"{i:08x}-0000-4000-8000-{i:012x}", name=f"prompt {i}") for i in range(a.records)]
        servers = [s for s in (vs, js) if not a.only or s.name == a.only]
        results = {(s.name, op): [] for s in servers for op in ("read", "create")}
        for rnd in range(1, a.rounds + 1):
            for op in ("read", "create"):
                for s in servers:
                    r = run_one(s, op, rows, a, tmp)
                    results[(s.name, op)].append(r)
                    print(f"round {rnd}: {s.name:11s} {op:6s} {r['rps']:9.0f} req/s  p50 {r['p50']:7.3f} ms  "
                          f"p99 {r['p99']:7.3f} ms  {r['cpu_us']:6.1f} us CPU/req  "
                          f"({r['requests']} requests, {r['errors']} socket errors, "
                          f"{r['stored']} records after)",
                          flush=True)
        print()
        print(f"| server | operation | req/s (median of {a.rounds}) | min – max | p50 ms | p99 ms | "
              f"server CPU µs/request |")
        print("|---|---|---:|---:|---:|---:|---:|")
        for (name, op), rs in results.items():
            rps = [r["rps"] for r in rs]
            print(f"| {name} | {OPS[op]} | {statistics.median(rps):,.0f} | {min(rps):,.0f} – {max(rps):,.0f} | "
                  f"{statistics.median(r['p50'] for r in rs):.3f} | {statistics.median(r['p99'] for r in rs):.3f} | "
                  f"{statistics.median(r['cpu_us'] for r in rs):.0f} |")
        label = f"wrk -t{a.threads} -c{a.connections} -d{a.duration}"
        for (name, op), rs in results.items():
            for key, unit in (("rps", "req/s"), ("p50", "ms"), ("p99", "ms"), ("cpu_us", "us CPU/request")):
                v = [r[key] for r in rs]
                fmt = "{:.3f}" if unit == "ms" else "{:.0f}"
                print(f"RESULT\t{name} {OPS[op]} {key} ({label})\t{fmt.format(statistics.median(v))}\t"
                      f"{fmt.format(min(v))}\t{fmt.format(max(v))}\t{unit}")
        if not a.only:
            print()
            for op in ("read", "create"):
                ratios = [v["rps"] / j["rps"] for v, j in zip(results[("visionstack", op)], results[("json-server", op)])]
                print(f"ratio visionstack / json-server, {op}: median {statistics.median(ratios):.1f}x "
                      f"(per round: {', '.join(f'{x:.1f}' for x in ratios)})")
                print(f"RESULT\tratio visionstack/json-server {op} req/s\t{statistics.median(ratios):.1f}\t"
                      f"{min(ratios):.1f}\t{max(ratios):.1f}\tx")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
