#!/usr/bin/python3
"""make_fixtures.py - generate the demo workspace loaded by `visionstack --seed fixtures`.

Run with Debian's interpreter from the repository root:

    /usr/bin/python3 tools/make_fixtures.py

Needs python3-pil, python3-numpy and python3-skimage (apt). Only this generator needs
them; the files it writes (fixtures/images/*, fixtures/manifest.json) are plain
JPEG/PNG/JSON.  The output is deterministic: running it twice gives byte-identical
files (fixed encoder parameters, no PNG text/time chunks, no EXIF, ids derived from
fixed names, keys are literal constants below).

Coordinate convention used throughout the manifest (pixel coordinates of the stored
image, origin top-left):
  * pixel (i, j) covers the square [i, i+1) x [j, j+1);
  * bbox {"x","y","w","h"}: x, y is the top-left corner, the box covers columns
    x .. x+w-1 and rows y .. y+h-1;
  * polygon / polyline / point vertices are continuous coordinates in the same frame;
  * the synthetic shapes are rasterised by "pixel is filled iff its centre
    (i+0.5, j+0.5) lies inside the shape (boundary inclusive)", so each shape's
    bbox is exactly the bounding box of its filled pixels (asserted below).
"""

import hashlib
import json
import math
import os
import sys

import numpy as np
from PIL import Image

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "fixtures")
IMAGES = os.path.join(OUT, "images")

# --------------------------------------------------------------------------------------
# Fixed demo identity. Literal constants so that nothing here can drift.
# --------------------------------------------------------------------------------------
WORKSPACE_ID = "a35f96c9-9f7b-4f7a-9ba3-b4cf20c383f3"
VI_SECRET = ("dtvi_UsZB6dG9YWzQgj84ZxcX9EkdYlf73DOYBGUoEQJvu4rURvfjHuVQSiHIH0Zb"
             "JdNEJUOMREO56F96JlDa74UYbR0k7LPDlHCamJ")
VI_ORG_ID = "07c3d844-794f-4bde-a77e-0fd211a7a4f7"
PICTOGRAPH_KEY = "pk_demo_54dd978b50061058a80a78af1786eaea"
XIMILAR_TOKEN = "5e06c2c2f9813e8ba110737b6820c9a60624d51e"
LABELBOX_KEY = "lb_demo_ObDxXExZTn7w3B6p921Jxezh5y0FgqEtGdIgaAaZ"

JPEG_QUALITY = 85
MAX_SIDE = 512


def fixed_uuid(name):
    """A UUID-v4-shaped, lower-case id derived from a fixed name (sha256)."""
    h = bytearray(hashlib.sha256(("visionstack-demo/" + name).encode()).digest()[:16])
    h[6] = (h[6] & 0x0F) | 0x40
    h[8] = (h[8] & 0x3F) | 0x80
    x = h.hex()
    return "%s-%s-%s-%s-%s" % (x[:8], x[8:12], x[12:16], x[16:20], x[20:])


# --------------------------------------------------------------------------------------
# Image writers (deterministic parameters)
# --------------------------------------------------------------------------------------
def save_jpeg(img, name):
    path = os.path.join(IMAGES, name)
    # No exif/icc; baseline; explicit 4:2:0 subsampling (ignored for mode "L").
    img.save(path, format="JPEG", quality=JPEG_QUALITY, optimize=True,
             progressive=False, subsampling=2)
    return path


def save_png(img, name):
    path = os.path.join(IMAGES, name)
    # PIL writes no tIME/tEXt chunks unless asked to; pnginfo is deliberately omitted.
    img.save(path, format="PNG", optimize=False, compress_level=9)
    return path


# --------------------------------------------------------------------------------------
# Photographs: scikit-image sample data (see fixtures/README.md for licences)
# --------------------------------------------------------------------------------------
PHOTOS = ["astronaut", "coffee", "chelsea", "coins", "rocket"]


