"""Dataset exports (spec §7.4, §11) and annotation-only exports in every format
the guide lists (§13.1), downloaded the way the client does (HEAD, then exact
Range GETs), each archive parsed as its format: COCO JSON, YOLO Darknet and
Keras/PyTorch, Pascal VOC XML, both CSVs, Vi JSONL, TFRecord with CRC32C framing
and tf.train.Example records. Includes the COCO/VOC round trip."""
import csv
import io
import json
import struct
import xml.etree.ElementTree as ET

import pytest

from conftest import crc32c
from vi.vi_client import check_vi_error, jsonl

FORMATS = ["Coco", "YoloDarknet", "YoloKerasPytorch", "PascalVoc", "CsvFourCorner", "CsvWidthHeight", "ViJsonl",
           "ViTfrecord"]

# cat.jpg 640x480, couch.png 200x100, dog.jpg 320x240 (fixture `pg`)
BOXES = {
    "cat.jpg": [("cat", [0.1, 0.2, 0.5, 0.7]), ("couch", [0.6, 0.2, 0.9, 0.7])],
    "dog.jpg": [("dog", [0.25, 0.125, 0.75, 0.875])],
}
SIZES = {"cat.jpg": (640, 480), "couch.png": (200, 100), "dog.jpg": (320, 240)}


def pixel_boxes(name):
    w, h = SIZES[name]
    return sorted((p, [b[0] * w, b[1] * h, b[2] * w, b[3] * h]) for p, b in BOXES.get(name, []))


@pytest.fixture
def annotated(pg):
    vi, dsid, assets = pg
    lines = [{"asset_id": n, "caption": " and ".join(p for p, _ in boxes),
              "grounded_phrases": [{"phrase": p, "bbox": b} for p, b in boxes]} for n, boxes in BOXES.items()]
    s = vi.upload_annotations(dsid, {"boxes.jsonl": jsonl(*lines)})
    assert vi.total_annotations(s) == 2
    return vi, dsid, assets


def close(a, b, tol=1.0):
    return len(a) == len(b) and all(abs(x - y) <= tol for x, y in zip(a, b))


def same_boxes(got, want, tol=1.0):
    got, want = sorted(got), sorted(want)
    return len(got) == len(want) and all(g[0] == w[0] and close(g[1], w[1], tol) for g, w in zip(got, want))


# --------------------------------------------------------------- per-format parsers


def read_tfrecords(data: bytes):
    out, pos = [], 0
    mask = lambda c: (((c >> 15) | (c << 17)) + 0xA282EAD8) & 0xFFFFFFFF  # noqa: E731
    while pos < len(data):
        (n,) = struct.unpack_from("<Q", data, pos)
        (lcrc,) = struct.unpack_from("<I", data, pos + 8)
        assert lcrc == mask(crc32c(data[pos:pos + 8]))
        rec = data[pos + 12:pos + 12 + n]
        (dcrc,) = struct.unpack_from("<I", data, pos + 12 + n)
        assert dcrc == mask(crc32c(rec))
        out.append(parse_example(rec))
        pos += 16 + n
    return out


def _varint(b, i):
    v = s = 0
    while True:
        c = b[i]
        i += 1
        v |= (c & 0x7F) << s
        s += 7
        if not c & 0x80:
            return v, i


def _fields(b):
    i = 0
    while i < len(b):
        tag, i = _varint(b, i)
        assert tag & 7 == 2, "every field here is length-delimited"
        n, i = _varint(b, i)
        yield tag >> 3, b[i:i + n]
        i += n


def parse_example(rec: bytes) -> dict:
    """tf.train.Example → {key: list of values}."""
    feats = {}
    for f, features in _fields(rec):
        assert f == 1
        for g, entry in _fields(features):
            assert g == 1
            kv = dict(_fields(entry))
            key = kv[1].decode()
            kind, body = next(_fields(kv[2])) if kv[2] else (1, b"")
            vals = []
            if kind == 1:
                vals = [v for _, v in _fields(body)]
            elif kind == 2:
                for _, packed in _fields(body):
                    vals += list(struct.unpack(f"<{len(packed) // 4}f", packed))
            elif kind == 3:
                for _, packed in _fields(body):
                    j = 0
                    while j < len(packed):
                        v, j = _varint(packed, j)
                        vals.append(v)
            feats[key] = vals
    return feats


