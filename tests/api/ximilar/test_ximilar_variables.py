"""Variables (/vlm/v2/variable/): the reference's create body, the six types
with their constraints, definition checks, default values, the dataset filter
with page_size, and value validation through add-variable-value."""
import pytest


def dataset(xim, name="d"):
    return xim.create("vlm/v2/dataset/", {"name": name})


def test_reference_create_and_list(xim):
    d = dataset(xim)
    v = xim.create("vlm/v2/variable/", {"dataset": d["id"], "name": "condition", "type": "string", "required": False,
                                         "description": "Condition of the item",
                                         "choices": "mint,near_mint,excellent,good,poor"})
    assert v["dataset"] == d["id"] and v["dataset_name"] == "d" and v["choices"].startswith("mint")
    for k in ("min_value", "max_value", "step_size", "min_length", "max_length", "default_value"):
        assert v[k] is None
    g = xim.create("vlm/v2/variable/", {"dataset": d["id"], "name": "grade", "type": "float", "required": True,
                                         "min_value": 0.0, "max_value": 10.0, "step_size": 0.5})
    assert g["min_value"] == 0.0 and g["max_value"] == 10.0 and g["step_size"] == 0.5 and g["required"] is True
    assert xim.fetch(f"vlm/v2/variable/{g['id']}/") == g
    d2 = dataset(xim, "other")
    xim.create("vlm/v2/variable/", {"dataset": d2["id"], "name": "grade", "type": "integer"})
    page = xim.fetch(f"vlm/v2/variable/?dataset={d['id']}")
    assert page["count"] == 2 and [x["name"] for x in page["results"]] == ["condition", "grade"]
    one = xim.fetch(f"vlm/v2/variable/?dataset={d['id']}&page_size=1")
    assert one["count"] == 2 and len(one["results"]) == 1 and one["next"] is not None
    assert len(xim.all("vlm/v2/variable/", {"page_size": 1})) == 3
    assert xim.fetch(f"vlm/v2/dataset/{d['id']}/")["variables_count"] == 2


@pytest.mark.parametrize("body,field", [
    ({"name": "1abc", "type": "string"}, "name"),
    ({"name": "has space", "type": "string"}, "name"),
    ({"name": "x", "type": "date"}, "type"),
    ({"name": "x"}, "type"),
    ({"type": "string"}, "name"),
    ({"name": "x", "type": "integer", "choices": "a,b"}, "choices"),
    ({"name": "x", "type": "string", "min_value": 1}, "min_value"),
    ({"name": "x", "type": "float", "min_value": 5, "max_value": 1}, "min_value"),
    ({"name": "x", "type": "float", "step_size": 0}, "step_size"),
    ({"name": "x", "type": "boolean", "step_size": 1}, "step_size"),
    ({"name": "x", "type": "integer", "min_length": 1}, "min_length"),
    ({"name": "x", "type": "string", "min_length": 5, "max_length": 2}, "min_length"),
    ({"name": "x", "type": "array", "max_length": -1}, "max_length"),
    ({"name": "x", "type": "string", "choices": "a,,b"}, "choices"),
    ({"name": "x", "type": "float", "max_value": 1, "default_value": 2}, "default_value"),
    ({"name": "x", "type": "string", "choices": "a,b", "default_value": "c"}, "default_value"),
    ({"name": "x", "type": "boolean", "default_value": "yes"}, "default_value"),
])
def test_definition_checks(xim, body, field):
    d = dataset(xim)
    err = xim.error(xim.post("vlm/v2/variable/", {"dataset": d["id"], **body}), 400)
    assert field in err["errors"], err