def make_photos():
    import skimage
    import skimage.data as skd

    lanczos = getattr(Image, "Resampling", Image).LANCZOS
    sizes = {}
    for name in PHOTOS:
        arr = getattr(skd, name)()
        img = Image.fromarray(np.ascontiguousarray(arr))
        if name == "coins":
            assert img.mode == "L", img.mode  # kept grayscale on purpose
        else:
            img = img.convert("RGB")
        w, h = img.size
        if max(w, h) > MAX_SIDE:
            s = MAX_SIDE / max(w, h)
            img = img.resize((int(round(w * s)), int(round(h * s))), lanczos)
        save_jpeg(img, name + ".jpg")
        sizes[name + ".jpg"] = img.size
    return sizes, skimage.__version__


# --------------------------------------------------------------------------------------
# Synthetic shapes with exact geometry
# --------------------------------------------------------------------------------------
def _grid(w, h):
    ys, xs = np.mgrid[0:h, 0:w]
    return xs + 0.5, ys + 0.5  # pixel centres


def mask_rect(w, h, x, y, rw, rh):
    m = np.zeros((h, w), dtype=bool)
    m[y:y + rh, x:x + rw] = True
    return m


def mask_circle(w, h, cx, cy, r):
    xc, yc = _grid(w, h)
    return (xc - cx) ** 2 + (yc - cy) ** 2 <= r * r


def mask_triangle(w, h, apex_x, apex_y, height):
    """Isosceles triangle, apex up, 45-degree sides: vertices (ax, ay),
    (ax + height, ay + height), (ax - height, ay + height)."""
    xc, yc = _grid(w, h)
    return (np.abs(xc - apex_x) <= yc - apex_y) & (yc <= apex_y + height)


def mask_bbox(m):
    ys, xs = np.nonzero(m)
    return {"x": int(xs.min()), "y": int(ys.min()),
            "w": int(xs.max() - xs.min() + 1), "h": int(ys.max() - ys.min() + 1)}


def rect_polygon(b):
    x, y, w, h = b["x"], b["y"], b["w"], b["h"]
    return [[x, y], [x + w, y], [x + w, y + h], [x, y + h]]


def circle_polygon(cx, cy, r, n=32):
    """Regular n-gon inscribed in the circle, vertices rounded to integers."""
    return [[int(round(cx + r * math.cos(2 * math.pi * k / n))),
             int(round(cy + r * math.sin(2 * math.pi * k / n)))] for k in range(n)]


def ellipse_polygon(cx, cy, rx, ry, n=16):
    return [[int(round(cx + rx * math.cos(2 * math.pi * k / n))),
             int(round(cy + ry * math.sin(2 * math.pi * k / n)))] for k in range(n)]


def paint(canvas, m, colour):
    canvas[m] = colour


# Exact specifications. Everything in the manifest for demo-shapes is derived from
# these and cross-checked against the rasterised masks.
RECT_SPEC = {"file": "shapes-rect.png", "size": (128, 128), "bg": (0, 0, 0),
             "rect": {"x": 32, "y": 40, "w": 64, "h": 48}, "colour": (255, 255, 255)}
CIRCLE_SPEC = {"file": "shapes-circle.png", "size": (256, 192), "bg": (128, 128, 128),
               "centre": (128, 96), "r": 48, "colour": (255, 0, 0)}
MULTI_SPEC = {"file": "shapes-multi.png", "size": (320, 240), "bg": (200, 200, 200),
              "rect": {"x": 24, "y": 24, "w": 96, "h": 64}, "rect_colour": (0, 102, 204),
              "circle_centre": (232, 72), "circle_r": 44, "circle_colour": (255, 204, 0),
              "tri_apex": (160, 132), "tri_h": 84, "tri_colour": (0, 153, 68)}
ALPHA_SPEC = {"file": "shapes-alpha.png", "size": (160, 120), "bg": (0, 0, 0, 0),
              "square": {"x": 16, "y": 16, "w": 56, "h": 56},
              "square_colour": (255, 0, 255, 255),
              "circle_centre": (112, 64), "circle_r": 32,
              "circle_colour": (0, 160, 255, 128)}


