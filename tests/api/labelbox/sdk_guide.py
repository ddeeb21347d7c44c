"""The vendor guide "Import image annotations", run through the real Labelbox
Python SDK against visionstack with only the endpoint changed.

Usage: python sdk_guide.py BASE_URL API_KEY
Prints one JSON object (the guide's printed values) on the last line of stdout.

Offline stand-ins, and nothing else: the guide's cloud-storage image and
composite mask are registered as remote files (PUT /_emulator/remote-files) under
their exact URLs, and the guide's client-side `requests.get(cp_mask_url)` reads
those same bytes from the control plane instead of the internet.
"""
import base64
import io
import json
import sys
import uuid

import requests
from PIL import Image

import labelbox as lb
import labelbox.types as lb_types

BASE, API_KEY = sys.argv[1].rstrip("/"), sys.argv[2]
IMG_URL = "https://storage.googleapis.com/labelbox-datasets/image_sample_data/2560px-Kitano_Street_Kobe01s5s4110.jpeg"
CP_MASK_URL = "https://storage.googleapis.com/labelbox-datasets/image_sample_data/composite_mask.png"
W, H = 2560, 1707
TEXT_SUBCLASS_COLORS = [(73, 39, 85), (111, 87, 176), (23, 169, 254)]
OTHER_COLORS = [(255, 0, 0), (0, 128, 0)]


def register(url, data, ctype):
    r = requests.put(BASE + "/_emulator/remote-files",
                     json={"url": url, "contentType": ctype, "base64": base64.b64encode(data).decode()})
    r.raise_for_status()


def make_assets():
    img = Image.new("RGB", (W, H), (90, 120, 150))
    buf = io.BytesIO()
    img.save(buf, format="JPEG", quality=70)
    register(IMG_URL, buf.getvalue(), "image/jpeg")
    mask = Image.new("RGB", (W, H), (0, 0, 0))
    for i, color in enumerate(TEXT_SUBCLASS_COLORS + OTHER_COLORS):
        x0 = 100 + i * 400
        mask.paste(color, (x0, 200, x0 + 300, 600))
    buf = io.BytesIO()
    mask.save(buf, format="PNG")
    register(CP_MASK_URL, buf.getvalue(), "image/png")
    return buf.getvalue()


def fetch(url):
    """The guide's requests.get(url), answered from the registered remote file."""
    if url == CP_MASK_URL:
        return MASK_BYTES
    return requests.get(url).content


def extract_rgb_colors(data):
    img = Image.open(io.BytesIO(data)).convert("RGB")
    return {c[1] for c in img.getcolors(maxcolors=1 << 24) if c[1] != (0, 0, 0)}


MASK_BYTES = make_assets()
out = {}
client = lb.Client(API_KEY, endpoint=BASE + "/graphql")

# Step 1: data rows
global_key = "2560px-Kitano_Street_Kobe01s5s4110.jpeg"
test_img_url = {"row_data": IMG_URL, "global_key": global_key}
dataset = client.create_dataset(name="image-demo-dataset")
task = dataset.create_data_rows([test_img_url])
task.wait_till_done()
out["failed_data_rows"] = task.failed_data_rows
out["errors"] = task.errors
if task.errors:
    for error in task.errors:
        if "Duplicate global key" in error["message"] and dataset.row_count == 0:
            dataset.delete()
            out["deleted_empty_dataset"] = True