def boxes_from(z, fmt, split="dump", normalized=True):
    """{filename: [(label, [x0,y0,x1,y1] pixels)]} read back from an archive
    (CSV values are scaled back to pixels when the export was normalized)."""
    names = z.namelist()
    out = {}
    if fmt == "Coco":
        doc = json.loads(z.read(f"{split}/annotations.json"))
        cats = {c["id"]: c["name"] for c in doc["categories"]}
        imgs = {i["id"]: i for i in doc["images"]}
        for i in doc["images"]:
            assert isinstance(i["width"], int) and isinstance(i["id"], int)
            out[i["file_name"]] = []
        for a in doc["annotations"]:
            assert a["iscrowd"] == 0 and isinstance(a["category_id"], int)
            x, y, w, h = a["bbox"]
            assert abs(a["area"] - w * h) < 1e-6
            out[imgs[a["image_id"]]["file_name"]].append((cats[a["category_id"]], [x, y, x + w, y + h]))
    elif fmt == "PascalVoc":
        for n in names:
            if n.startswith(f"{split}/annotations/") and n.endswith(".xml"):
                root = ET.fromstring(z.read(n))
                fname = root.findtext("filename")
                w, h = int(root.findtext("size/width")), int(root.findtext("size/height"))
                assert (w, h) == SIZES[fname]
                out[fname] = [(o.findtext("name"), [float(o.findtext(f"bndbox/{k}")) for k in
                                                     ("xmin", "ymin", "xmax", "ymax")]) for o in root.iter("object")]
    elif fmt in ("YoloDarknet", "YoloKerasPytorch"):
        classes = z.read("classes.txt").decode().splitlines()
        if fmt == "YoloDarknet":
            for n in names:
                if n.startswith(f"{split}/labels/"):
                    stem = n.rsplit("/", 1)[1][:-4]
                    fname = next(f for f in SIZES if f.rsplit(".", 1)[0] == stem)
                    w, h = SIZES[fname]
                    rows = []
                    for line in z.read(n).decode().splitlines():
                        c, cx, cy, bw, bh = line.split()
                        cx, cy, bw, bh = (float(v) for v in (cx, cy, bw, bh))
                        rows.append((classes[int(c)], [(cx - bw / 2) * w, (cy - bh / 2) * h, (cx + bw / 2) * w,
                                                       (cy + bh / 2) * h]))
                    out[fname] = rows
        else:
            for line in z.read(f"{split}/annotations.txt").decode().splitlines():
                parts = line.split(" ")
                rows = []
                for p in parts[1:]:
                    x0, y0, x1, y1, c = (int(v) for v in p.split(","))
                    rows.append((classes[c], [x0, y0, x1, y1]))
                out[parts[0]] = rows
    elif fmt in ("CsvFourCorner", "CsvWidthHeight"):
        rows = list(csv.DictReader(io.StringIO(z.read(f"{split}/annotations.csv").decode())))
        for r in rows:
            x0, y0 = float(r["xmin"]), float(r["ymin"])
            if fmt == "CsvFourCorner":
                x1, y1 = float(r["xmax"]), float(r["ymax"])
            else:
                x1, y1 = x0 + float(r["width"]), y0 + float(r["height"])
            sx, sy = SIZES[r["filename"]] if normalized else (1, 1)
            out.setdefault(r["filename"], []).append((r["label"], [x0 * sx, y0 * sy, x1 * sx, y1 * sy]))
    elif fmt == "ViJsonl":
        for n in names:
            if n.endswith(".jsonl"):
                for line in z.read(n).decode().splitlines():
                    doc = json.loads(line)
                    w, h = doc["asset"]["width"], doc["asset"]["height"]
                    assert doc["asset_id"] and doc["contents"]["type"] == "PhraseGrounding"
                    gp = doc["contents"]["groundedPhrases"]
                    out[doc["asset"]["filename"]] = [
                        (g["phrase"], [g["bounds"][0][0] * w, g["bounds"][0][1] * h, g["bounds"][2][0] * w,
                                       g["bounds"][2][1] * h]) for g in gp]
                    guide = [(g["phrase"], [g["bbox"][0] * w, g["bbox"][1] * h, g["bbox"][2] * w, g["bbox"][3] * h])
                             for g in doc["grounded_phrases"]]
                    assert same_boxes(guide, out[doc["asset"]["filename"]], 1e-6)
    elif fmt == "ViTfrecord":
        for ex in read_tfrecords(z.read(f"{split}/{split}.tfrecord")):
            fname = ex["image/filename"][0].decode()
            w, h = ex["image/width"][0], ex["image/height"][0]
            assert (w, h) == SIZES[fname]
            assert "image/encoded" not in ex
            labels = [t.decode() for t in ex["image/object/class/text"]]
            assert len(ex["image/object/class/label"]) == len(labels)
            out[fname] = [(labels[i], [ex["image/object/bbox/xmin"][i] * w, ex["image/object/bbox/ymin"][i] * h,
                                       ex["image/object/bbox/xmax"][i] * w, ex["image/object/bbox/ymax"][i] * h])
                          for i in range(len(labels))]
    return out


