"""Server-side NDJSON validation (spec §7.4, seed §9): one invalid line per rule,
each with its expected status, error name and message, next to valid lines that
must still succeed in the same file. The project (conftest `ready`) has the
guide's ontology and one 640x480 data row; a second row exists but is not in the
project."""
import base64
import io
import re
import uuid

import pytest
from PIL import Image

from labelbox.lb_client import ndjson, parse_ndjson, register_remote

W, H = 640, 480


def png_b64(w, h, boxes=(), mode="RGB", bg=(0, 0, 0)):
    img = Image.new(mode, (w, h), bg if mode == "RGB" else 0)
    for color, box in boxes:
        img.paste(color, box)
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return base64.b64encode(buf.getvalue()).decode()


RED = png_b64(W, H, [((255, 0, 0), (10, 10, 50, 50))])


def row(ready):
    return {"globalKey": ready.gk}


def schema_of(ready, name):
    for t in ready.ontology["normalized"]["tools"] + ready.ontology["normalized"]["classifications"]:
        if t["name"] == name:
            return t["featureSchemaId"]
    raise KeyError(name)


# (case id, line factory, expected error name or None for SUCCESS, message pattern)
CASES = [
    ("valid_bbox", lambda r: {"name": "bounding_box", "bbox": {"top": 1, "left": 2, "height": 3, "width": 4}},
     None, None),
    ("valid_by_schema_id", lambda r: {"schemaId": schema_of(r, "point"), "point": {"x": 640, "y": 480}}, None, None),
    ("valid_by_data_row_id", lambda r: {"name": "point", "point": {"x": 0, "y": 0}, "dataRow": {"id": r.row}},
     None, None),
    ("valid_checklist_single_object", lambda r: {"name": "checklist_question",
                                                 "answer": {"name": "first_checklist_answer"}}, None, None),
    ("valid_confidence_everywhere", lambda r: {
        "name": "bbox_with_radio_subclass", "confidence": 0.5, "bbox": {"top": 1, "left": 1, "height": 2, "width": 2},
        "classifications": [{"name": "sub_radio_question", "answer": {"name": "first_sub_radio_answer",
                                                                      "confidence": 0.4}}]}, None, None),
    ("unknown_global_key", lambda r: {"name": "point", "point": {"x": 1, "y": 1},
                                      "dataRow": {"globalKey": "no-such-key"}},
     "DataRowNotFound", r"^dataRow\.globalKey no-such-key invalid$"),
    ("unknown_data_row_id", lambda r: {"name": "point", "point": {"x": 1, "y": 1}, "dataRow": {"id": "cnope"}},
     "DataRowNotFound", r"^dataRow\.id cnope invalid$"),
    ("row_not_in_project", lambda r: {"name": "point", "point": {"x": 1, "y": 1}, "dataRow": {"id": r.outside}},
     "DataRowNotFound", r"invalid$"),
    ("both_id_and_global_key", lambda r: {"name": "point", "point": {"x": 1, "y": 1},
                                          "dataRow": {"id": r.row, "globalKey": r.gk}},
     "ValidationError", r"dataRow"),
    ("no_data_row", lambda r: {"name": "point", "point": {"x": 1, "y": 1}, "dataRow": None},
     "ValidationError", r"dataRow"),
    ("unknown_schema_id", lambda r: {"schemaId": "cdoesnotexist00000000000", "point": {"x": 1, "y": 1}},
     "SchemaIdNotFound", r"^project c[0-9a-f]{24} does not have schemaId cdoesnotexist00000000000$"),
    ("unknown_nested_schema_id", lambda r: {"name": "bbox_with_radio_subclass",
                                            "bbox": {"top": 1, "left": 1, "height": 2, "width": 2},
                                            "classifications": [{"schemaId": "cnestednope000000000000",
                                                                 "answer": {"name": "first_sub_radio_answer"}}]},
     "SchemaIdNotFound", r"does not have schemaId cnestednope000000000000$"),
    ("unknown_name", lambda r: {"name": "no_such_tool", "point": {"x": 1, "y": 1}},
     "ValidationError", r"^Ontology does not contain name: no_such_tool$"),
    ("unknown_option", lambda r: {"name": "radio_question", "answer": {"name": "third_radio_answer"}},
     "ValidationError", r"^Ontology does not contain name: third_radio_answer$"),
    ("payload_kind_mismatch", lambda r: {"name": "polygon", "bbox": {"top": 1, "left": 1, "height": 2, "width": 2}},
     "ValidationError", r"polygon"),
    ("classification_used_as_tool", lambda r: {"name": "radio_question", "point": {"x": 1, "y": 1}},
     "ValidationError", r"is a classification"),
    ("radio_answer_list", lambda r: {"name": "radio_question", "answer": [{"name": "first_radio_answer"}]},
     "ValidationError", r"answer"),
    ("text_answer_not_string", lambda r: {"name": "free_text", "answer": {"name": "x"}},
     "ValidationError", r"answer"),
    ("checklist_empty", lambda r: {"name": "checklist_question", "answer": []}, "ValidationError", r"answer"),
    ("nested_wrong_place", lambda r: {"name": "nested_radio_question", "answer": {
        "name": "first_radio_answer", "classifications": [{"name": "sub_free_text", "answer": "x"}]}},
     "ValidationError", r"sub_free_text"),
    ("polygon_two_points", lambda r: {"name": "polygon", "polygon": [{"x": 1, "y": 1}, {"x": 5, "y": 5},
                                                                     {"x": 1, "y": 1}]},
     "GeometryInvalid", r"^Invalid geometry: Each linear ring must contain at least 4 positions$"),
    ("polyline_one_point", lambda r: {"name": "polyline", "line": [{"x": 1, "y": 1}]},
     "GeometryInvalid", r"^Invalid geometry: "),
    ("bbox_zero_width", lambda r: {"name": "bounding_box", "bbox": {"top": 1, "left": 1, "height": 5, "width": 0}},
     "GeometryInvalid", r"^Invalid geometry: .*positive"),
    ("bbox_outside_image", lambda r: {"name": "bounding_box",
                                      "bbox": {"top": 400, "left": 600, "height": 100, "width": 100}},
     "GeometryInvalid", r"outside the 640x480 image"),
    ("point_outside_image", lambda r: {"name": "point", "point": {"x": -1, "y": 5}},
     "GeometryInvalid", r"outside the 640x480 image"),
    ("polygon_vertex_outside", lambda r: {"name": "polygon", "polygon": [{"x": 1, "y": 1}, {"x": 700, "y": 5},
                                                                         {"x": 5, "y": 9}]},
     "GeometryInvalid", r"outside"),
    ("coordinate_not_number", lambda r: {"name": "point", "point": {"x": "1", "y": 1}},
     "ValidationError", r"point"),
    ("mask_colour_absent", lambda r: {"name": "mask", "mask": {"imBytes": RED}},
     "InvalidAnnotation", r"^Found empty mask$"),
    ("mask_colour_not_in_image", lambda r: {"name": "mask", "mask": {"imBytes": RED, "colorRGB": [0, 255, 0]}},
     "InvalidAnnotation", r"^Found empty mask$"),
    ("mask_colour_invalid", lambda r: {"name": "mask", "mask": {"imBytes": RED, "colorRGB": [256, 0, 0]}},
     "ValidationError", r"^\{'mask': \{'colorRGB': \['Invalid color'\]\}\}$"),
    ("mask_png_empty", lambda r: {"name": "mask", "mask": {"png": png_b64(W, H, mode="L")}},
     "InvalidAnnotation", r"^Found empty mask$"),
    ("mask_wrong_size", lambda r: {"name": "mask", "mask": {"png": png_b64(64, 48, [(1, (0, 0, 5, 5))], "L")}},
     "InvalidAnnotation", r"^Mask dimensions 64x48 do not match data row 640x480$"),
    ("mask_too_large", lambda r: {"name": "mask", "mask": {"png": png_b64(9001, 2, [(1, (0, 0, 5, 1))], "L")}},
     "InvalidAnnotation", r"^Mask dimensions 9001x2 exceed 9000x9000$"),
    ("mask_url_unreachable", lambda r: {"name": "mask", "mask": {"instanceURI": "https://masks.example.com/m.png",
                                                                 "colorRGB": [255, 0, 0]}},
     "FetchImageError", r"^Error while downloading image from url: https://masks\.example\.com/m\.png$"),
    ("mask_not_png", lambda r: {"name": "mask", "mask": {"imBytes": base64.b64encode(b"hello").decode(),
                                                         "colorRGB": [1, 2, 3]}},
     "InvalidAnnotation", r"decode"),
    ("relationship_unknown_end", lambda r: {"name": "relationship", "relationship": {
        "source": str(uuid.uuid4()), "target": str(uuid.uuid4()), "type": "unidirectional"}},
     "InvalidAnnotation", r"^Relationship references unknown annotation "),
    ("confidence_missing_on_children", lambda r: {
        "name": "bbox_with_radio_subclass", "confidence": 0.5, "bbox": {"top": 1, "left": 1, "height": 2, "width": 2},
        "classifications": [{"name": "sub_radio_question", "answer": {"name": "first_sub_radio_answer"}}]},
     "ValidationError", r"Confidence score is specified for the node, however child nodes don't have confidence"),
    ("confidence_out_of_range", lambda r: {"name": "point", "confidence": 1.5, "point": {"x": 1, "y": 1}},
     "ValidationError", r"confidence"),
    ("bad_uuid", lambda r: {"uuid": "not-a-uuid", "name": "point", "point": {"x": 1, "y": 1}},
     "ValidationError", r"uuid"),
    ("no_annotation", lambda r: {"name": "point"}, "ValidationError", r"No annotation"),
    ("two_kinds", lambda r: {"name": "point", "point": {"x": 1, "y": 1}, "bbox": {}}, "ValidationError", r"kinds"),
    ("no_name_or_schema", lambda r: {"point": {"x": 1, "y": 1}}, "ValidationError", r"schemaId"),
]