# Step 2: ontology
ontology_builder = lb.OntologyBuilder(
    classifications=[
        lb.Classification(class_type=lb.Classification.Type.RADIO, name="radio_question",
                          options=[lb.Option(value="first_radio_answer"), lb.Option(value="second_radio_answer")]),
        lb.Classification(class_type=lb.Classification.Type.CHECKLIST, name="checklist_question",
                          options=[lb.Option(value="first_checklist_answer"),
                                   lb.Option(value="second_checklist_answer")]),
        lb.Classification(class_type=lb.Classification.Type.TEXT, name="free_text"),
        lb.Classification(class_type=lb.Classification.Type.RADIO, name="nested_radio_question",
                          options=[lb.Option("first_radio_answer", options=[
                              lb.Classification(class_type=lb.Classification.Type.RADIO, name="sub_radio_question",
                                                options=[lb.Option("first_sub_radio_answer")])])]),
        lb.Classification(class_type=lb.Classification.Type.CHECKLIST, name="nested_checklist_question",
                          options=[lb.Option("first_checklist_answer", options=[
                              lb.Classification(class_type=lb.Classification.Type.CHECKLIST,
                                                name="sub_checklist_question",
                                                options=[lb.Option("first_sub_checklist_answer")])])]),
    ],
    tools=[
        lb.Tool(tool=lb.Tool.Type.BBOX, name="bounding_box"),
        lb.Tool(tool=lb.Tool.Type.BBOX, name="bbox_with_radio_subclass", classifications=[
            lb.Classification(class_type=lb.Classification.Type.RADIO, name="sub_radio_question",
                              options=[lb.Option(value="first_sub_radio_answer")])]),
        lb.Tool(tool=lb.Tool.Type.POLYGON, name="polygon"),
        lb.Tool(tool=lb.Tool.Type.RASTER_SEGMENTATION, name="mask"),
        lb.Tool(tool=lb.Tool.Type.RASTER_SEGMENTATION, name="mask_with_text_subclass", classifications=[
            lb.Classification(class_type=lb.Classification.Type.TEXT, name="sub_free_text")]),
        lb.Tool(tool=lb.Tool.Type.POINT, name="point"),
        lb.Tool(tool=lb.Tool.Type.LINE, name="polyline"),
        lb.Tool(tool=lb.Tool.Type.RELATIONSHIP, name="relationship"),
    ])
ontology = client.create_ontology("Image Annotation Import Demo Ontology", ontology_builder.asdict(),
                                  media_type=lb.MediaType.Image)
out["ontology_tools"] = len(ontology.tools())
out["ontology_classifications"] = len(ontology.classifications())

# Step 3: project
project = client.create_project(name="Image Annotation Import Demo", media_type=lb.MediaType.Image)
project.connect_ontology(ontology)

# Step 4: batch
batch = project.create_batch("image-demo-batch", global_keys=[global_key], priority=1)
out["batch"] = {"name": batch.name, "size": batch.size}

# Step 5: payloads (Python annotation types)
radio_annotation = lb_types.ClassificationAnnotation(
    name="radio_question", value=lb_types.Radio(answer=lb_types.ClassificationAnswer(name="first_radio_answer")))
checklist_annotation = lb_types.ClassificationAnnotation(
    name="checklist_question", value=lb_types.Checklist(answer=[
        lb_types.ClassificationAnswer(name="first_checklist_answer"),
        lb_types.ClassificationAnswer(name="second_checklist_answer")]))
text_annotation = lb_types.ClassificationAnnotation(name="free_text", value=lb_types.Text(answer="sample text"))
nested_radio_annotation = lb_types.ClassificationAnnotation(
    name="nested_radio_question",
    value=lb_types.Radio(answer=lb_types.ClassificationAnswer(name="first_radio_answer", classifications=[
        lb_types.ClassificationAnnotation(name="sub_radio_question", value=lb_types.Radio(
            answer=lb_types.ClassificationAnswer(name="first_sub_radio_answer")))])))
nested_checklist_annotation = lb_types.ClassificationAnnotation(
    name="nested_checklist_question",
    value=lb_types.Checklist(answer=[lb_types.ClassificationAnswer(name="first_checklist_answer", classifications=[
        lb_types.ClassificationAnnotation(name="sub_checklist_question", value=lb_types.Checklist(
            answer=[lb_types.ClassificationAnswer(name="first_sub_checklist_answer")]))])]))
