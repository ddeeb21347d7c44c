"""Coverage (from the route table) and Prometheus metrics."""
import re


def test_coverage_lists_only_served_vendor_routes(server):
    body = server.get("/_emulator/coverage").json()
    assert set(body) >= {"dialects", "deviations"}
    assert set(body["dialects"]) <= {"vi", "pictograph", "ximilar", "labelbox"}
    for name, ops in body["dialects"].items():
        assert ops, name
        for op in ops:
            if name == "labelbox":
                assert set(op) == {"operation"}
            else:
                assert set(op) == {"method", "path"}
                assert op["method"] in {"GET", "POST", "PUT", "PATCH", "DELETE"}
                assert not op["path"].startswith("/_emulator")


def test_coverage_lists_the_known_deviations(server):
    deviations = server.get("/_emulator/coverage").json()["deviations"]
    assert all(isinstance(d, str) and d for d in deviations)
    assert any(d.startswith("Vi: freeform datasets") and "0.1.0b4" in d for d in deviations)  # vi spec 13.2


def test_metrics_counts_requests_by_route_and_status(server):
    for _ in range(3):
        server.get("/_emulator/workspaces")
    server.get("/nope")
    r = server.get("/metrics")
    assert r.status_code == 200
    assert r.headers["Content-Type"].startswith("text/plain")
    text = r.text
    m = re.search(r'visionstack_http_requests_total\{dialect="admin",method="GET",route="/_emulator/workspaces",'
                  r'status="200"\} (\d+)', text)
    assert m and int(m.group(1)) == 3
    assert 'route="unmatched",status="404"} 1' in text
    assert re.search(r'visionstack_http_request_duration_seconds_count\{dialect="admin"\} \d+', text)
    assert re.search(r"^visionstack_store_bytes \d+$", text, re.M)


def test_metrics_show_jobs_by_type_and_state(server):
    ws = server.create_workspace("gone")
    server.post("/_emulator/clock", json={"mode": "frozen"})
    server.delete(f"/_emulator/workspaces/{ws['id']}")
    server.post("/_emulator/clock/advance", json={"ms": 1})
    assert 'visionstack_jobs{type="workspace.purge",state="succeeded"} 1' in server.get("/metrics").text