def build(ready, factory):
    line = factory(ready)
    line.setdefault("uuid", str(uuid.uuid4()))
    if "dataRow" not in line:
        line["dataRow"] = row(ready)
    elif line["dataRow"] is None:
        del line["dataRow"]
    return line


def test_every_rule_in_one_mal_file(ready):
    lines = [build(ready, f) for _, f, _, _ in CASES]
    imp = ready.lb.import_file(ready.project, lines, mal=True)
    assert imp["state"] == "FINISHED"
    statuses = parse_ndjson(ready.lb.fetch(imp["statusFileUrl"]))
    errors = parse_ndjson(ready.lb.fetch(imp["errorFileUrl"]))
    assert len(statuses) == len(CASES)
    by_uuid = {s["uuid"]: s for s in statuses}
    problems = []
    for (case, _, name, pattern), line in zip(CASES, lines):
        s = by_uuid.get(line["uuid"]) or next(x for x in statuses if x["uuid"] not in {l["uuid"] for l in lines})
        if name is None:
            if s["status"] != "SUCCESS" or "errors" in s:
                problems.append((case, s))
            continue
        names = [e["name"] for e in s.get("errors", [])]
        if s["status"] != "FAILURE" or name not in names:
            problems.append((case, s))
            continue
        msg = next(e["message"] for e in s["errors"] if e["name"] == name)
        if not re.search(pattern, msg):
            problems.append((case, msg))
        assert all(set(e) == {"name", "message", "additionalInfo"} and e["additionalInfo"] is None
                   for e in s["errors"])
    assert not problems, problems
    assert len(errors) == sum(1 for c in CASES if c[2]) and all(e["status"] == "FAILURE" for e in errors)