bbox_annotation = lb_types.ObjectAnnotation(
    name="bounding_box", value=lb_types.Rectangle(start=lb_types.Point(x=1690, y=977),
                                                  end=lb_types.Point(x=1915, y=1307)))
bbox_with_radio_subclass_annotation = lb_types.ObjectAnnotation(
    name="bbox_with_radio_subclass",
    value=lb_types.Rectangle(start=lb_types.Point(x=541, y=933), end=lb_types.Point(x=871, y=1124)),
    classifications=[lb_types.ClassificationAnnotation(name="sub_radio_question", value=lb_types.Radio(
        answer=lb_types.ClassificationAnswer(name="first_sub_radio_answer")))])
polygon_points = [(1489.581, 183.934), (2278.306, 256.885), (2428.197, 200.437), (2560.0, 335.419),
                  (2557.386, 503.165), (2320.596, 503.103), (2156.083, 628.943), (2161.111, 785.519),
                  (2002.115, 894.647), (1838.456, 877.874), (1436.53, 874.636), (1411.403, 758.579),
                  (1353.853, 751.74), (1345.264, 453.461), (1426.011, 421.129)]
polygon_annotation = lb_types.ObjectAnnotation(
    name="polygon", value=lb_types.Polygon(points=[lb_types.Point(x=x, y=y) for x, y in polygon_points]))
point_annotation = lb_types.ObjectAnnotation(name="point", value=lb_types.Point(x=1166.606, y=1441.768))
polyline_points = [(2534.353, 249.471), (2429.492, 182.092), (2294.322, 221.962), (2224.491, 180.463),
                   (2136.123, 204.716), (1712.247, 173.949), (1703.838, 84.438), (1579.772, 82.61),
                   (1583.442, 167.552), (1478.869, 164.903), (1418.941, 318.149), (1243.128, 400.815),
                   (1022.067, 319.007), (892.367, 379.216), (670.273, 364.408), (613.114, 288.16),
                   (377.559, 238.251), (368.087, 185.064), (246.557, 167.286), (236.648, 285.61),
                   (90.929, 326.412)]
polyline_annotation = lb_types.ObjectAnnotation(
    name="polyline", value=lb_types.Line(points=[lb_types.Point(x=x, y=y) for x, y in polyline_points]))
bbox_source = lb_types.ObjectAnnotation(
    name="bounding_box", value=lb_types.Rectangle(start=lb_types.Point(x=2096, y=1264),
                                                  end=lb_types.Point(x=2240, y=1689)))
bbox_target = lb_types.ObjectAnnotation(
    name="bounding_box", value=lb_types.Rectangle(start=lb_types.Point(x=2272, y=1346),
                                                  end=lb_types.Point(x=2416, y=1704)))
relationship = lb_types.RelationshipAnnotation(
    name="relationship", value=lb_types.Relationship(source=bbox_source, target=bbox_target,
                                                     type=lb_types.Relationship.Type.UNIDIRECTIONAL))

colors = extract_rgb_colors(fetch(CP_MASK_URL))
mask_data = lb.types.MaskData(url=CP_MASK_URL)
cp_mask = []
for color in colors:
    if color in TEXT_SUBCLASS_COLORS:
        cp_mask.append(lb_types.ObjectAnnotation(
            name="mask_with_text_subclass", value=lb_types.Mask(mask=mask_data, color=color),
            classifications=[lb_types.ClassificationAnnotation(
                name="sub_free_text", value=lb_types.Text(answer="free text answer sample"))]))
    else:
        cp_mask.append(lb_types.ObjectAnnotation(name="mask", value=lb_types.Mask(mask=mask_data, color=color)))

annotations = [radio_annotation, nested_radio_annotation, checklist_annotation, nested_checklist_annotation,
               text_annotation, bbox_annotation, bbox_with_radio_subclass_annotation, polygon_annotation,
               point_annotation, polyline_annotation, bbox_source, bbox_target, relationship] + cp_mask