def make_shapes():
    """Draw the synthetic PNGs; return {file: (size, [objects])} where each object is
    a dict with label, bbox, polygon and (for circles) centre."""
    out = {}

    # shapes-rect.png
    s = RECT_SPEC
    w, h = s["size"]
    c = np.zeros((h, w, 3), np.uint8)
    c[:] = s["bg"]
    m = mask_rect(w, h, s["rect"]["x"], s["rect"]["y"], s["rect"]["w"], s["rect"]["h"])
    paint(c, m, s["colour"])
    assert mask_bbox(m) == s["rect"]
    save_png(Image.fromarray(c, "RGB"), s["file"])
    out[s["file"]] = ((w, h), [
        {"label": "rectangle", "bbox": s["rect"], "polygon": rect_polygon(s["rect"]),
         "pixels": int(m.sum())}])

    # shapes-circle.png
    s = CIRCLE_SPEC
    w, h = s["size"]
    c = np.zeros((h, w, 3), np.uint8)
    c[:] = s["bg"]
    (cx, cy), r = s["centre"], s["r"]
    m = mask_circle(w, h, cx, cy, r)
    paint(c, m, s["colour"])
    bb = mask_bbox(m)
    assert bb == {"x": cx - r, "y": cy - r, "w": 2 * r, "h": 2 * r}, bb
    save_png(Image.fromarray(c, "RGB"), s["file"])
    out[s["file"]] = ((w, h), [
        {"label": "circle", "bbox": bb, "polygon": circle_polygon(cx, cy, r),
         "centre": [cx, cy], "r": r, "pixels": int(m.sum())}])

    # shapes-multi.png
    s = MULTI_SPEC
    w, h = s["size"]
    c = np.zeros((h, w, 3), np.uint8)
    c[:] = s["bg"]
    objs = []
    mr = mask_rect(w, h, s["rect"]["x"], s["rect"]["y"], s["rect"]["w"], s["rect"]["h"])
    (ccx, ccy), cr = s["circle_centre"], s["circle_r"]
    mc = mask_circle(w, h, ccx, ccy, cr)
    (ax, ay), th = s["tri_apex"], s["tri_h"]
    mt = mask_triangle(w, h, ax, ay, th)
    # objects must be well separated: bounding boxes at least 8 px apart
    bbs = [mask_bbox(mr), mask_bbox(mc), mask_bbox(mt)]
    for i in range(3):
        for j in range(i + 1, 3):
            a, b = bbs[i], bbs[j]
            gap_x = max(b["x"] - (a["x"] + a["w"]), a["x"] - (b["x"] + b["w"]))
            gap_y = max(b["y"] - (a["y"] + a["h"]), a["y"] - (b["y"] + b["h"]))
            assert max(gap_x, gap_y) >= 8, (a, b)
    paint(c, mr, s["rect_colour"])
    paint(c, mc, s["circle_colour"])
    paint(c, mt, s["tri_colour"])
    assert mask_bbox(mr) == s["rect"]
    bbc = mask_bbox(mc)
    assert bbc == {"x": ccx - cr, "y": ccy - cr, "w": 2 * cr, "h": 2 * cr}, bbc
    bbt = mask_bbox(mt)
    assert bbt == {"x": ax - th, "y": ay, "w": 2 * th, "h": th}, bbt
    save_png(Image.fromarray(c, "RGB"), s["file"])
    objs.append({"label": "rectangle", "bbox": s["rect"],
                 "polygon": rect_polygon(s["rect"]), "pixels": int(mr.sum())})
    objs.append({"label": "circle", "bbox": bbc, "polygon": circle_polygon(ccx, ccy, cr),
                 "centre": [ccx, ccy], "r": cr, "pixels": int(mc.sum())})
    objs.append({"label": "triangle", "bbox": bbt,
                 "polygon": [[ax, ay], [ax + th, ay + th], [ax - th, ay + th]],
                 "pixels": int(mt.sum())})
    out[s["file"]] = ((w, h), objs)

    # shapes-alpha.png (RGBA; background fully transparent)
    s = ALPHA_SPEC
    w, h = s["size"]
    c = np.zeros((h, w, 4), np.uint8)
    c[:] = s["bg"]
    sq = s["square"]
    ms = mask_rect(w, h, sq["x"], sq["y"], sq["w"], sq["h"])
    (acx, acy), ar = s["circle_centre"], s["circle_r"]
    mc = mask_circle(w, h, acx, acy, ar)
    assert not (ms & mc).any()
    paint(c, ms, s["square_colour"])
    paint(c, mc, s["circle_colour"])
    assert mask_bbox(ms) == sq
    bbc = mask_bbox(mc)
    assert bbc == {"x": acx - ar, "y": acy - ar, "w": 2 * ar, "h": 2 * ar}, bbc
    save_png(Image.fromarray(c, "RGBA"), s["file"])
    out[s["file"]] = ((w, h), [
        {"label": "opaque square", "bbox": sq, "polygon": rect_polygon(sq),
         "pixels": int(ms.sum())},
        {"label": "translucent circle", "bbox": bbc,
         "polygon": circle_polygon(acx, acy, ar), "centre": [acx, acy], "r": ar,
         "pixels": int(mc.sum())}])
    return out


