"""A small Pictograph client for the black-box tests: the wire calls the vendor
SDK makes (X-API-Key, Idempotency-Key on every POST, the 3-step upload), the
error-shape check, and the synthetic images the accuracy tests draw."""
from __future__ import annotations

import io
import uuid

import numpy as np
from PIL import Image, ImageDraw

A = "/api/v1/developer"


def assert_pg_error(resp, status: int, code: str | None = None) -> dict:
    """Pictograph error shape: {"error":{"code","message","details"}} exactly."""
    assert resp.status_code == status, f"{resp.status_code} {resp.text}"
    assert resp.headers.get("Content-Type", "").startswith("application/json")
    body = resp.json()
    assert set(body) == {"error"}, body
    err = body["error"]
    assert set(err) == {"code", "message", "details"}, body
    assert isinstance(err["message"], str) and err["message"]
    assert isinstance(err["details"], dict)
    if code is not None:
        assert err["code"] == code, body
    return err


def field_errors(resp) -> list[tuple]:
    """The 422 details.errors as (loc tuple, type) pairs."""
    err = assert_pg_error(resp, 422, "validation_error")
    return [(tuple(e["loc"]), e["type"]) for e in err["details"]["errors"]]


def png(img: Image.Image) -> bytes:
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()


def jpeg(img: Image.Image, quality: int = 92) -> bytes:
    buf = io.BytesIO()
    img.convert("RGB").save(buf, format="JPEG", quality=quality)
    return buf.getvalue()


def solid(w: int, h: int, color=(0, 0, 0)) -> Image.Image:
    return Image.new("RGB", (w, h), color)


class PG:
    """One workspace's Pictograph client."""

    def __init__(self, server, ws: dict):
        self.server = server
        self.ws = ws
        self.key = ws["keys"]["pictograph"]

    @classmethod
    def for_workspace(cls, server, ws):
        return cls(server, ws)

    def headers(self, extra=None, idem=True, method="GET"):
        h = {"X-API-Key": self.key, "Accept": "application/json", "User-Agent": "pictograph-python/1.69.100"}
        if idem and method in ("POST", "PUT", "PATCH"):
            h["Idempotency-Key"] = uuid.uuid4().hex
        h.update(extra or {})
        return h

    def call(self, method, path, *, json=None, params=None, headers=None, idem=True, key=None, **kw):
        h = self.headers(headers, idem=idem, method=method)
        if key is not None:
            h["X-API-Key"] = key
        return self.server.request(method, A + path, json=json, params=params, headers=h, **kw)

    def get(self, path, **kw):
        return self.call("GET", path, **kw)

    def post(self, path, json=None, **kw):
        return self.call("POST", path, json=json, **kw)

    def delete(self, path, **kw):
        return self.call("DELETE", path, **kw)

    # -- datasets
    def create_dataset(self, name=None, **body):
        body["name"] = name or f"ds-{uuid.uuid4().hex[:8]}"
        r = self.post("/datasets/", json=body)
        assert r.status_code in (200, 201), r.text
        return r.json()["data"]

    # -- images
    def upload(self, dataset: str, filename: str, data: bytes, directory_path="/", content_type="image/png",
               width=None, height=None) -> dict:
        r = self.post("/images/upload-url", json={"dataset": dataset, "filename": filename,
                                                  "directory_path": directory_path, "content_type": content_type})
        assert r.status_code == 200, r.text
        url = r.json()["data"]["upload_url"]
        put = self.server.http.put(url, data=data, headers={"Content-Type": content_type}, timeout=60)
        assert put.status_code in (200, 201), put.text
        r = self.post("/images/register", json={"dataset": dataset, "filename": filename,
                                                "directory_path": directory_path, "file_size": len(data),
                                                "content_type": content_type, "width": width, "height": height})
        assert r.status_code in (200, 201), r.text
        return r.json()["data"]

    def balance(self) -> int:
        r = self.get("/credits/balance")
        assert r.status_code == 200, r.text
        return r.json()["included_remaining_micro_usd"]

    def set_credits(self, micro_usd: int):
        r = self.server.put(f"/_emulator/workspaces/{self.ws['id']}/credits", json={"micro_usd": micro_usd})
        assert r.status_code == 200, r.text

    # -- prompts
    def point(self, dataset, image, x, y, **kw):
        return self.post("/auto-annotate/sam3/point", json={"dataset_name": dataset, "image_filename": image,
                                                            "x": x, "y": y, **kw})

    def box(self, dataset, image, box, name="object", **kw):
        return self.post("/auto-annotate/sam3/box", json={"dataset_name": dataset, "image_filename": image,
                                                          "box": box, "name": name, **kw})

    def text(self, dataset, image, prompt, **kw):
        return self.post("/auto-annotate/sam3/text", json={"dataset_name": dataset, "image_filename": image,
                                                           "text_prompt": prompt, **kw})