def test_duplicate_uuid_and_invalid_json_lines(ready):
    u = str(uuid.uuid4())
    good = {"uuid": u, "name": "point", "point": {"x": 1, "y": 1}, "dataRow": row(ready)}
    raw = ndjson([good, dict(good)]) + b"\n{not json\n\n" + \
        b'{"name":"point","point":{"x":NaN,"y":1},"dataRow":{"globalKey":"img-1"}}\n'
    imp = ready.lb.import_file(ready.project, None, raw=raw)
    s = parse_ndjson(ready.lb.fetch(imp["statusFileUrl"]))
    assert [x["status"] for x in s] == ["SUCCESS", "FAILURE", "FAILURE", "FAILURE"]  # blank line skipped
    assert s[1]["errors"][0] == {"name": "InvalidAnnotation", "message": f"Duplicate uuid {u}", "additionalInfo": None}
    assert s[2]["errors"][0]["name"] == "ValidationError" and s[2]["dataRow"] == {}
    assert s[3]["errors"][0]["name"] == "GeometryInvalid" and "finite" in s[3]["errors"][0]["message"]


def test_relationships_only_in_mal_and_by_ontology_name(ready):
    a, b = str(uuid.uuid4()), str(uuid.uuid4())
    boxes = [{"uuid": a, "name": "bounding_box", "bbox": {"top": 1, "left": 1, "height": 5, "width": 5},
              "dataRow": row(ready)},
             {"uuid": b, "name": "bounding_box", "bbox": {"top": 9, "left": 9, "height": 5, "width": 5},
              "dataRow": row(ready)}]
    rel = {"name": "relationship", "relationship": {"source": a, "target": b, "type": "bidirectional"},
           "dataRow": row(ready)}
    imp = ready.lb.import_file(ready.project, [rel] + boxes, mal=False)
    s = parse_ndjson(ready.lb.fetch(imp["statusFileUrl"]))
    assert s[0]["errors"] == [{"name": "InvalidAnnotation", "message": "Relationships are supported only for MAL "
                                                                       "imports", "additionalInfo": None}]
    assert [x["status"] for x in s[1:]] == ["SUCCESS", "SUCCESS"]
    # MAL: relationship lines come first and name uuids of later lines; by ontology name needs one match
    point = {"uuid": str(uuid.uuid4()), "name": "point", "point": {"x": 3, "y": 3}, "dataRow": row(ready)}
    by_name = {"name": "relationship", "relationship": {"sourceOntologyName": "point", "target": a,
                                                       "type": "unidirectional"}, "dataRow": row(ready)}
    ambiguous = {"name": "relationship", "relationship": {"sourceOntologyName": "bounding_box", "target": a},
                 "dataRow": row(ready)}
    imp = ready.lb.import_file(ready.project, [rel, by_name, ambiguous] + boxes + [point], mal=True)
    s = parse_ndjson(ready.lb.fetch(imp["statusFileUrl"]))
    assert [x["status"] for x in s] == ["SUCCESS", "SUCCESS", "FAILURE", "SUCCESS", "SUCCESS", "SUCCESS"]
    assert s[2]["errors"][0]["name"] == "InvalidAnnotation"