@pytest.mark.parametrize("fmt", FORMATS)
def test_annotation_export_each_format(annotated, fmt):
    vi, dsid, assets = annotated
    z = vi.export_zip(dsid, fmt)
    got = boxes_from(z, fmt)
    for name in BOXES:
        assert same_boxes(got.get(name, []), pixel_boxes(name)), (fmt, name, got.get(name))
    if fmt in ("Coco", "PascalVoc", "YoloDarknet", "YoloKerasPytorch", "ViJsonl", "ViTfrecord"):
        assert set(got) == set(SIZES), (fmt, sorted(got))  # images without boxes are listed too
    if fmt == "ViJsonl":
        assert all("/" not in n for n in z.namelist()), "annotation-only JSONL files sit at the archive root"


def test_round_trip_coco_and_voc_within_a_pixel(annotated):
    """Import phrase-grounding JSONL → export COCO and Pascal VOC → same boxes (±1 px)."""
    vi, dsid, assets = annotated
    for fmt in ("Coco", "PascalVoc"):
        got = boxes_from(vi.export_zip(dsid, fmt), fmt)
        for name in SIZES:
            assert same_boxes(got.get(name, []), pixel_boxes(name), 1.0), (fmt, name)


def test_export_units_and_splits(annotated):
    vi, dsid, assets = annotated
    # CSV in pixels when normalized is false, in [0,1] when true
    z = vi.export_zip(dsid, "CsvFourCorner", normalized=False)
    rows = list(csv.DictReader(io.StringIO(z.read("dump/annotations.csv").decode())))
    assert max(float(r["xmax"]) for r in rows) > 1
    z = vi.export_zip(dsid, "CsvFourCorner", normalized=True)
    rows = list(csv.DictReader(io.StringIO(z.read("dump/annotations.csv").decode())))
    assert all(0 <= float(r[k]) <= 1 for r in rows for k in ("xmin", "ymin", "xmax", "ymax"))
    # splitRatio: first round(ratio*N) assets by id go to training
    z = vi.export_zip(dsid, "Coco", split=0.67)
    train = json.loads(z.read("training/annotations.json"))
    val = json.loads(z.read("validation/annotations.json"))
    ids = sorted((a["assetId"], a["filename"]) for a in assets.values())
    assert sorted(i["file_name"] for i in train["images"]) == sorted(n for _, n in ids[:2])
    assert [i["file_name"] for i in val["images"]] == [ids[2][1]]


