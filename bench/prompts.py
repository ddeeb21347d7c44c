#!/usr/bin/python3
"""prompts.py — auto-annotate (point, box, text) and prediction latency on the fixture photos.

The five fixture photographs (fixtures/images/*.jpg at their own sizes: astronaut
512x512, chelsea 451x300, coffee 512x341, coins 384x303 greyscale, rocket 512x342) are
uploaded to a Pictograph dataset through the 3-step upload (bench/pictograph_point.py's
PgServer). For each photo and each prompt kind:

  cold    the first prompt of that kind on a byte-distinct copy of the photo (one pixel
          changed, so nothing is cached): JPEG decode, colour analysis, segmentation,
          opening the image session, the credit charge and the reply;
  cached  --prompts further prompts on the original photo once its session is open:
          point — clicks on a 5x5 grid; box — a box of a third of the image centred on
          each grid point; text — "object", "person", "red", "round", "dark" in turn
          (the emulator reads colour and shape words, spec/README).

Prediction (if the build serves POST /v1/chat/completions): the same five photos as
base64 data URLs in an OpenAI-style chat completion on the built-in model
(`visionstack-base`), with the vendor client's phrase-grounding response_format and
prompt (the request body of bench/predict_latency.py, imported), --prompts requests
per photo after 3 untimed warm-up requests each.

Times are client-side wall clock per HTTP request (Python `requests`, one kept-alive
loopback connection); the server's own duration for the same requests, from its access
log, is printed beside them. Medians over all photos. Prints a table and
RESULT<TAB>name<TAB>median<TAB>min<TAB>max<TAB>unit lines.

    /usr/bin/python3 bench/prompts.py [--prompts 25] [--bin build/visionstack]
"""
import argparse
import io
import os
import statistics
import sys
import time

from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pictograph_point  # noqa: E402  (PgServer: server, workspace, credits, dataset, 3-step upload)
import predict_latency  # noqa: E402  (body(): the chat-completions request the vendor client sends)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PHOTOS = ["astronaut.jpg", "chelsea.jpg", "coffee.jpg", "coins.jpg", "rocket.jpg"]
WORDS = ["object", "person", "red", "round", "dark"]
KINDS = ("point", "box", "text")


def variant(path, salt):
    """The photo re-encoded with one pixel changed: a new blob, nothing cached."""
    im = Image.open(path)
    im = im.convert("L" if im.mode == "L" else "RGB")
    im.putpixel((salt % im.width, 0), 7 * salt % 256 if im.mode == "L" else (salt % 256, 255 - salt % 256, 7))
    buf = io.BytesIO()
    im.save(buf, format="JPEG", quality=90)
    return buf.getvalue()