def test_unique_name_unknown_dataset_and_patch(xim, other):
    d = dataset(xim)
    v = xim.create("vlm/v2/variable/", {"dataset": d["id"], "name": "grade", "type": "integer", "min_value": 0})
    xim.error(xim.post("vlm/v2/variable/", {"dataset": d["id"], "name": "grade", "type": "string"}), 400, "name")
    od = other.create("vlm/v2/dataset/", {"name": "theirs"})
    xim.error(xim.post("vlm/v2/variable/", {"dataset": od["id"], "name": "g", "type": "string"}), 400, "dataset")
    u = xim.ok(xim.patch(f"vlm/v2/variable/{v['id']}/", {"max_value": 10, "step_size": 2, "default_value": 4}), 200)
    assert u["max_value"] == 10 and u["default_value"] == 4 and u["min_value"] == 0
    # Changing the type re-checks the whole definition.
    xim.error(xim.patch(f"vlm/v2/variable/{v['id']}/", {"type": "string"}), 400)
    xim.error(xim.patch(f"vlm/v2/variable/{v['id']}/", {"dataset": od["id"]}), 400, "dataset")
    xim.error(other.get(f"vlm/v2/variable/{v['id']}/"), 404)
    assert xim.delete(f"vlm/v2/variable/{v['id']}/").status_code == 204
    xim.error(xim.get(f"vlm/v2/variable/{v['id']}/"), 404)


CASES = [
    # (definition, good values, (bad value, detail))
    ({"type": "float", "min_value": 0.0, "max_value": 10.0, "step_size": 0.5}, [8.5, 0, 10, 0.5],
     [(11.0, "grade: 11.0 is above max_value 10.0"), (-0.5, "below min_value"), (8.3, "step_size"),
      ("8", "expected a number")]),
    ({"type": "integer", "min_value": 1, "max_value": 5}, [1, 5, 3.0],
     [(1.5, "not an integer"), (6, "above max_value"), (True, "expected an integer")]),
    ({"type": "integer", "min_value": 1, "step_size": 2}, [1, 3, 101], [(2, "step_size")]),
    ({"type": "string", "choices": "mint,near_mint, good"}, ["mint", "good"], [("poor", "not one of the choices")]),
    ({"type": "string", "min_length": 2, "max_length": 4}, ["ab", "žluť"], [("a", "min_length"), ("abcde", "max_length"),
                                                                           (3, "expected a string")]),
    ({"type": "boolean"}, [True, False], [(1, "expected a boolean"), ("true", "expected a boolean")]),
    ({"type": "array", "min_length": 1, "max_length": 2}, [[1], ["a", "b"]],
     [([], "below min_length"), ([1, 2, 3], "above max_length"), ({"a": 1}, "expected an array")]),
    ({"type": "object"}, [{"a": 1}, {}], [([1], "expected an object")]),
]


@pytest.mark.parametrize("definition,good,bad", CASES)
def test_add_variable_value_validation(xim, definition, good, bad):
    d = dataset(xim)
    var = xim.create("vlm/v2/variable/", {"dataset": d["id"], "name": "grade", **definition})
    s = xim.create("vlm/v2/sample/", {"dataset": d["id"]})
    for value in good:
        out = xim.ok(xim.post(f"vlm/v2/sample/{s['id']}/add-variable-value/",
                              {"dataset_variable": var["id"], "value": {"value": value}}), 200)
        assert out["variables_count"] == 1
        assert out["variable_values"]["grade"] == value
    for value, detail in bad:
        err = xim.error(xim.post(f"vlm/v2/sample/{s['id']}/add-variable-value/",
                                 {"dataset_variable": var["id"], "value": {"value": value}}), 400)
        assert err["detail"].startswith("grade: "), err
        assert detail in err["detail"], err
    # Clearing a value: {"value": null}.
    out = xim.ok(xim.post(f"vlm/v2/sample/{s['id']}/add-variable-value/",
                          {"dataset_variable": var["id"], "value": {"value": None}}), 200)
    assert out["variables_count"] == 0 and out["variable_values"] == {}


def test_add_variable_value_other_dataset_or_workspace(xim, other):
    d1, d2 = dataset(xim, "a"), dataset(xim, "b")
    v2 = xim.create("vlm/v2/variable/", {"dataset": d2["id"], "name": "x", "type": "string"})
    s1 = xim.create("vlm/v2/sample/", {"dataset": d1["id"]})
    xim.error(xim.post(f"vlm/v2/sample/{s1['id']}/add-variable-value/",
                       {"dataset_variable": v2["id"], "value": {"value": "a"}}), 400, "dataset_variable")
    xim.error(other.post(f"vlm/v2/sample/{s1['id']}/add-variable-value/",
                         {"dataset_variable": v2["id"], "value": {"value": "a"}}), 404)
    xim.error(xim.post(f"vlm/v2/sample/{s1['id']}/add-variable-value/", {"value": {"value": 1}}), 400,
              "dataset_variable")