def test_annotation_export_rules(annotated, vi):
    pgvi, dsid, assets = annotated
    path = f"{pgvi.d(dsid)}/annotationExports"
    msg = check_vi_error(pgvi.call("POST", path, {"spec": {"format": "ViFull", "options": {"normalized": True,
                                                                                           "splitRatio": None}}}), 400)
    assert msg == "ViFull is not available for annotation-only export"
    check_vi_error(pgvi.call("POST", path, {"spec": {"format": "Yolo", "options": {}}}), 400)
    check_vi_error(pgvi.call("POST", path, {"spec": {"format": "Coco", "options": {"splitRatio": 2}}}), 400)
    check_vi_error(pgvi.call("POST", path, {"spec": {"format": "Coco", "options": {"normalized": "yes"}}}), 400)
    vqa = vi.dataset_id(vi.create_dataset("q", "vqa"))
    ff = vi.dataset_id(vi.create_dataset("f", "freeform"))
    for fmt in FORMATS:
        r = vi.call("POST", f"{vi.d(vqa)}/annotationExports", {"spec": {"format": fmt, "options": {}}})
        assert r.status_code == (200 if fmt in ("ViJsonl", "ViTfrecord") else 400), (fmt, r.text)
        r = vi.call("POST", f"{vi.d(ff)}/annotationExports", {"spec": {"format": fmt, "options": {}}})
        assert r.status_code == (200 if fmt == "ViJsonl" else 400), (fmt, r.text)
    # the list is one page; dataset exports never list annotation exports
    page = pgvi.ok("GET", path)
    assert page["nextPage"] is None
    assert pgvi.ok("GET", f"{pgvi.d(dsid)}/datasetExports")["items"] == []
    check_vi_error(pgvi.call("GET", f"{path}/00000000-0000-4000-8000-000000000000"), 404)


def test_default_annotation_download_is_vi_jsonl(annotated):
    """annotations.download() with no settings: ViJsonl; the guide reads annotation['asset_id']."""
    vi, dsid, assets = annotated
    e = vi.ok("POST", f"{vi.d(dsid)}/annotationExports", {"spec": {"options": {"normalized": True,
                                                                                 "splitRatio": None}}})
    assert e["spec"]["format"] == "ViJsonl" and e["kind"] == "ExportedAnnotations"
    z = vi.export_zip(dsid, "ViJsonl")
    lines = [json.loads(l) for n in z.namelist() if n.endswith(".jsonl") for l in z.read(n).decode().splitlines()]
    assert {l["asset_id"] for l in lines} == {a["assetId"] for a in assets.values()}


@pytest.mark.parametrize("fmt", ["ViFull", "ViJsonl", "ViTfrecord"])
def test_dataset_export(annotated, fmt):
    vi, dsid, assets = annotated
    z = vi.export_zip(dsid, fmt, annotation=False)
    names = z.namelist()
    if fmt == "ViTfrecord":
        recs = read_tfrecords(z.read("dump/dump.tfrecord"))
        assert sorted(r["image/filename"][0].decode() for r in recs) == sorted(SIZES)
        assert all(len(r["image/encoded"][0]) > 0 for r in recs)
        return
    # one file per image, one line per file, ordinal names in the byte order of the image names
    jsonls = sorted(n for n in names if n.startswith("dump/annotations/"))
    assert jsonls == [f"dump/annotations/{i:08d}.jsonl" for i in range(1, 4)]
    files = [json.loads(z.read(n)) for n in jsonls]
    assert [f["asset"]["filename"] for f in files] == sorted(SIZES)
    images = sorted(n for n in names if n.startswith("dump/images/"))
    if fmt == "ViFull":
        assert images == [f"dump/images/{n}" for n in sorted(SIZES)]
        for a in assets.values():
            assert len(z.read(f"dump/images/{a['filename']}")) == a["metadata"]["fileSize"]
    else:
        assert images == []
    couch = files[sorted(SIZES).index("couch.png")]
    assert couch["contents"] == {"type": "PhraseGrounding", "caption": "", "groundedPhrases": []}


def test_dataset_export_listing_and_validation(annotated):
    vi, dsid, assets = annotated
    e = vi.export(dsid, "ViJsonl", annotation=False, split=0.5)
    assert e["kind"] == "DatasetExport"
    page = vi.ok("GET", f"{vi.d(dsid)}/datasetExports")
    assert page["nextPage"] is None and [x["datasetExportId"] for x in page["items"]] == [e["datasetExportId"]]
    check_vi_error(vi.call("POST", f"{vi.d(dsid)}/datasetExports", {"spec": {"format": "Coco", "options": {}}}), 400)
    # the client's defaults: ViFull, normalized true, splitRatio null
    d = vi.ok("POST", f"{vi.d(dsid)}/datasetExports", {"spec": {"format": "ViFull", "options": {
        "normalized": True, "splitRatio": None}}})
    assert d["spec"] == {"format": "ViFull", "options": {"normalized": True, "splitRatio": None}}


