"""The control plane's remote files (DESIGN.md fixed contract) as the Labelbox
dialect uses them: registered bytes stand in for outside URLs (row data, mask
instanceURI, import file URLs); an unregistered outside URL fails as an
unreachable one; server-issued /_blob URLs are resolved from the store under any
host name."""
import base64
import io
import json

import requests
from PIL import Image

from conftest import assert_error
from labelbox.lb_client import parse_ndjson, png_bytes, register_remote


def test_contract_put_list_delete(server):
    a = register_remote(server, "https://example.com/a.png", png_bytes(3, 2), "image/png")
    assert a == {"url": "https://example.com/a.png", "contentType": "image/png", "bytes": len(png_bytes(3, 2))}
    # replacing keeps one entry; contentType is sniffed when absent
    r = server.put("/_emulator/remote-files", json={"url": "https://example.com/a.png",
                                                    "base64": base64.b64encode(b"hello").decode()})
    assert r.status_code == 201 and r.json()["contentType"] == "application/octet-stream"
    register_remote(server, "gs://bucket/b.jpg", b"\xff\xd8\xff", "image/jpeg")
    items = server.get("/_emulator/remote-files").json()["items"]
    assert [(i["url"], i["bytes"]) for i in items] == [("https://example.com/a.png", 5), ("gs://bucket/b.jpg", 3)]
    assert server.delete("/_emulator/remote-files", params={"url": "gs://bucket/b.jpg"}).status_code == 204
    assert server.delete("/_emulator/remote-files", params={"url": "gs://bucket/b.jpg"}).status_code == 404
    assert server.delete("/_emulator/remote-files").status_code == 204
    assert server.get("/_emulator/remote-files").json() == {"items": []}


def test_contract_validation(server):
    for body in ({"base64": "aGk="}, {"url": "not a url", "base64": "aGk="}, {"url": "https://x/y"},
                 {"url": "https://x/y", "base64": "***"}, {"url": "https://x/y", "base64": "aGk=", "extra": 1},
                 {"url": "https://x/y", "base64": "aGk=", "contentType": "png"}):
        r = server.put("/_emulator/remote-files", json=body)
        assert_error(r, 400)


def test_row_data_resolution(server, lb):
    """Registered outside URL → real size; server-issued URL (any host) → real
    size; unregistered outside URL → created, size unknown."""
    buf = io.BytesIO()
    Image.new("RGB", (120, 90)).save(buf, format="JPEG")
    register_remote(server, "https://cdn.example.com/known.jpg", buf.getvalue())
    blob = lb.upload(png_bytes(40, 30), "up.png", "image/png")
    other_host = blob.replace("http://127.0.0.1", "http://visionstack.internal").replace(
        "http://localhost", "http://visionstack.internal")
    ds = lb.create_dataset()
    task = lb.create_data_rows(ds["id"], [
        {"row_data": "https://cdn.example.com/known.jpg", "global_key": "known"},
        {"row_data": other_host, "global_key": "uploaded"},
        {"row_data": "https://cdn.example.com/unknown.jpg", "global_key": "unknown"}])
    assert task["status"] == "COMPLETE" and lb.failed_rows(task["id"]) == []
    with server.db(readonly=True) as db:
        sizes = dict((gk, (w, h, mime)) for gk, w, h, mime in db.execute(
            "SELECT d.global_key, a.width, a.height, a.mime FROM labelbox_data_rows d JOIN assets a"
            " ON a.id=d.asset_id"))
    assert sizes == {"known": (120, 90, "image/jpeg"), "uploaded": (40, 30, "image/png"),
                     "unknown": (0, 0, "application/octet-stream")}


def test_unreadable_manifest_fails_the_task(lb):
    task = lb.data("UpsertDataRowsPyApi", {"manifestUri": "https://example.com/manifest.json"})["upsertDataRows"]
    assert task["status"] == "FAILED"
    failed = lb.failed_rows(task["id"])
    assert len(failed) == 1 and "manifest" in failed[0]["message"]
    not_json = lb.upload(b"garbage", "manifest.json", "application/json")
    assert lb.data("UpsertDataRowsPyApi", {"manifestUri": not_json})["upsertDataRows"]["status"] == "FAILED"


def test_mask_instance_uri_from_remote_file(server, ready):
    url = "https://masks.example.com/composite.png"
    img = Image.new("RGB", (ready.w, ready.h))
    img.paste((1, 2, 3), (0, 0, 10, 10))
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    line = {"name": "mask", "mask": {"instanceURI": url, "colorRGB": [1, 2, 3]}, "dataRow": {"globalKey": ready.gk}}
    s = parse_ndjson(ready.lb.fetch(ready.lb.import_file(ready.project, [line])["statusFileUrl"]))
    assert s[0]["errors"][0]["name"] == "FetchImageError"
    register_remote(server, url, buf.getvalue(), "image/png")
    s = parse_ndjson(ready.lb.fetch(ready.lb.import_file(ready.project, [line])["statusFileUrl"]))
    assert s[0]["status"] == "SUCCESS"
    # a mask at one of this server's own URLs is read from the store
    own = ready.lb.upload(buf.getvalue(), "m.png", "image/png")
    line["mask"]["instanceURI"] = own
    s = parse_ndjson(ready.lb.fetch(ready.lb.import_file(ready.project, [line])["statusFileUrl"]))
    assert s[0]["status"] == "SUCCESS"


def test_remote_files_survive_workspace_purge(server, lb):
    """Blob GC keeps bytes a remote file still points at."""
    register_remote(server, "https://example.com/keep.png", png_bytes(5, 5), "image/png")
    ws = server.create_workspace("doomed")
    assert server.delete(f"/_emulator/workspaces/{ws['id']}").status_code == 204
    server.post("/_emulator/clock/advance", json={"ms": 0})
    r = server.put("/_emulator/remote-files", json={"url": "https://example.com/other.png",
                                                    "base64": base64.b64encode(b"x").decode()})
    assert r.status_code == 201
    items = {i["url"]: i["bytes"] for i in server.get("/_emulator/remote-files").json()["items"]}
    assert items["https://example.com/keep.png"] == len(png_bytes(5, 5))
