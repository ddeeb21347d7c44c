#!/bin/sh
# Load test (issue 8): a mixed read/write load across every dialect the server
# serves, from wrk at 64 connections, on loopback only, for a bounded time.
#
#   bench/load_mixed.sh                          # long form: 60 s
#   VS_LOAD_SECONDS=10 bench/load_mixed.sh       # short form (tests/api/test_load_short.py)
#
# Knobs: VS_LOAD_SECONDS (60), VS_LOAD_CONNECTIONS (64), VS_LOAD_THREADS (wrk threads, 2),
# VS_LOAD_WARMUP (seconds of RSS samples ignored for "flat", default a quarter of the run,
# at most 10), VISIONSTACK_BIN (default build/visionstack, built if missing),
# VISIONSTACK_THREADS (server HTTP threads, default 4).
#
# What it does: starts the server on a free port with a temporary store file and the
# access log off; creates a workspace and, through each dialect's own API, a dataset
# with an image and an annotation (Vi, Pictograph), a prompt and a label (Ximilar), a
# dataset, a project and its ontology (Labelbox); then runs wrk with
# bench/load_mixed.lua over a list of requests, about 70 % reads and 30 % writes:
#   Vi         GET datasets, a dataset, its assets, an asset's annotations; POST a bulk
#              asset deletion session (matching nothing)
#   Pictograph GET datasets, a dataset, images, an image's annotations, credits;
#              POST (replace) the image's annotations
#   Ximilar    GET a prompt, a label, the prompt list; PATCH the prompt; POST a label
#   Labelbox   POST /graphql: get dataset, get project (reads); update project,
#              create an ontology (writes)
# Every answer must be 2xx (and, for GraphQL, carry no "errors"): the script counts
# the others as unexpected. The server's RSS is sampled every second from /proc.
# Output: wrk's report, the RSS series, a summary, and a last line
#   RESULT {"requests", "rps", "unexpected", "statuses", "latency_us":{..."p99"...},
#           "rss_kib":{"first","after_warmup","last","max","samples"}, ...}
# Exit status 0 when there were zero unexpected answers and zero socket errors and the
# server exited 0 on SIGTERM; 1 otherwise.
set -eu
ROOT=$(CDPATH='' cd -- "$(dirname -- "$0")/.." && pwd)
cd "$ROOT"
SECONDS_=${VS_LOAD_SECONDS:-60}
CONNS=${VS_LOAD_CONNECTIONS:-64}
WRK_THREADS=${VS_LOAD_THREADS:-2}
PY=/usr/bin/python3
if ! command -v wrk >/dev/null 2>&1; then
  echo "load_mixed.sh: wrk is missing (scripts/setup.sh bench installs it)" >&2
  exit 2
fi
if [ -z "${VISIONSTACK_BIN:-}" ]; then
  ninja -C build visionstack >/dev/null
  VISIONSTACK_BIN="$ROOT/build/visionstack"
fi
WARMUP=${VS_LOAD_WARMUP:-$(( SECONDS_ / 4 > 10 ? 10 : SECONDS_ / 4 ))}

TMP=$(mktemp -d)
PID=""
SAMPLER=""
cleanup() {
  if [ -n "$SAMPLER" ]; then kill "$SAMPLER" 2>/dev/null || true; fi
  if [ -n "$PID" ]; then kill -TERM "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; fi
  rm -rf "$TMP"
}
trap cleanup EXIT INT TERM

PORT=$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
(cd "$TMP" && exec env VISIONSTACK_THREADS="${VISIONSTACK_THREADS:-4}" \
  "$VISIONSTACK_BIN" --port "$PORT" --db "$TMP/load.db" --quiet 1 --bind 127.0.0.1) >"$TMP/server.log" 2>&1 &
PID=$!
i=0
until curl -sf "http://127.0.0.1:$PORT/_emulator/health" >/dev/null 2>&1; do
  i=$((i + 1))
  if [ "$i" -gt 1000 ]; then echo "server not healthy" >&2; cat "$TMP/server.log" >&2; exit 1; fi
  sleep 0.01
done

# Populate one workspace through each dialect and write the request list for wrk.
"$PY" - "$PORT" "$TMP/config.lua" <<'EOF'
import json
import sys
import time

import requests

sys.path.insert(0, "tests/api")
from labelbox.lb_client import LB, QUERIES, png_bytes as lb_png  # noqa: E402
from pictograph.pg_client import PG  # noqa: E402
from vi.vi_client import ViClient, jpeg_bytes, jsonl  # noqa: E402
from ximilar.xim_client import XimClient, textured_image  # noqa: E402

port, out = int(sys.argv[1]), sys.argv[2]


class Srv:
    """The little of the test harness's Server that the clients use."""
    def __init__(self, port):
        self.port = port
        self.http = requests.Session()

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def request(self, method, path, **kw):
        kw.setdefault("timeout", 60)
        return self.http.request(method, self.url(path), **kw)

    def put(self, path, **kw):
        return self.request("PUT", path, **kw)