# --------------------------------------------------------------------------------------
# Hand-measured annotations for the photographs (pixel coords of the stored JPEGs:
# astronaut 512x512, coffee 512x341, chelsea 451x300, coins 384x303, rocket 512x342).
# --------------------------------------------------------------------------------------
def bbox(label, x, y, w, h):
    return {"kind": "bbox", "label": label, "geometry": {"x": x, "y": y, "w": w, "h": h}}


def polygon(label, pts):
    return {"kind": "polygon", "label": label, "geometry": {"points": pts}}


def polyline(label, pts):
    return {"kind": "polyline", "label": label, "geometry": {"points": pts}}


def point(label, x, y):
    return {"kind": "point", "label": label, "geometry": {"x": x, "y": y}}


def classification(label):
    return {"kind": "classification", "label": label}


def text(label, t):
    return {"kind": "text", "label": label, "text": t}


def qa(question, answer):
    return text("vqa", json.dumps({"question": question, "answer": answer},
                                  ensure_ascii=False, separators=(",", ":")))


PHOTO_ANNOTATIONS = {
    "astronaut.jpg": [
        bbox("person", 22, 14, 346, 498),
        bbox("face", 181, 67, 92, 106),
        bbox("helmet", 276, 344, 236, 168),
        bbox("space shuttle model", 352, 0, 120, 282),
        bbox("flag", 0, 0, 96, 512),
        polygon("mission patch", [[134, 370], [150, 352], [172, 346], [194, 352],
                                  [210, 370], [214, 392], [206, 412], [186, 426],
                                  [162, 428], [140, 416], [130, 394]]),
        point("nose", 225, 132),
        classification("portrait"),
        text("caption", "Astronaut Eileen Collins in an orange launch suit, smiling, "
                        "with a space shuttle model and an American flag behind her "
                        "and her helmet in the foreground."),
    ],
    "coffee.jpg": [
        bbox("coffee cup", 148, 15, 202, 246),
        bbox("saucer", 68, 62, 340, 268),
        bbox("spoon", 277, 56, 85, 220),
        polygon("crema", ellipse_polygon(244, 122, 71, 42)),
        point("spoon bowl", 312, 242),
        classification("beverage"),
        text("caption", "An espresso with crema in a red cup on a red saucer, with a "
                        "teaspoon, on a wooden table."),
    ],
    "chelsea.jpg": [
        bbox("cat", 0, 0, 398, 300),
        bbox("eye", 136, 84, 70, 60),
        bbox("eye", 296, 109, 50, 54),
        polygon("nose", [[234, 228], [258, 224], [294, 230], [280, 250], [262, 263],
                         [244, 248]]),
        point("pupil", 173, 110),
        classification("cat"),
        text("caption", "Close-up of a tabby cat's face with green eyes and a pink "
                        "nose."),
    ],
    "coins.jpg": [
        bbox("coin", 304, 15, 62, 58),
        bbox("coin", 314, 155, 67, 64),
        bbox("coin", 17, 232, 59, 57),
        bbox("coin", 83, 107, 40, 39),
        bbox("coin", 132, 27, 49, 48),
        polygon("coin", ellipse_polygon(335, 44, 30, 28)),
        point("coin", 347, 187),
        point("coin", 46, 260),
        classification("coins"),
        text("caption", "Twenty-four ancient Greek coins from Pompeii laid out in four "
                        "rows on a dark background (grayscale)."),
    ],
    "rocket.jpg": [
        bbox("rocket", 246, 101, 24, 226),
        bbox("launch pad", 212, 320, 96, 22),
        bbox("lightning tower", 136, 100, 30, 242),
        bbox("lightning tower", 346, 98, 38, 244),
        polyline("rocket axis", [[258, 101], [258, 327]]),
        point("nose cone", 258, 104),
        classification("launch"),
        text("caption", "A Falcon 9 rocket standing on the launch pad at dusk between "
                        "lightning towers, with floodlights glowing at its base."),
    ],
}

