"""Error-body shape checkers, one per dialect (the shapes in DESIGN.md's dialect
table): shared by test_error_shapes.py and test_security_sweep.py.

Each checker takes a decoded JSON body and asserts its shape; SHAPES maps the
dialect names used by /_emulator/coverage (plus "admin") to them."""


def vi_shape(body):
    assert isinstance(body, dict) and set(body) == {"message"} and isinstance(body["message"], str), body


def pictograph_shape(body):
    assert isinstance(body, dict) and isinstance(body.get("error"), dict), body
    assert set(body["error"]) == {"code", "message", "details"}, body


def ximilar_shape(body):
    assert isinstance(body, dict) and isinstance(body.get("detail"), str), body


def ximilar_prediction_shape(body):
    """Prediction-style Ximilar calls (classify, predict): {"status":{"code","text"}}."""
    assert isinstance(body, dict) and isinstance(body.get("status"), dict), body
    assert isinstance(body["status"]["code"], int) and isinstance(body["status"]["text"], str), body


def labelbox_shape(body):
    assert isinstance(body, dict) and body.get("data") is None, body
    assert body["errors"][0]["message"] and body["errors"][0]["extensions"]["code"], body


def inference_shape(body):
    """The Vi prediction endpoint (/v1/...): OpenAI's error object."""
    assert isinstance(body, dict) and isinstance(body.get("error"), dict), body
    err = body["error"]
    assert isinstance(err.get("message"), str) and err["message"] and isinstance(err.get("type"), str), body


def admin_shape(body):
    assert isinstance(body, dict) and isinstance(body.get("error"), dict), body
    assert set(body["error"]) == {"code", "message", "details"}, body


SHAPES = {
    "vi": vi_shape,
    "pictograph": pictograph_shape,
    "ximilar": ximilar_shape,
    "labelbox": labelbox_shape,
    "inference": inference_shape,
    "admin": admin_shape,
    "blob": admin_shape,
}