srv = Srv(port)
cov = srv.request("GET", "/_emulator/coverage").json()["dialects"]
ws = srv.request("POST", "/_emulator/workspaces", json={"name": "load"}).json()
reqs = []


def add(dialect, method, path, headers, body=None, write=False):
    h = dict(headers)
    if body is not None:
        h["Content-Type"] = "application/json"
        body = body if isinstance(body, str) else json.dumps(body)
    reqs.append({"dialect": dialect, "method": method, "path": path, "headers": h, "body": body, "write": write})


if "vi" in cov:
    vi = ViClient.for_workspace(srv, ws)
    dsid = vi.dataset_id(vi.create_dataset("load-vi"))
    vi.upload_assets(dsid, {"a.jpg": jpeg_bytes(64, 48)})
    asset = vi.assets(dsid)[0]["assetId"]
    vi.upload_annotations(dsid, {"a.jsonl": jsonl({"asset_id": asset, "caption": "a box", "grounded_phrases": [
        {"phrase": "box", "bbox": [0.1, 0.1, 0.5, 0.5]}]})})
    h = {k: v for k, v in vi.headers().items() if k != "Content-Type"}
    d = vi.d(dsid)
    add("vi", "GET", f"{vi.base}/datasets", h)
    add("vi", "GET", d, h)
    add("vi", "GET", f"{d}/assets?s=50", h)
    add("vi", "GET", f"{d}/assets/{asset}/annotations?pageSize=50", h)
    add("vi", "POST", f"{d}/deleteManyAssetsSessions", h, {"spec": {"filter": "matches-nothing", "metadataQuery": None,
                                                                   "ruleQuery": None, "strictQuery": None}}, True)

if "pictograph" in cov:
    pg = PG.for_workspace(srv, ws)
    pg.create_dataset("load-pg", classes=[{"name": "thing", "type": "bbox"}])
    pg.upload("load-pg", "a.png", lb_png(64, 48))
    h = {"X-API-Key": ws["keys"]["pictograph"], "Accept": "application/json"}
    a = "/api/v1/developer"
    add("pictograph", "GET", f"{a}/datasets/?limit=20", h)
    add("pictograph", "GET", f"{a}/datasets/load-pg", h)
    add("pictograph", "GET", f"{a}/images/?dataset=load-pg&limit=20", h)
    add("pictograph", "GET", f"{a}/annotations/load-pg/a.png", h)
    add("pictograph", "GET", f"{a}/credits/balance", h)
    add("pictograph", "POST", f"{a}/annotations/load-pg/a.png", h, {"annotations": [
        {"id": "load-1", "name": "thing", "type": "bbox", "bounding_box": {"x": 1, "y": 2, "w": 10, "h": 8}}]}, True)

if "ximilar" in cov:
    xim = XimClient.for_workspace(srv, ws)
    xim.base = f"http://127.0.0.1:{port}/"
    prompt = xim.prompt("load", "user", "Look at the {{thing}}.")
    label = xim.create("recognition/v2/label/", {"name": "load", "type": "category"})
    xim.upload(textured_image(1, size=(48, 32)))
    h = {"Authorization": "Token " + ws["keys"]["ximilar"]}
    add("ximilar", "GET", f"/vlm/v2/prompt/{prompt['id']}", h)
    add("ximilar", "GET", f"/recognition/v2/label/{label['id']}", h)
    add("ximilar", "GET", "/vlm/v2/prompt?page=1", h)
    add("ximilar", "PATCH", f"/vlm/v2/prompt/{prompt['id']}", h, '{"content": "Look again {{uniq}}."}', True)
    add("ximilar", "POST", "/detection/v2/label", h, '{"name": "load-{{uniq}}"}', True)

if "labelbox" in cov:
    lb = LB.for_workspace(srv, ws)
    ds = lb.create_dataset("load-lb")
    ont = lb.create_ontology(name="load-ontology")
    project = lb.create_project(name="load-project")["id"]
    lb.connect_ontology(project, ont["id"])
    h = {k: v for k, v in lb.headers().items() if k != "Content-Type"}
    q = QUERIES.__getitem__
    add("labelbox", "POST", "/graphql", h, {"query": q("GetDatasetPyApi"), "variables": {"param_0": ds["id"]}})
    add("labelbox", "POST", "/graphql", h, {"query": q("GetProjectPyApi"), "variables": {"param_0": project}})
    add("labelbox", "POST", "/graphql", h, {"query": q("updateProjectPyApi"), "variables": {
        "setupComplete": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "ProjectId": project}}, True)
    add("labelbox", "POST", "/graphql", h,
        json.dumps({"query": q("upsertRootSchemaNodePyApi"), "variables": {"data": {
            "name": "load-ontology-", "normalized": json.dumps({"tools": [], "classifications": []}),
            "mediaType": "IMAGE"}}}).replace('"load-ontology-"', '"load-ontology-{{uniq}}"'), True)