def test_download_url_head_and_range(annotated):
    vi, dsid, assets = annotated
    import requests
    e = vi.export(dsid, "ViJsonl", annotation=False)
    url = e["status"]["downloadUrl"]["url"]
    whole = requests.get(url, timeout=30)
    assert whole.status_code == 200 and whole.headers["Content-Type"] == "application/zip"
    h = requests.head(url, timeout=30)
    assert int(h.headers["Content-Length"]) == len(whole.content)
    r = requests.get(url, headers={"Range": "bytes=10-19"}, timeout=30)
    assert r.status_code == 206 and r.content == whole.content[10:20]
    assert r.headers["Content-Range"] == f"bytes 10-19/{len(whole.content)}"
    assert vi.download(url) == whole.content


def test_other_dialects_annotations_export(demo_vi):
    """The demo fixtures (core rows: bbox, polygon, caption) export as COCO and VQA JSONL."""
    shapes = "b8161e12-3f81-4cca-ac09-36ee945c88cb"
    z = demo_vi.export_zip(shapes, "Coco")
    doc = json.loads(z.read("dump/annotations.json"))
    cats = {c["id"]: c["name"] for c in doc["categories"]}
    rect = next(i for i in doc["images"] if i["file_name"] == "shapes-rect.png")
    boxes = [a["bbox"] for a in doc["annotations"] if a["image_id"] == rect["id"] and cats[a["category_id"]] == "rectangle"]
    assert any(close(b, [32, 40, 64, 48], 1e-6) for b in boxes)
    z = demo_vi.export_zip("32ea5779-a226-44f6-accf-d8f7ce526dd6", "ViJsonl")
    lines = [json.loads(l) for n in z.namelist() for l in z.read(n).decode().splitlines()]
    coffee = next(l for l in lines if l["asset"]["filename"] == "coffee.jpg")
    assert coffee["contents"]["type"] == "Vqa"
    assert [i["answer"] for i in coffee["contents"]["interactions"]] == ["espresso", "red"]
    z = demo_vi.export_zip("32ea5779-a226-44f6-accf-d8f7ce526dd6", "ViTfrecord")
    recs = read_tfrecords(z.read("dump/dump.tfrecord"))
    assert sorted(a.decode() for r in recs for a in r["vqa/answer"]) == ["a cat", "espresso", "green", "red"]


def test_exported_jsonl_lines_upload_again(annotated, vi):
    """Exported Vi JSONL lines (canonical + guide keys) are valid upload lines."""
    src, dsid, assets = annotated
    z = src.export_zip(dsid, "ViJsonl")
    data = b"".join(z.read(n) for n in z.namelist() if n.endswith(".jsonl"))
    # same images in a second dataset of the same workspace, matched by asset.filename
    dst = src.dataset_id(src.create_dataset("copy"))
    from vi.vi_client import jpeg_bytes, png_bytes
    files = {n: (png_bytes(w, h) if n.endswith(".png") else jpeg_bytes(w, h)) for n, (w, h) in SIZES.items()}
    src.upload_assets(dst, files)
    # asset_id names assets of the source dataset: drop it so asset.filename decides
    lines = [json.loads(l) for l in data.decode().splitlines()]
    for l in lines:
        l.pop("asset_id")
    s = src.upload_annotations(dst, {"again.jsonl": jsonl(*lines)})
    assert src.total_annotations(s) == len(lines) == 3
    got = boxes_from(src.export_zip(dst, "Coco"), "Coco")
    for name in SIZES:
        assert same_boxes(got.get(name, []), pixel_boxes(name), 1e-6)
    # the same export uploaded into its own dataset: every line id exists, so the
    # client's RejectSession fails the session and Warn replaces, never duplicates
    s = src.upload_annotations(dsid, {"again.jsonl": data})
    assert s["status"]["conditions"][-1]["status"] == "FailedReach" and "already exists" in s["status"]["reason"]
    s = src.upload_annotations(dsid, {"again.jsonl": data}, policies={"onOverwritten": "Warn"})
    assert src.total_annotations(s) == 3
    again = boxes_from(src.export_zip(dsid, "Coco"), "Coco")
    for name in SIZES:
        assert same_boxes(again.get(name, []), pixel_boxes(name), 1e-6)