VQA_ANNOTATIONS = {
    "coffee.jpg": [
        qa("What drink is in the cup?", "espresso"),
        qa("What colour is the saucer?", "red"),
    ],
    "chelsea.jpg": [
        qa("What animal is shown?", "a cat"),
        qa("What colour are its eyes?", "green"),
    ],
}


def shape_annotations(file, objs):
    anns = []
    for o in objs:
        anns.append({"kind": "bbox", "label": o["label"], "geometry": dict(o["bbox"])})
        anns.append({"kind": "polygon", "label": o["label"],
                     "geometry": {"points": o["polygon"]}})
        if "centre" in o:
            anns.append(point(o["label"] + " centre", *o["centre"]))
    if file == "shapes-multi.png":
        # open path through the three object bbox centres (left to right)
        cs = sorted([[o["bbox"]["x"] + o["bbox"]["w"] // 2,
                      o["bbox"]["y"] + o["bbox"]["h"] // 2] for o in objs])
        anns.append(polyline("connector", cs))
    anns.append(classification("synthetic"))
    desc = "; ".join(
        "%s bbox x=%d y=%d w=%d h=%d (%d px)%s" % (
            o["label"], o["bbox"]["x"], o["bbox"]["y"], o["bbox"]["w"], o["bbox"]["h"],
            o["pixels"],
            (", centre (%d,%d) r=%d" % (o["centre"][0], o["centre"][1], o["r"])
             if "centre" in o else ""))
        for o in objs)
    anns.append(text("caption", desc))
    return anns


SHAPES_DESCRIPTION = (
    "Synthetic PNGs with exact geometry, generated by tools/make_fixtures.py. "
    "shapes-rect.png 128x128: white rectangle x=32 y=40 w=64 h=48 on black. "
    "shapes-circle.png 256x192: red disc centre (128,96) r=48 on gray (128,128,128). "
    "shapes-multi.png 320x240 on (200,200,200): blue rectangle x=24 y=24 w=96 h=64; "
    "yellow disc centre (232,72) r=44; green triangle (160,132) (244,216) (76,216). "
    "shapes-alpha.png 160x120 RGBA, transparent background: opaque magenta square "
    "x=16 y=16 w=56 h=56; cyan disc alpha 128 centre (112,64) r=32. "
    "A pixel is filled iff its centre lies inside the shape; circle polygons are "
    "32-gons with integer-rounded vertices.")


def build_manifest(shapes):
    def assets_for(ds_key, files_and_anns):
        assets = []
        for file, anns in files_and_anns:
            aid = fixed_uuid("%s/asset/%s" % (ds_key, file))
            out_anns = []
            for i, a in enumerate(anns):
                ann = {"id": fixed_uuid("%s/annotation/%s/%d" % (ds_key, file, i))}
                ann.update(a)
                out_anns.append(ann)
            assets.append({"id": aid, "file": file, "directory": "/",
                           "annotations": out_anns})
        return assets

    datasets = [
        {"id": fixed_uuid("dataset/demo-photos"), "name": "demo-photos",
         "type": "phrase-grounding",
         "description": "Five public-domain / CC0 photographs from scikit-image's "
                        "sample data with hand-measured boxes, polygons, points, a "
                        "classification and a caption each.",
         "assets": assets_for("demo-photos",
                              [(f + ".jpg", PHOTO_ANNOTATIONS[f + ".jpg"])
                               for f in PHOTOS])},
        {"id": fixed_uuid("dataset/demo-shapes"), "name": "demo-shapes",
         "type": "phrase-grounding",
         "description": SHAPES_DESCRIPTION,
         "assets": assets_for("demo-shapes",
                              [(f, shape_annotations(f, shapes[f][1]))
                               for f in ("shapes-rect.png", "shapes-circle.png",
                                         "shapes-multi.png", "shapes-alpha.png")])},
        {"id": fixed_uuid("dataset/demo-vqa"), "name": "demo-vqa", "type": "vqa",
         "description": "Visual question answering: each text annotation's text is a "
                        "JSON string {\"question\":...,\"answer\":...}.",
         "assets": assets_for("demo-vqa",
                              [(f, VQA_ANNOTATIONS[f])
                               for f in ("coffee.jpg", "chelsea.jpg")])},
    ]
    return {
        "workspace": {
            "name": "demo",
            "keys": {
                "vi": {"secretKey": VI_SECRET, "organizationId": VI_ORG_ID},
                "pictograph": PICTOGRAPH_KEY,
                "ximilar": XIMILAR_TOKEN,
                "labelbox": LABELBOX_KEY,
            },
            "id": WORKSPACE_ID,
        },
        "datasets": datasets,
    }


# --------------------------------------------------------------------------------------
# Validation
# --------------------------------------------------------------------------------------
def validate(manifest_path):
    import re
    errors = []
    with open(manifest_path, "rb") as f:
        m = json.loads(f.read().decode("utf-8"))
    uuid_re = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
    ws = m["workspace"]
    k = ws["keys"]
    if not re.fullmatch(r"dtvi_[A-Za-z0-9]{98}", k["vi"]["secretKey"]):
        errors.append("vi secretKey format")
    if len(k["vi"]["secretKey"]) != 103:
        errors.append("vi secretKey length %d" % len(k["vi"]["secretKey"]))
    if not uuid_re.match(k["vi"]["organizationId"]):
        errors.append("vi organizationId not a lower-case UUID")
    if not re.fullmatch(r"pk_demo_[0-9a-f]{32}", k["pictograph"]):
        errors.append("pictograph key format")
    if not re.fullmatch(r"[0-9a-f]{40}", k["ximilar"]):
        errors.append("ximilar token format")
    if not re.fullmatch(r"lb_demo_[A-Za-z0-9]{40}", k["labelbox"]):
        errors.append("labelbox key format")
    if not uuid_re.match(ws["id"]):
        errors.append("workspace id not a UUID")

    ids = [ws["id"], k["vi"]["organizationId"]]
    names = set()
    kinds = {"bbox", "polygon", "polyline", "point", "mask", "classification", "text"}
    for ds in m["datasets"]:
        ids.append(ds["id"])
        if not re.fullmatch(r"[a-z0-9-]+", ds["id"]):
            errors.append("dataset id %r has forbidden characters" % ds["id"])
        if ds["name"] in names:
            errors.append("duplicate dataset name " + ds["name"])
        names.add(ds["name"])
        if ds["type"] not in ("phrase-grounding", "vqa", "freeform"):
            errors.append("bad dataset type " + ds["type"])
        seen_files = set()
        for a in ds["assets"]:
            ids.append(a["id"])
            if not uuid_re.match(a["id"]):
                errors.append("asset id %r not a UUID" % a["id"])
            key = (a["directory"], a["file"])
            if key in seen_files:
                errors.append("duplicate asset %r in %s" % (key, ds["name"]))
            seen_files.add(key)
            path = os.path.join(IMAGES, a["file"])
            if not os.path.isfile(path):
                errors.append("missing image " + a["file"])
                continue
            with Image.open(path) as im:
                W, H = im.size
            for an in a["annotations"]:
                ids.append(an["id"])
                if not uuid_re.match(an["id"]):
                    errors.append("annotation id %r not a UUID" % an["id"])
                kd = an["kind"]
                if kd not in kinds or kd == "mask":
                    errors.append("bad kind " + kd)
                g = an.get("geometry")
                where = "%s/%s %s %r" % (ds["name"], a["file"], kd, an["label"])
                if kd == "bbox":
                    if not (g["w"] > 0 and g["h"] > 0 and g["x"] >= 0 and g["y"] >= 0
                            and g["x"] + g["w"] <= W and g["y"] + g["h"] <= H):
                        errors.append("bbox outside image: " + where)
                elif kd in ("polygon", "polyline"):
                    pts = g["points"]
                    if len(pts) < (3 if kd == "polygon" else 2):
                        errors.append("too few points: " + where)
                    for x, y in pts:
                        if not (0 <= x <= W and 0 <= y <= H):
                            errors.append("vertex outside image: " + where)
                            break
                elif kd == "point":
                    if not (0 <= g["x"] <= W and 0 <= g["y"] <= H):
                        errors.append("point outside image: " + where)
                elif kd == "classification":
                    if g is not None or "text" in an:
                        errors.append("classification carries extra fields: " + where)
                elif kd == "text":
                    if not isinstance(an.get("text"), str) or not an["text"]:
                        errors.append("empty text: " + where)
                    if ds["type"] == "vqa":
                        q = json.loads(an["text"])
                        if set(q) != {"question", "answer"}:
                            errors.append("vqa text not {question,answer}: " + where)
    if len(ids) != len(set(ids)):
        errors.append("ids are not unique")
    return errors


def dump_json(obj):
    """Indented JSON with each [x, y] vertex kept on one line."""
    import re
    text = json.dumps(obj, indent=2, ensure_ascii=False)
    num = r"(-?\d+(?:\.\d+)?)"
    # literal newlines never occur inside JSON strings, so this only touches arrays
    return re.sub(r"\[\n\s+" + num + r",\n\s+" + num + r"\n\s+\]", r"[\1, \2]", text)


def main():
    os.makedirs(IMAGES, exist_ok=True)
    photo_sizes, skver = make_photos()
    shapes = make_shapes()

    expected = set(photo_sizes) | set(shapes)
    # remove stale generated images so the folder matches the manifest exactly
    for f in sorted(os.listdir(IMAGES)):
        if f not in expected and f.lower().endswith((".jpg", ".jpeg", ".png")):
            os.remove(os.path.join(IMAGES, f))

    manifest = build_manifest(shapes)
    path = os.path.join(OUT, "manifest.json")
    with open(path, "wb") as f:
        f.write((dump_json(manifest) + "\n").encode("utf-8"))

    errors = validate(path)
    if errors:
        for e in errors:
            print("ERROR:", e, file=sys.stderr)
        return 1
    total = 0
    for dirpath, _, files in sorted(os.walk(OUT)):
        for f in sorted(files):
            p = os.path.join(dirpath, f)
            total += os.path.getsize(p)
            print("%8d  %s" % (os.path.getsize(p), os.path.relpath(p, ROOT)))
    print("%8d  total (scikit-image %s)" % (total, skver))
    return 0


if __name__ == "__main__":
    sys.exit(main())