# A sanity pass: every request answers 2xx once before the load starts.
for r in reqs:
    body = r["body"].replace("{{uniq}}", "warm") if r["body"] else None
    resp = srv.http.request(r["method"], srv.url(r["path"]), headers=r["headers"], data=body, timeout=60)
    bad = resp.status_code // 100 != 2 or '"data":null,"errors"' in resp.text
    if bad:
        sys.exit(f"load_mixed.sh: {r['method']} {r['path']} answers {resp.status_code} {resp.text[:300]}")


def lua(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if v is None:
        return "nil"
    if isinstance(v, str):  # decimal escapes: valid in every Lua
        return '"' + "".join(c if c.isascii() and c.isprintable() and c not in '"\\' else
                             "".join(f"\\{b:03d}" for b in c.encode()) for c in v) + '"'
    if isinstance(v, dict):
        return "{" + ", ".join(f"[{lua(k)}] = {lua(x)}" for k, x in v.items()) + "}"
    return "{" + ", ".join(lua(x) for x in v) + "}"


with open(out, "w") as f:
    f.write("return " + lua(reqs) + "\n")
writes = sum(1 for r in reqs if r["write"])
print(f"## load_mixed: {len(reqs)} requests in the mix ({writes} writes) over "
      f"{', '.join(sorted({r['dialect'] for r in reqs}))}")
EOF

# RSS of the server, every second, while wrk runs.
(while kill -0 "$PID" 2>/dev/null; do
   awk '/^VmRSS:/ {print $2}' "/proc/$PID/status" 2>/dev/null || true
   sleep 1
 done) >"$TMP/rss.txt" &
SAMPLER=$!

URL="http://127.0.0.1:$PORT"
echo "## wrk -t$WRK_THREADS -c$CONNS -d${SECONDS_}s --timeout 10s --latency -s bench/load_mixed.lua $URL"
wrk -t"$WRK_THREADS" -c"$CONNS" -d"${SECONDS_}s" --timeout 10s --latency -s bench/load_mixed.lua "$URL" \
  -- "$TMP/config.lua" >"$TMP/wrk.txt" 2>&1 || { cat "$TMP/wrk.txt"; echo "wrk failed" >&2; exit 1; }
kill "$SAMPLER" 2>/dev/null || true
wait "$SAMPLER" 2>/dev/null || true
SAMPLER=""
grep -v '^RESULT ' "$TMP/wrk.txt"

kill -TERM "$PID"
set +e
wait "$PID"
RC=$?
set -e
PID=""
if grep -E 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$TMP/server.log" >/dev/null; then
  echo "sanitizer report in the server log:" >&2
  cat "$TMP/server.log" >&2
  RC=99
fi

"$PY" - "$TMP/wrk.txt" "$TMP/rss.txt" "$RC" "$WARMUP" "$SECONDS_" "$CONNS" <<'EOF'
import json
import sys

wrk_txt, rss_txt, rc, warmup, seconds, conns = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), \
    int(sys.argv[5]), int(sys.argv[6])
line = next(l for l in open(wrk_txt) if l.startswith("RESULT "))
res = json.loads(line[len("RESULT "):])
rss = [int(x) for x in open(rss_txt).read().split() if x.strip().isdigit()]
res["rps"] = round(res["requests"] / (res["duration_us"] / 1e6), 1)
w = min(warmup, max(len(rss) - 1, 0))
res["rss_kib"] = {"first": rss[0] if rss else 0, "after_warmup": rss[w] if rss else 0,
                  "last": rss[-1] if rss else 0, "max": max(rss) if rss else 0, "samples": len(rss),
                  "warmup_s": w, "series": rss}
res["server_exit"] = rc
res["seconds"], res["connections"] = seconds, conns
lat = res["latency_us"]
r = res["rss_kib"]
print(f"\n## summary: {res['requests']} requests in {res['duration_us'] / 1e6:.1f} s ({res['rps']} req/s), "
      f"{res['unexpected']} unexpected, socket errors {res['socket_errors']}, statuses {res['statuses']}")
print(f"## latency: p50 {lat['p50'] / 1000:.2f} ms, p90 {lat['p90'] / 1000:.2f} ms, p99 {lat['p99'] / 1000:.2f} ms, "
      f"max {lat['max'] / 1000:.2f} ms")
print(f"## RSS (MiB): first {r['first'] / 1024:.1f}, after {w} s warm-up {r['after_warmup'] / 1024:.1f}, "
      f"last {r['last'] / 1024:.1f}, max {r['max'] / 1024:.1f} ({r['samples']} samples)")
print(f"## server exit status on SIGTERM: {rc}")
if res["examples"]:
    print("## unexpected answers, first few:", *res["examples"], sep="\n   ")
print("RESULT " + json.dumps(res))
ok = res["unexpected"] == 0 and not any(res["socket_errors"].values()) and rc == 0
sys.exit(0 if ok else 1)
EOF