# ----------------------------------------------------------------- geometry


def polygon_mask(paths, w, h) -> np.ndarray:
    """Pixels whose centre lies inside the polygon (ring 0 minus holes)."""
    out = np.zeros((h, w), dtype=bool)
    for i, ring in enumerate(paths):
        img = Image.new("L", (w * 4, h * 4), 0)
        ImageDraw.Draw(img).polygon([(p["x"] * 4, p["y"] * 4) for p in ring], fill=1)
        m = np.array(img, dtype=bool)[2::4, 2::4]
        out = out ^ m if i else m
    return out


def bbox_mask(b, w, h) -> np.ndarray:
    out = np.zeros((h, w), dtype=bool)
    x0, y0 = int(round(b["x"])), int(round(b["y"]))
    out[max(0, y0):max(0, y0 + int(round(b["h"]))), max(0, x0):max(0, x0 + int(round(b["w"])))] = True
    return out


def iou(a: np.ndarray, b: np.ndarray) -> float:
    return float((a & b).sum()) / float((a | b).sum())


def disc_mask(w, h, cx, cy, r) -> np.ndarray:
    yy, xx = np.mgrid[0:h, 0:w]
    return (xx + 0.5 - cx) ** 2 + (yy + 0.5 - cy) ** 2 <= r * r


def rect_mask(w, h, x, y, rw, rh) -> np.ndarray:
    m = np.zeros((h, w), dtype=bool)
    m[y:y + rh, x:x + rw] = True
    return m


def l_mask(w, h, x, y, size, thick) -> np.ndarray:
    """An L: a vertical bar and a horizontal foot."""
    m = np.zeros((h, w), dtype=bool)
    m[y:y + size, x:x + thick] = True
    m[y + size - thick:y + size, x:x + size] = True
    return m


def noisy_background(w, h, base=(110, 120, 110), sigma=12.0, seed=1) -> np.ndarray:
    rng = np.random.default_rng(seed)
    arr = np.empty((h, w, 3), dtype=np.float64)
    arr[:] = base
    arr += rng.normal(0, sigma, size=arr.shape)
    return arr


def textured_background(w, h, seed=2) -> np.ndarray:
    """Stripes and a checker of muted browns and grays, plus mild noise."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:h, 0:w]
    checker = ((xx // 12 + yy // 12) % 2).astype(np.float64)
    stripes = (np.sin(xx / 5.0 + yy / 9.0) + 1) / 2
    arr = np.empty((h, w, 3), dtype=np.float64)
    arr[..., 0] = 120 + 30 * checker + 20 * stripes
    arr[..., 1] = 110 + 25 * checker + 10 * stripes
    arr[..., 2] = 95 + 20 * checker
    arr += rng.normal(0, 6, size=arr.shape)
    return arr


def paint(arr: np.ndarray, mask: np.ndarray, color, sigma=0.0, seed=3) -> np.ndarray:
    rng = np.random.default_rng(seed)
    vals = np.array(color, dtype=np.float64) + (rng.normal(0, sigma, size=(int(mask.sum()), 3)) if sigma else 0)
    arr[mask] = vals
    return arr


def to_image(arr: np.ndarray) -> Image.Image:
    return Image.fromarray(np.clip(np.rint(arr), 0, 255).astype(np.uint8), "RGB")