def test_relationship_to_failed_or_other_row_annotation(lb):
    from labelbox.conftest import make_ready
    ready = make_ready(lb)
    lb.create_batch(ready.project, name="second", data_row_ids=[ready.outside])
    bad, other = str(uuid.uuid4()), str(uuid.uuid4())
    lines = [
        {"name": "relationship", "relationship": {"source": bad, "target": other}, "dataRow": row(ready)},
        {"uuid": bad, "name": "bounding_box", "bbox": {"top": 1, "left": 1, "height": 0, "width": 5},
         "dataRow": row(ready)},
        {"uuid": other, "name": "bounding_box", "bbox": {"top": 1, "left": 1, "height": 5, "width": 5},
         "dataRow": {"id": ready.outside}},
    ]
    s = parse_ndjson(lb.fetch(lb.import_file(ready.project, lines)["statusFileUrl"]))
    msgs = [e["message"] for e in s[0]["errors"]]
    assert any("failed to import" in m for m in msgs) and any("another data row" in m for m in msgs)


def test_mask_checks_skipped_when_size_unknown_then_applied_once_known(server, lb):
    """An outside row-data URL is never fetched: until bytes are registered for it
    the image size is unknown and size checks are skipped, not failed."""
    url = "https://images.example.com/later.png"
    ds = lb.create_dataset()
    lb.create_data_rows(ds["id"], [{"row_data": url, "global_key": "later"}])
    ont = lb.create_ontology()
    project = lb.create_project()
    lb.connect_ontology(project["id"], ont["id"])
    lb.create_batch(project["id"], global_keys=["later"])
    small = png_b64(64, 48, [(1, (0, 0, 5, 5))], "L")
    far = {"name": "point", "point": {"x": 5000, "y": 5000}, "dataRow": {"globalKey": "later"}}
    mask = {"name": "mask", "mask": {"png": small}, "dataRow": {"globalKey": "later"}}
    s = parse_ndjson(lb.fetch(lb.import_file(project["id"], [far, mask])["statusFileUrl"]))
    assert [x["status"] for x in s] == ["SUCCESS", "SUCCESS"]
    buf = io.BytesIO()
    Image.new("RGB", (100, 80)).save(buf, format="PNG")
    register_remote(server, url, buf.getvalue(), "image/png")
    s = parse_ndjson(lb.fetch(lb.import_file(project["id"], [far, mask])["statusFileUrl"]))
    assert [x["errors"][0]["name"] for x in s] == ["GeometryInvalid", "InvalidAnnotation"]
    assert s[1]["errors"][0]["message"] == "Mask dimensions 64x48 do not match data row 100x80"


def test_status_lines_escape_global_keys(lb):
    """Status lines are JSON whatever the global key holds (quotes, backslashes,
    control characters, non-ASCII)."""
    from labelbox.conftest import make_ready
    gk = 'we"ird\\key\tñ✓'
    ready = make_ready(lb, gk=gk)
    imp = lb.import_file(ready.project, [{"name": "point", "point": {"x": 1, "y": 1}, "dataRow": {"globalKey": gk}}])
    raw = __import__("requests").get(imp["statusFileUrl"], timeout=30).content
    assert b"\x00" not in raw and b"\n" not in raw
    s = parse_ndjson(raw.decode())
    assert s[0]["dataRow"] == {"id": ready.row, "globalKey": gk} and s[0]["status"] == "SUCCESS"
