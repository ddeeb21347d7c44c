"""Replays what the vendor's Python client (vi-sdk 0.1.0b4) puts on the wire, and
checks what comes back the way its decoders do: camelCase keys, required keys
present, integers that are real JSON integers (never 1.0), `kind` equal to the
class name on tagged resources, `{"message"}` error bodies.

The client is not installable here, so each call below is written from the wire
spec (shared/specs/vi.md §2, §6, §9, §10, §11): every REST call carries
Authorization, Organization-Id, Content-Type and Accept (also on GET/DELETE);
signed-URL PUTs and downloads carry no auth.
"""
from __future__ import annotations

import base64
import io
import json
import time
import zipfile

import requests

from conftest import crc32c

USER_AGENT = "vi/0.1.0b4 (Python/3.11.2; Linux/6.1)"


# ------------------------------------------------------------------ strict checks


def is_int(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def is_num(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def check_int(obj: dict, *keys):
    for k in keys:
        assert k in obj, f"missing {k} in {sorted(obj)}"
        assert is_int(obj[k]), f"{k} must be a JSON integer, got {obj[k]!r}"


def check_str(obj: dict, *keys):
    for k in keys:
        assert k in obj, f"missing {k} in {sorted(obj)}"
        assert isinstance(obj[k], str), f"{k} must be a string, got {obj[k]!r}"


def check_metadata(m: dict):
    check_int(m, "timeCreated", "lastUpdated", "generation")
    assert isinstance(m["attributes"], dict)
    assert all(isinstance(v, str) for v in m["attributes"].values())


def check_condition(c: dict, reasons=None):
    check_str(c, "condition", "status")
    assert c["status"] in ("Waiting", "Reached", "FailedReach"), c
    check_int(c, "lastTransitionTime")
    if reasons is not None and c.get("reason") is not None:
        assert c["reason"] in reasons, c


def check_page(page: dict, single: bool = False):
    assert isinstance(page.get("items"), list)
    assert "nextPage" in page and "prevPage" in page
    if single:
        assert page["nextPage"] is None


def check_dataset(d: dict, org: str):
    assert d.get("kind", "Dataset") == "Dataset"
    check_str(d, "datasetId", "name", "owner", "workspaceId", "type", "content", "selfLink", "etag")
    assert d["workspaceId"] == org
    assert d["datasetId"].startswith(org + "_")
    assert "_" not in d["datasetId"][len(org) + 1:]
    assert d["type"] in ("phrase-grounding", "vqa", "freeform")
    assert d["content"] == "Image"
    check_int(d, "createDate", "lastAccessed", "status")
    st = d["statistic"]
    check_int(st, "assetTotal", "annotationTotal", "assetAnnotated")
    assert all(is_int(v) for v in st["tagsCount"].values())
    assert isinstance(d["users"], dict)
    assert all(is_int(v) for v in d["tags"].values())
    assert isinstance(d["cohorts"], list)
    assert isinstance(d["isLocked"], bool)
    assert "isPublic" in d["access"] and "isReadOnly" in d["access"]
    assert isinstance(d["preference"], dict) and isinstance(d["assetStatuses"], dict)
    for k in ("localization", "dataLocalization"):
        if k in d:
            assert d[k] == "Datature/Multi"


ASSET_METADATA_KEYS = {
    "generations", "insertedBy", "annotations", "frames", "cohorts", "fileSize", "height", "width", "mimeType",
    "source", "status", "uploadStatus", "visibility", "userDefined", "customMetadata", "dimensions", "pixelRatio",
    "comments", "customMetadataCount", "hash", "contentsFrom", "framesChange", "timeCreated", "lastUpdated",
    "contentsLastUpdated",
}


def check_asset(a: dict, org: str):
    check_str(a, "assetId", "datasetId", "workspaceId", "filename", "kind", "owner", "selfLink", "etag")
    assert a["workspaceId"] == org
    m = a["metadata"]
    assert ASSET_METADATA_KEYS <= set(m), ASSET_METADATA_KEYS - set(m)
    check_int(m, "frames", "fileSize", "height", "width", "comments", "customMetadataCount", "timeCreated",
              "lastUpdated", "contentsLastUpdated")
    check_int(m["annotations"], "total")
    assert all(is_int(v) for v in m["annotations"]["withTag"].values())
    check_int(m["dimensions"], "height", "width")
    check_int(m["pixelRatio"], "height", "width")
    check_str(m["generations"], "asset", "thumbnail")
    check_str(m["hash"], "algorithm", "contents")
    check_str(m, "mimeType", "source", "status", "uploadStatus", "visibility", "insertedBy", "contentsFrom")
    if a.get("contents") is not None:
        for k in ("asset", "thumbnail"):
            if a["contents"].get(k) is not None:
                check_str(a["contents"][k], "url")
                check_int(a["contents"][k], "expiry")


def check_annotation(a: dict, org: str):
    assert a.get("kind", "Annotation") == "Annotation"
    check_str(a, "annotationId", "assetId", "workspaceId", "datasetId", "selfLink", "etag")
    assert a["workspaceId"] == org
    check_metadata(a["metadata"])
    spec = a["spec"]
    check_str(spec, "boundType")
    check_int(spec, "tag")
    agg = spec["aggregation"]
    check_str(agg["whole"], "id")
    assert agg["thisPart"]["role"] in ("Caption", "PhraseGroundingBoundingBox")
    c = spec["contents"]
    assert c["kind"] in ("Caption", "PhraseGroundingBoundingBox")
    assert c["kind"] == agg["thisPart"]["role"]
    if c["kind"] == "Caption":
        check_str(c, "contents")
        assert spec["boundType"] == "none"
    else:
        assert spec["boundType"] == "box"
        assert len(c["bound"]) == 4 and all(len(p) == 2 and all(is_num(v) for v in p) for p in c["bound"])
        assert len(c["target"]) == 2 and all(is_int(v) for v in c["target"])


def check_import_session(s: dict, org: str):
    assert s.get("kind", "AnnotationImportSession") == "AnnotationImportSession"
    check_str(s, "user", "workspaceId", "datasetId", "annotationImportSessionId", "selfLink", "etag")
    check_metadata(s["metadata"])
    spec = s["spec"]
    check_int(spec, "uploadBefore")
    for k in ("onBadAnnotation", "onBadFile", "onOverwritten"):
        assert spec["failurePolicies"][k] in ("Warn", "RejectFile", "RejectSession")
    assert spec.get("source", "UploadedIndividualFiles") == "UploadedIndividualFiles"
    st = s["status"]
    for c in st["conditions"]:
        check_condition(c, reasons=("CancelledByUser", "UserUploadErrored"))
    check_int(st["files"], "pageCount", "totalSizeBytes")
    assert all(is_int(v) for v in st["files"]["statusCount"].values())
    assert all(is_int(v) for v in st["annotations"]["statusCount"].values())
    if "reason" in st:
        assert st["reason"] is None or isinstance(st["reason"], str)


def check_ingestion_session(s: dict, org: str):
    assert s.get("kind", "AssetIngestionSession") == "AssetIngestionSession"
    check_str(s, "workspaceId", "datasetId", "assetSourceClass", "assetSourceProvider", "assetSourceId",
              "assetIngestionSessionId", "selfLink", "etag")
    assert (s["assetSourceClass"], s["assetSourceProvider"], s["assetSourceId"]) == ("managed", "datature", "transient")
    check_metadata(s["metadata"])
    spec = s["spec"]
    check_str(spec, "kind")
    assert spec["failureMode"] in ("FailAfterOne", "FailAfterAll")
    assert spec["onAssetOverwritten"] in ("RemoveLinkedResource", "KeepLinkedResources")
    st = s["status"]
    for c in st["conditions"]:
        check_condition(c)
    for e in st["events"]:
        assert e["kind"] in ("Error", "Progress")
        if e["kind"] == "Error":
            assert isinstance(e["files"], dict) and isinstance(e["corrections"], dict)
            check_int(e, "time")
    check_int(st["progressCount"], "total", "succeeded", "errored")
    assert isinstance(st["assets"], list)
    for a in st["assets"]:
        m = a["metadata"]
        check_str(m, "kind", "filename", "mime")
        check_int(m, "size")
        if m.get("crc32c") is not None:
            assert is_int(m["crc32c"])
        up = a["upload"]
        check_str(up, "url", "method")
        assert up["method"] == "PUT"
        check_int(up, "expiry")
        assert isinstance(up["headers"], dict)


def check_export(e: dict, org: str, kind: str = "DatasetExport"):
    assert e.get("kind", kind) == kind
    check_str(e, "workspaceId", "datasetId", "datasetExportId", "selfLink", "etag")
    check_metadata(e["metadata"])
    assert isinstance(e["spec"]["format"], str)
    assert isinstance(e["spec"]["options"]["normalized"], bool)
    ratio = e["spec"]["options"].get("splitRatio")
    assert ratio is None or is_num(ratio)
    for c in e["status"]["conditions"]:
        check_condition(c)
    url = e["status"].get("downloadUrl")
    if url is not None:
        check_str(url, "url")
        check_int(url, "expiresAt")


def check_vi_error(resp, status: int) -> str:
    assert resp.status_code == status, f"{resp.status_code} {resp.text}"
    body = resp.json()
    assert set(body) == {"message"}, body
    assert isinstance(body["message"], str) and body["message"]
    return body["message"]


def crc32c_b64(data: bytes) -> str:
    return base64.b64encode(crc32c(data).to_bytes(4, "big")).decode()


def crc32c_signed(data: bytes) -> int:
    v = crc32c(data)
    return v - (1 << 32) if v >= 1 << 31 else v


# ----------------------------------------------------------------------- client


class ViClient:
    """One organization's view of the server, calling as vi-sdk does."""

    def __init__(self, server, secret: str, org: str):
        self.server = server
        self.secret = secret
        self.org = org
        self.http = requests.Session()
        self.http.trust_env = False

    @classmethod
    def for_workspace(cls, server, ws: dict) -> "ViClient":
        return cls(server, ws["keys"]["vi"]["secretKey"], ws["keys"]["vi"]["organizationId"])

    def headers(self, **extra) -> dict:
        h = {
            "Authorization": f"Bearer {self.secret}",
            "Organization-Id": self.org,
            "Content-Type": "application/json",
            "Accept": "application/json",
            "User-Agent": USER_AGENT,
        }
        h.update(extra)
        return h

    def call(self, method: str, path: str, body=None, params=None, headers=None) -> requests.Response:
        data = None if body is None else json.dumps(body)
        return self.http.request(method, self.server.url(path), data=data, params=params,
                                 headers=headers if headers is not None else self.headers(), timeout=60)

    def ok(self, method: str, path: str, body=None, params=None, status: int = 200) -> dict:
        r = self.call(method, path, body, params)
        assert r.status_code == status, f"{method} {path}: {r.status_code} {r.text}"
        return r.json()

    # paths
    @property
    def base(self) -> str:
        return f"/workspaces/{self.org}"

    def seg(self, ds: str) -> str:
        """The composite dataset segment; accepts a bare id or a decoded datasetId."""
        ds = ds.rsplit("_", 1)[-1]
        return f"{self.org}_{ds}"

    def d(self, ds: str) -> str:
        return f"{self.base}/datasets/{self.seg(ds)}"

    # datasets
    def create_dataset(self, name: str, type_: str = "phrase-grounding", **extra) -> dict:
        return self.ok("POST", f"{self.base}/datasets", {"name": name, "type": type_, **extra}, status=201)

    def dataset_id(self, d: dict) -> str:
        return d["datasetId"].rsplit("_", 1)[-1]

    # asset upload (§10)
    def upload_assets(self, ds: str, files: dict[str, bytes], mimes: dict[str, str] | None = None,
                      overwrite: str = "RemoveLinkedResource", timeout: float = 30, corrupt: dict | None = None,
                      skip: set | None = None) -> dict:
        mimes = mimes or {}
        assets = [{"filename": n, "mime": mimes.get(n, guess_mime(n)), "size": len(b), "crc32c": crc32c_signed(b),
                   "customMetadata": None, "kind": "Image"} for n, b in files.items()]
        body = {"spec": {"assets": assets, "kind": "Upload", "failureMode": "FailAfterOne",
                         "onAssetOverwritten": overwrite}}
        sess = self.ok("POST", f"{self.d(ds)}/assetSources/managed/datature/transient/assetIngestionSessions", body)
        check_ingestion_session(sess, self.org)
        by_name = {a["metadata"]["filename"]: a["upload"] for a in sess["status"]["assets"]}
        assert set(by_name) == set(files)
        for name, data in files.items():
            if skip and name in skip:
                continue
            up = by_name[name]
            payload = (corrupt or {}).get(name, data)
            r = requests.request(up["method"], up["url"], data=payload, headers=up["headers"], timeout=60)
            assert r.status_code // 100 == 2, r.text
        if skip:
            return sess
        return self.wait_ingestion(ds, sess["assetIngestionSessionId"], timeout)

    def wait_ingestion(self, ds: str, sid: str, timeout: float = 30) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            s = self.ok("GET", f"{self.d(ds)}/assetSources/managed/datature/transient/assetIngestionSessions/{sid}")
            check_ingestion_session(s, self.org)
            fin = [c for c in s["status"]["conditions"] if c["condition"] == "Finished"]
            if fin and fin[0]["status"] != "Waiting":
                return s
            assert time.monotonic() < deadline, s
            time.sleep(0.05)

    def assets(self, ds: str, **params) -> list[dict]:
        q = {"s": 1000, **params}
        page = self.ok("GET", f"{self.d(ds)}/assets", params=q)
        check_page(page, single=True)
        for a in page["items"]:
            check_asset(a, self.org)
        return page["items"]

    # annotation upload (§9)
    def upload_annotations(self, ds: str, files: dict[str, bytes], policies: dict | None = None,
                           wait: bool = True, timeout: float = 60, corrupt: dict | None = None) -> dict:
        pol = {"onBadAnnotation": "RejectSession", "onBadFile": "RejectSession", "onOverwritten": "RejectSession"}
        pol.update(policies or {})
        now = int(time.time() * 1000)
        sess = self.ok("POST", f"{self.d(ds)}/annotationImportSessions",
                       {"spec": {"uploadBefore": now + 3300000, "failurePolicies": pol,
                                 "source": "UploadedIndividualFiles"}, "metadata": {"attributes": {}}})
        check_import_session(sess, self.org)
        sid = sess["annotationImportSessionId"]
        reg = self.ok("POST", f"{self.d(ds)}/annotationImportSessions/{sid}/files",
                      {"files": {n: {"sizeBytes": len(b), "crc32c": crc32c_b64(b), "kind": "Unknown"}
                                 for n, b in files.items()}})
        assert list(reg["files"]) == list(files), "registration must answer the same keys in order"
        for name, data in files.items():
            f = reg["files"][name]
            assert set(f) >= {"method", "url", "headers"}
            payload = (corrupt or {}).get(name, data)
            r = requests.request(f["method"], f["url"], data=payload, headers=f["headers"], timeout=120)
            assert r.status_code // 100 == 2, r.text
        patched = self.ok("PATCH", f"{self.d(ds)}/annotationImportSessions/{sid}/status",
                          {"status": {"conditions": [{"condition": "FilesInserted", "status": "Reached",
                                                      "lastTransitionTime": int(time.time() * 1000)}]}})
        check_import_session(patched, self.org)
        if not wait:
            return patched
        return self.wait_import(ds, sid, timeout)

    def wait_import(self, ds: str, sid: str, timeout: float = 60) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            s = self.ok("GET", f"{self.d(ds)}/annotationImportSessions/{sid}")
            check_import_session(s, self.org)
            conds = s["status"]["conditions"]
            if any(c["status"] == "FailedReach" for c in conds) or all(c["status"] == "Reached" for c in conds) \
                    and any(c["condition"] == "Complete" for c in conds):
                return s
            assert time.monotonic() < deadline, s
            time.sleep(0.05)

    @staticmethod
    def total_annotations(session: dict) -> int:
        """AnnotationUploadResult.total_annotations: the sum of statusCount values."""
        return sum(session["status"]["annotations"]["statusCount"].values())

    def annotations(self, ds: str, asset: str, page_size: int = 1000) -> list[dict]:
        items, token = [], None
        while True:
            q = {"pageSize": page_size}
            if token:
                q["pageToken"] = token
            page = self.ok("GET", f"{self.d(ds)}/assets/{asset}/annotations", params=q)
            check_page(page)
            assert len(page["items"]) <= page_size
            for a in page["items"]:
                check_annotation(a, self.org)
            items += page["items"]
            token = page["nextPage"]
            if not token:
                return items

    # exports (§11, §13.1)
    def export(self, ds: str, fmt: str, normalized: bool = True, split=None, annotation: bool = True,
               timeout: float = 60) -> dict:
        coll = "annotationExports" if annotation else "datasetExports"
        kind = "ExportedAnnotations" if annotation else "DatasetExport"
        e = self.ok("POST", f"{self.d(ds)}/{coll}",
                    {"spec": {"format": fmt, "options": {"normalized": normalized, "splitRatio": split}}})
        check_export(e, self.org, kind)
        deadline = time.monotonic() + timeout
        while True:
            e = self.ok("GET", f"{self.d(ds)}/{coll}/{e['datasetExportId']}")
            check_export(e, self.org, kind)
            conds = e["status"]["conditions"]
            if all(c["status"] == "Reached" for c in conds):
                assert e["status"]["downloadUrl"] is not None
                return e
            assert not any(c["status"] == "FailedReach" for c in conds), e
            assert time.monotonic() < deadline, e
            time.sleep(0.05)

    def download(self, url: str) -> bytes:
        """The archive downloader: HEAD for the size, then exact 64 KiB Range GETs."""
        h = requests.head(url, timeout=60, allow_redirects=False)
        assert h.status_code == 200, h.text
        assert "Content-Encoding" not in h.headers
        size = int(h.headers["Content-Length"])
        assert size > 0
        out = bytearray()
        chunk = 64 * 1024
        for start in range(0, size, chunk):
            end = min(size, start + chunk) - 1
            r = requests.get(url, headers={"Range": f"bytes={start}-{end}"}, timeout=60)
            assert r.status_code == 206, r.status_code
            assert r.headers["Content-Range"] == f"bytes {start}-{end}/{size}"
            assert len(r.content) == end - start + 1
            out += r.content
        return bytes(out)

    def export_zip(self, ds: str, fmt: str, **kw) -> zipfile.ZipFile:
        e = self.export(ds, fmt, **kw)
        data = self.download(e["status"]["downloadUrl"]["url"])
        z = zipfile.ZipFile(io.BytesIO(data))
        assert z.testzip() is None
        return z


def guess_mime(name: str) -> str:
    return "image/png" if name.lower().endswith(".png") else "image/jpeg"


def png_bytes(w: int, h: int, color=(200, 30, 30)) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (w, h), color).save(buf, format="PNG")
    return buf.getvalue()


def jpeg_bytes(w: int, h: int, color=(30, 120, 200)) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (w, h), color).save(buf, format="JPEG", quality=80)
    return buf.getvalue()


def jsonl(*lines) -> bytes:
    return "".join(json.dumps(line) + "\n" for line in lines).encode()
