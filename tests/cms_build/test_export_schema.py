"""The published JSON Schema of `cms export` (schemas/export/export.schema.json): generated from
the result types, committed, and met by the example's export in both profiles. And the typed
results themselves: a computation returning the wrong shape fails at the computation."""

from __future__ import annotations

import copy
import datetime as dt
import inspect
import json

import jsonschema
import pytest
from pydantic import ValidationError

from cms_build.engine import run
from cms_build.export import export_document
from cms_build.export_schema import EXPORT_SCHEMA_PATH, export_parts, export_schema, export_schema_text, located
from cms_build.results import TracedValue, dump
from cms_build.rules import bundled_module
from cms_build.schemas import SchemaSet
from cms_build.trace import Traced
from tests.conftest import EXAMPLE, EXAMPLE_AS_OF, REPO

COMMITTED = REPO.joinpath(*EXPORT_SCHEMA_PATH)


@pytest.fixture(scope="module")
def example_result():
    return run(EXAMPLE, dt.date.fromisoformat(EXAMPLE_AS_OF))


@pytest.fixture(scope="module")
def validator():
    schema = json.loads(COMMITTED.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def _errors(validator, doc) -> list[str]:
    """The errors of the document against the schema, each where it is: of the branch the
    document is (a group's export has `consolidation`, an organization's not), since the
    schema's anyOf of the two reports one error at the top."""

    def deepest(e):
        while e.context:
            e = max(e.context, key=lambda c: len(c.absolute_path))
        return e

    if validator.is_valid(doc):
        return []
    branch = "GroupExportDocument" if isinstance(doc, dict) and "consolidation" in doc else "ExportDocument"
    schema = validator.schema
    of_branch = type(validator)({"$defs": schema["$defs"], "$ref": f"#/$defs/{branch}"})
    return [f"{'/'.join(map(str, deepest(e).absolute_path))}: {deepest(e).message[:300]}" for e in of_branch.iter_errors(doc)] or ["(the document): no branch"]


def test_committed_schema_is_the_generated_one():
    assert COMMITTED.read_text(encoding="utf-8") == export_schema_text(), (
        "schemas/export/export.schema.json is out of date: python -m cms_build.export_schema > schemas/export/export.schema.json"
    )


def test_export_schema_is_not_loaded_as_a_record_kind():
    # schemas/*.schema.json are the kinds and their shared definitions; the export's schema
    # sits in a sub-folder, which the loader does not read
    uris = {uri for uri in SchemaSet.load([REPO / "schemas"]).registry}
    assert export_schema()["$id"] not in uris


@pytest.mark.parametrize("profile", ["internal", "public"])
def test_example_export_meets_the_schema(example_result, validator, profile):
    doc = json.loads(json.dumps(export_document(example_result, profile), ensure_ascii=False))
    assert _errors(validator, doc) == []
    if profile == "internal":  # the typed results are all there, so the schema checked them
        assert {"emissions", "annex_e", "trading", "surveillance", "assets", "neutrality"} <= set(doc["results"])
    else:
        assert doc["results"] or doc["withheld_results"]


@pytest.fixture(scope="module")
def group_export():
    from cms_build import group as grp

    g = grp.run_group(REPO / "examples" / "group", dt.date.fromisoformat(EXAMPLE_AS_OF))
    return json.loads(json.dumps(grp.export_group(g), ensure_ascii=False))


def test_example_group_export_meets_the_schema(group_export, validator):
    # the group's export: each entity's export and the consolidation, typed (cms_build/group_model.py)
    assert _errors(validator, group_export) == []
    assert set(group_export["entities"]) == {"HQ", "BJP", "GS"} and group_export["consolidation"]["emissions"]


def test_schema_describes_the_group_consolidation(group_export, validator):
    changes = {
        "consolidation/emissions/2025/total/value": lambda d: d["consolidation"]["emissions"]["2025"]["total"].update(value="5948968.69"),
        "consolidation/entities/GS/factor": lambda d: d["consolidation"]["entities"]["GS"].update(factor=None),
        "consolidation/matrix/clauses/4.3/status/HQ": lambda d: d["consolidation"]["matrix"]["clauses"]["4.3"]["status"].update(HQ="fine"),
        "consolidation/ets/group/open": lambda d: d["consolidation"]["ets"]["group"].update(open=["A:ETS-1"]),
        "entities/GS/matrix/clauses/0/number": lambda d: d["entities"]["GS"]["matrix"]["clauses"][0].pop("number"),
    }
    for where, change in changes.items():
        doc = copy.deepcopy(group_export)
        change(doc)
        errors = _errors(validator, doc)
        where_ = where.rsplit("/", 1)[0] if where.endswith("/number") else where  # a missing key is reported at its object
        assert any(e.startswith(where_) for e in errors), (where, errors)


def test_schema_describes_the_matrix_and_the_findings(example_result, validator):
    whole = json.loads(json.dumps(export_document(example_result, "internal"), ensure_ascii=False))
    changes = {
        "matrix/clauses/5/status": lambda d: d["matrix"]["clauses"][5].update(status="fine"),  # no status of the matrix
        "matrix/summary/conforming": lambda d: d["matrix"]["summary"].update(conforming="39"),  # a count written as text
        "matrix/clauses/0/provisions/0": lambda d: d["matrix"]["clauses"][0]["provisions"].insert(0, {"item": "a"}),
        "summary/error": lambda d: d["summary"].update(error=None),
        "findings/0": lambda d: d["findings"].append({"rule": "x"}),
    }
    for where, change in changes.items():
        doc = copy.deepcopy(whole)
        change(doc)
        errors = _errors(validator, doc)
        assert any(e.startswith(where) for e in errors), (where, errors)


def test_export_parts_reads_the_document_typed_and_locates_a_wrong_one(example_result):
    doc = json.loads(json.dumps(export_document(example_result, "internal"), ensure_ascii=False))
    parts = export_parts(doc)
    assert [c.number for c in parts.matrix.clauses] == [c["number"] for c in doc["matrix"]["clauses"]]
    assert [r.id for r in parts.records] == [r["id"] for r in doc["records"]]
    assert (parts.summary.get("error"), len(parts.findings)) == (doc["summary"]["error"], len(doc["findings"]))
    doc["matrix"]["clauses"][2]["evidence"] = [{"id": 7}]
    with pytest.raises(ValidationError) as exc:
        export_parts(doc)
    assert located(exc.value).startswith("matrix.clauses[2].evidence[0].id: Input should be a valid string")


def test_schema_rejects_a_result_of_another_shape(example_result, validator):
    doc = json.loads(json.dumps(export_document(example_result, "internal"), ensure_ascii=False))
    year = next(iter(doc["results"]["emissions"]["years"].values()))
    year["total"]["value"] = "2456.3"  # a number written as text
    assert any("emissions/years" in e for e in _errors(validator, doc))
    del year["total"]
    doc["results"]["neutrality"]["claims"] = {"X": {"record": "X"}}
    errors = _errors(validator, doc)
    assert any("neutrality/claims/X" in e for e in errors)


def test_traced_value_type_is_what_trace_writes():
    t = Traced(2.5, "tCO2", label="E", formula="E = AD × EF").add("AD", "activity", 2, "TJ", {"step": "AD"})
    t.step(Traced(1, "TJ"))
    assert dump(TracedValue.model_validate(t.as_dict())) == t.as_dict()  # key order kept too
    assert list(dump(TracedValue.model_validate(t.as_dict()))) == list(t.as_dict())


def test_result_models_do_not_coerce_or_drop():
    model = bundled_module("emissions.results").TargetProgress
    good = {
        "id": "T",
        "title": "t",
        "indicator": None,
        "baseline_record": None,
        "unit": None,
        "deadline": None,
        "action_plans": [],
        "baseline": 1,
        "target": 0.5,
        "latest_year": None,
        "latest": None,
        "achieved_pct": None,
        "expected_pct": None,
        "status": "open",
    }
    assert dump(model.model_validate(good)) == good  # 1 stays int, 0.5 float, None stays
    for bad in ({**good, "baseline": "1"}, {**good, "baseline": True}, {**good, "extra": 1}, {k: v for k, v in good.items() if k != "status"}):
        with pytest.raises(ValidationError):
            model.model_validate(bad)


def test_a_computation_returning_a_wrong_shape_crashes_at_its_line(org, monkeypatch):
    # the bundled neutrality computation, given a claim result of the wrong shape: the model
    # check in the computation fails, reported as rules.crashed, and no result is stored
    compute = bundled_module("neutrality.compute")
    real = compute._serial_uses
    monkeypatch.setattr(compute, "_serial_uses", lambda ctx: [{"credit": 1}] + real(ctx))
    org.settings(subsystems=["D"])
    result = org.run()
    crashed = [f for f in result.findings if f.rule == "rules.crashed" and "'neutrality'" in f.message]
    assert crashed, [f.message for f in result.findings if f.rule == "rules.crashed"]
    source = inspect.getsource(compute).splitlines()
    line = next(n for n, text in enumerate(source, 1) if "NeutralityResult.model_validate(" in text)
    assert f"(compute.py:{line}) failed: its result does not have the shape of NeutralityResult" in crashed[0].message
    assert "serial_uses.0.credit: Input should be a valid string" in crashed[0].message
    assert result.results.get("neutrality") is None