def grid(w, h, n=5):
    return [(w * (gx + 1) // (n + 1), h * (gy + 1) // (n + 1)) for gy in range(n) for gx in range(n)]


def prompt_body(kind, image, i, w, h):
    pts = grid(w, h)
    x, y = pts[i % len(pts)]
    if kind == "point":
        return {"dataset_name": "bench", "image_filename": image, "x": x, "y": y, "score_threshold": 0.0}
    if kind == "box":
        bw, bh = w // 3, h // 3
        bx, by = min(max(x - bw // 2, 0), w - bw), min(max(y - bh // 2, 0), h - bh)
        return {"dataset_name": "bench", "image_filename": image, "box": {"x": bx, "y": by, "w": bw, "h": bh},
                "confidence_threshold": 0.0}
    return {"dataset_name": "bench", "image_filename": image, "text_prompt": WORDS[i % len(WORDS)],
            "confidence_threshold": 0.0}


def timed(pg, kind, body):
    t0 = time.perf_counter()
    r = pg.post(f"/auto-annotate/sam3/{kind}", body)
    dt = (time.perf_counter() - t0) * 1000
    assert r.status_code == 200 and r.json()["status"] in ("success", "no_detection", "below_threshold"), r.text
    return dt


def summary(xs):
    xs = sorted(xs)
    return statistics.median(xs), xs[0], xs[-1], xs[min(len(xs) - 1, int(0.9 * len(xs)))]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bin", default=os.environ.get("VISIONSTACK_BIN", os.path.join(ROOT, "build", "visionstack")))
    ap.add_argument("--prompts", type=int, default=25, help="cached prompts per photo and kind")
    a = ap.parse_args()
    pg = pictograph_point.PgServer(os.path.abspath(a.bin))
    rows = []
    try:
        sizes = {}
        for n in PHOTOS:
            path = os.path.join(ROOT, "fixtures", "images", n)
            data = open(path, "rb").read()
            sizes[n] = Image.open(path).size
            pg.upload(n, data)
            for k, kind in enumerate(KINDS):
                pg.upload(f"{kind}-{n}", variant(path, 1 + k))
        client = {}
        order = []  # (kind, phase) of every prompt, in order, to pair with the access log
        for kind in KINDS:
            cold = []
            for n in PHOTOS:
                w, h = sizes[n]
                cold.append(timed(pg, kind, prompt_body(kind, f"{kind}-{n}", 0, w, h)))
                order.append((kind, "cold"))
            client[(kind, "cold")] = cold
        for kind in KINDS:
            cached = []
            for n in PHOTOS:
                w, h = sizes[n]
                timed(pg, kind, prompt_body(kind, n, 0, w, h))  # opens the session (point) / warms (others)
                order.append((kind, "warm"))
                for i in range(a.prompts):
                    cached.append(timed(pg, kind, prompt_body(kind, n, i + 1, w, h)))
                    order.append((kind, "cached"))
            client[(kind, "cached")] = cached
        server = {}
        logs = {kind: iter(pg.server_ms(f"POST /api/v1/developer/auto-annotate/sam3/{kind}")) for kind in KINDS}
        for kind, phase in order:
            v = next(logs[kind], None)
            if v is not None and phase != "warm":
                server.setdefault((kind, phase), []).append(v)
        for kind in KINDS:
            for phase in ("cold", "cached"):
                c = summary(client[(kind, phase)])
                s = summary(server.get((kind, phase), [float("nan")]))
                rows.append((f"Pictograph {kind}, {phase}", len(client[(kind, phase)]), c, s))

        # Prediction through the OpenAI-compatible surface, if this build serves it.
        probe = pg.http.post(pg.base + "/v1/chat/completions",
                             json=predict_latency.body("visionstack-base", open(
                                 os.path.join(ROOT, "fixtures", "images", PHOTOS[0]), "rb").read()), timeout=60)
        if probe.status_code == 200:
            times = []
            for n in PHOTOS:
                payload = predict_latency.body("visionstack-base",
                                               open(os.path.join(ROOT, "fixtures", "images", n), "rb").read())
                for _ in range(3):
                    assert pg.http.post(pg.base + "/v1/chat/completions", json=payload, timeout=60).status_code == 200
                for _ in range(a.prompts):
                    t0 = time.perf_counter()
                    r = pg.http.post(pg.base + "/v1/chat/completions", json=payload, timeout=60)
                    times.append((time.perf_counter() - t0) * 1000)
                    assert r.status_code == 200, r.text
            srv = pg.server_ms("POST /v1/chat/completions")[-len(times):]
            rows.append(("prediction: POST /v1/chat/completions, phrase grounding", len(times), summary(times),
                         summary(srv)))
        else:
            print(f"POST /v1/chat/completions answered {probe.status_code}: prediction not measured")
    finally:
        rc = pg.stop()
    print()
    print("| series (5 fixture photos) | n | client median | min – max | p90 | server median |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, n, c, s in rows:
        print(f"| {name} | {n} | {c[0]:.2f} ms | {c[1]:.2f} – {c[2]:.2f} | {c[3]:.2f} | {s[0]:.2f} ms |")
    for name, n, c, s in rows:
        print(f"RESULT\t{name} (fixture photos)\t{c[0]:.2f}\t{c[1]:.2f}\t{c[2]:.2f}\tms (server median {s[0]:.2f})")
    return 1 if rc else 0


if __name__ == "__main__":
    sys.exit(main())
