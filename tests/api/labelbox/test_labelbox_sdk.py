"""The guide, end to end, through the vendor's real Python SDK (labelbox 6.0.0),
when one is available: set LABELBOX_SDK_PYTHON (an interpreter) and/or
LABELBOX_SDK_PYTHONPATH (where the SDK and its dependencies live). Skipped
otherwise — the other tests send the SDK's captured query texts directly."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).with_name("sdk_guide.py")


def sdk_env():
    env = dict(os.environ)
    extra = os.environ.get("LABELBOX_SDK_PYTHONPATH")
    if extra:
        env["PYTHONPATH"] = extra
    env.pop("LABELBOX_API_KEY", None)
    return env


def sdk_python():
    py = os.environ.get("LABELBOX_SDK_PYTHON", sys.executable)
    probe = subprocess.run([py, "-c", "import labelbox, labelbox.types; print(labelbox.__version__)"],
                           env=sdk_env(), capture_output=True, text=True, cwd="/")
    if probe.returncode != 0:
        pytest.skip("the Labelbox SDK is not importable (set LABELBOX_SDK_PYTHON / LABELBOX_SDK_PYTHONPATH)")
    return py


def run_guide(server, key):
    p = subprocess.run([sdk_python(), str(SCRIPT), server.base, key], env=sdk_env(), capture_output=True,
                       text=True, timeout=600, cwd="/")
    assert p.returncode == 0, p.stderr[-4000:]
    return json.loads(p.stdout.strip().splitlines()[-1])


def test_guide_through_the_real_sdk_twice(server):
    ws = server.create_workspace("sdk")
    out = run_guide(server, ws["keys"]["labelbox"])
    assert out["errors"] is None and out["failed_data_rows"] is None
    assert out["ontology_tools"] == 8 and out["ontology_classifications"] == 5
    assert out["batch"] == {"name": "image-demo-batch", "size": 1}
    assert out["mal_errors"] == [] and all(s["status"] == "SUCCESS" for s in out["mal_statuses"])
    assert out["ndjson_mal_errors"] == [] and all(s["status"] == "SUCCESS" for s in out["ndjson_mal_statuses"])
    # ground truth refuses exactly the relationship line
    assert [e["errors"][0]["message"] for e in out["label_errors"]] == [
        "Relationships are supported only for MAL imports"]
    # a second run meets the guide's duplicate-global-key branch and deletes the empty dataset
    again = run_guide(server, ws["keys"]["labelbox"])
    assert again["errors"][0]["message"] == "Duplicate global key: '2560px-Kitano_Street_Kobe01s5s4110.jpeg'"
    assert again["deleted_empty_dataset"] is True
    assert again["mal_errors"] == []