label = [lb_types.Label(data={"global_key": global_key}, annotations=annotations, is_benchmark_reference=True)]

# Step 6, option A: MAL
upload_job = lb.MALPredictionImport.create_from_objects(
    client=client, project_id=project.uid, name="mal_job" + str(uuid.uuid4()), predictions=label)
out["mal_errors"] = upload_job.errors
out["mal_statuses"] = upload_job.statuses

# Step 6, option B: ground truth (the relationship line is refused here)
upload_job = lb.LabelImport.create_from_objects(
    client=client, project_id=project.uid, name="label_import_job" + str(uuid.uuid4()), labels=label)
out["label_errors"] = upload_job.errors
out["label_statuses"] = upload_job.statuses

# The NDJSON payload of the guide, with the imBytes composite mask
im_bytes = base64.b64encode(fetch(CP_MASK_URL)).decode("utf-8")
ndjson = [
    {"name": "radio_question", "answer": {"name": "first_radio_answer"}},
    {"name": "nested_radio_question", "answer": {"name": "first_radio_answer", "classifications": [
        {"name": "sub_radio_question", "answer": {"name": "first_sub_radio_answer"}}]}},
    {"name": "nested_checklist_question", "answer": [{"name": "first_checklist_answer", "classifications": [
        {"name": "sub_checklist_question", "answer": {"name": "first_sub_checklist_answer"}}]}]},
    {"name": "checklist_question", "answer": [{"name": "first_checklist_answer"},
                                              {"name": "second_checklist_answer"}]},
    {"name": "free_text", "answer": "sample text"},
    {"name": "bounding_box", "bbox": {"top": 977, "left": 1690, "height": 330, "width": 225}},
    {"name": "bbox_with_radio_subclass", "classifications": [
        {"name": "sub_radio_question", "answer": {"name": "first_sub_radio_answer"}}],
     "bbox": {"top": 933, "left": 541, "height": 191, "width": 330}},
    {"name": "polygon", "polygon": [{"x": x, "y": y} for x, y in polygon_points + polygon_points[:1]]},
    {"name": "point", "classifications": [], "point": {"x": 1166.606, "y": 1441.768}},
    {"name": "polyline", "classifications": [], "line": [{"x": x, "y": y} for x, y in polyline_points]},
]
uuid_source, uuid_target = str(uuid.uuid4()), str(uuid.uuid4())
ndjson += [
    {"uuid": uuid_source, "name": "bounding_box",
     "bbox": {"top": 1264.0, "left": 2096.0, "height": 425.0, "width": 144.0}},
    {"uuid": uuid_target, "name": "bounding_box",
     "bbox": {"top": 1346.0, "left": 2272.0, "height": 358.0, "width": 144.0}},
    {"name": "relationship", "relationship": {"source": uuid_source, "target": uuid_target,
                                              "type": "unidirectional"}},
]
for color in colors:
    if color in TEXT_SUBCLASS_COLORS:
        ndjson.append({"name": "mask_with_text_subclass", "mask": {"imBytes": im_bytes, "colorRGB": color},
                       "classifications": [{"name": "sub_free_text", "answer": "free text answer"}]})
    else:
        ndjson.append({"name": "mask", "classifications": [], "mask": {"imBytes": im_bytes, "colorRGB": color}})
for a in ndjson:
    a.update({"dataRow": {"globalKey": global_key}})
upload_job = lb.MALPredictionImport.create_from_objects(
    client=client, project_id=project.uid, name="mal_ndjson_job" + str(uuid.uuid4()), predictions=ndjson)
out["ndjson_mal_errors"] = upload_job.errors
out["ndjson_mal_statuses"] = upload_job.statuses
out["project_id"] = project.uid
out["dataset_id"] = dataset.uid
print(json.dumps(out))
