"""Replays what the vendor's Python client (ximilar-client 1.39, generic REST
machinery) puts on the wire, from shared/specs/ximilar.md §1-§6:

* base URL `http://localhost:PORT/` (the client skips the authorize host only
  when the base contains "localhost");
* GET/POST/PUT/PATCH: base and path stripped of '/' and joined with one '/', so
  `vlm/v2/prompt/` is sent as `/vlm/v2/prompt`; DELETE uses urljoin and keeps
  the trailing slash;
* every verb carries Content-Type: application/json, Authorization: Token <t>
  and User-Agent "Ximilar Client/Python: <first 5 chars of token>";
* workspace: query `workspace=` on GET/DELETE (unless the URL already holds the
  uuid), body field on POST/PUT/PATCH (a body is created for it), nothing when
  the client's workspace is "Default";
* bodies are json.dumps output (ASCII, \\u escapes incl. surrogate pairs);
* paging follows `next` until it is JSON null.

Errors are recognised the client's way: a body without `id` and with `detail`.
"""
from __future__ import annotations

import base64
import io
import json
import random
from urllib.parse import urljoin

import requests


def textured_image(seed: int, size=(320, 240), fmt="PNG", quality=90) -> bytes:
    """A smooth random image (distinct per seed) whose perceptual hash survives
    re-encoding and resizing."""
    from PIL import Image
    rnd = random.Random(seed)
    small = Image.new("RGB", (8, 6))
    small.putdata([(rnd.randrange(256), rnd.randrange(256), rnd.randrange(256)) for _ in range(48)])
    img = small.resize(size, Image.BICUBIC)
    buf = io.BytesIO()
    if fmt == "JPEG":
        img.save(buf, "JPEG", quality=quality)
    else:
        img.save(buf, "PNG")
    return buf.getvalue()


def reencode(data: bytes, scale=0.5, quality=75) -> bytes:
    """What the client does to large images: resize and re-encode as JPEG."""
    from PIL import Image
    img = Image.open(io.BytesIO(data)).convert("RGB")
    img = img.resize((max(1, int(img.width * scale)), max(1, int(img.height * scale))), Image.BILINEAR)
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=quality)
    return buf.getvalue()


def b64(data: bytes, data_uri=False) -> str:
    s = base64.b64encode(data).decode()
    return f"data:image/png;base64,{s}" if data_uri else s


class XimError(AssertionError):
    pass


class XimClient:
    def __init__(self, server, token: str, workspace: str = "Default", host: str = "localhost"):
        self.server = server
        self.token = token
        self.workspace = workspace
        self.base = f"http://{host}:{server.port}/"
        self.http = requests.Session()

    @classmethod
    def for_workspace(cls, server, ws: dict, **kw) -> "XimClient":
        return cls(server, ws["keys"]["ximilar"], **kw)

    # ---------------------------------------------------------------- wire
    def headers(self, scheme="Token") -> dict:
        return {"Content-Type": "application/json", "Authorization": f"{scheme} {self.token}",
                "User-Agent": f"Ximilar Client/Python: {self.token[:5]}"}

    def url(self, path: str) -> str:
        if "?" in path:
            p, q = path.split("?", 1)
            return self.base.strip("/") + "/" + p.lstrip("/") + "?" + q
        return self.base.strip("/") + "/" + path.strip("/")

    def _ws_query(self, url: str, params: dict | None) -> dict:
        params = dict(params or {})
        if self.workspace != "Default" and self.workspace not in url:
            params["workspace"] = self.workspace
        return params

    def _ws_body(self, data):
        if self.workspace == "Default":
            return data
        data = dict(data or {})
        data["workspace"] = self.workspace
        return data

    def get(self, path, params=None, **kw) -> requests.Response:
        url = self.url(path)
        return self.http.get(url, params=self._ws_query(url, params), headers=self.headers(), timeout=90, **kw)

    def _send(self, method, path, data):
        data = self._ws_body(data)
        body = json.dumps(data) if data is not None else None
        return self.http.request(method, self.url(path), data=body, headers=self.headers(), timeout=90)

    def post(self, path, data=None) -> requests.Response:
        return self._send("POST", path, data)

    def put(self, path, data=None) -> requests.Response:
        return self._send("PUT", path, data)

    def patch(self, path, data=None) -> requests.Response:
        return self._send("PATCH", path, data)

    def delete(self, path, params=None) -> requests.Response:
        url = urljoin(self.base, path)
        return self.http.delete(url, params=self._ws_query(url, params), headers=self.headers(), timeout=90)

    # ------------------------------------------------------------ checked
    @staticmethod
    def ok(resp: requests.Response, status: int | None = None) -> dict:
        if status is not None:
            assert resp.status_code == status, f"{resp.status_code} {resp.text[:500]}"
        assert resp.headers.get("Content-Type", "").startswith("application/json"), resp.headers
        body = resp.json()
        if isinstance(body, dict) and "id" not in body and "results" not in body and "detail" in body:
            raise XimError(f"{resp.status_code} {body}")
        return body

    @staticmethod
    def error(resp: requests.Response, status: int, contains: str | None = None) -> dict:
        assert resp.status_code == status, f"{resp.status_code} {resp.text[:500]}"
        assert resp.headers.get("Content-Type", "").startswith("application/json")
        body = resp.json()
        assert isinstance(body, dict) and "detail" in body and "id" not in body, body
        assert isinstance(body["detail"], str) and body["detail"]
        if contains is not None:
            assert contains in body["detail"], body
        return body

    def create(self, path, data) -> dict:
        return self.ok(self.post(path, data), 201)

    def fetch(self, path) -> dict:
        return self.ok(self.get(path), 200)

    def all(self, path, params=None) -> list:
        """The client's paging loop: follow `next` until it is JSON null."""
        out = []
        body = self.ok(self.get(path, params), 200)
        pages = 1
        while True:
            assert set(body) >= {"count", "next", "previous", "results"}, body
            out += body["results"]
            if body["next"] is None:
                break
            nxt = body["next"]
            assert nxt.startswith(self.base) or not nxt.startswith("http"), nxt
            r = self.http.get(nxt if nxt.startswith("http") else self.url(nxt), headers=self.headers(),
                              params=self._ws_query(nxt, None), timeout=90)
            body = self.ok(r, 200)
            pages += 1
            assert pages < 10000
        assert len(out) == body["count"], (len(out), body["count"])
        return out

    # ---------------------------------------------------------- shortcuts
    def upload(self, data: bytes, **extra) -> dict:
        return self.create("recognition/v2/training-image/", {"base64": b64(data), **extra})

    def prompt(self, name, type_, content=None, fmt=None, **extra) -> dict:
        body = {"name": name, "type": type_, **extra}
        if content is not None:
            body["content"] = content
        if fmt is not None:
            body["format"] = fmt
        return self.create("vlm/v2/prompt/", body)
