"""Editor copies of the schemas are draft-07 (what the YAML language server implements) and
agree with the 2020-12 originals on the example records."""
import pytest
from jsonschema import Draft7Validator

from cms_build.editor_schemas import draft7
from cms_build.engine import run
from tests.conftest import EXAMPLE, EXAMPLE_AS_OF


@pytest.fixture(scope="module")
def example():
    import datetime as dt
    return run(EXAMPLE, dt.date.fromisoformat(EXAMPLE_AS_OF), stages="validate")


def test_every_kind_converts_to_a_valid_self_contained_draft7_schema(example):
    for name, kind in example.schemas.kinds.items():
        doc = draft7(example.schemas, kind)
        Draft7Validator.check_schema(doc)
        text = str(doc)
        assert "$ref" not in text and "unevaluatedProperties" not in text, name
        assert doc["$schema"] == "http://json-schema.org/draft-07/schema#"


def test_draft7_copies_accept_every_example_record(example):
    validators = {n: Draft7Validator(draft7(example.schemas, k)) for n, k in example.schemas.kinds.items()}
    for record in example.records:
        errors = [e.message for e in validators[record.kind].iter_errors(record.data)]
        assert errors == [], (record.rel, errors)


def test_draft7_copies_reject_what_the_originals_reject(example):
    kind = example.schemas.kinds["policy"]
    v7 = Draft7Validator(draft7(example.schemas, kind))
    record = dict(example.index.by_id["POL-001"].data)
    for bad in ({"statment": "typo"}, {"status": "aproved"}, {"approved_on": 20250101}, {"title": ""}):
        candidate = {**record, **bad}
        assert list(kind.validator.iter_errors(candidate)), bad
        assert list(v7.iter_errors(candidate)), bad


def test_enum_hover_text_has_both_labels(tmp_path):
    """Issue 17 item 1: the editor's hover shows each value's Chinese and English label."""
    from cms_build.editor_schemas import draft7
    from cms_build.paths import bundled
    from cms_build.schemas import SchemaSet
    schemas = SchemaSet.load([bundled("schemas")])
    doc = draft7(schemas, schemas.kinds["emission_source"])
    category = doc["properties"]["category"]
    assert "fuel_combustion: 化石燃料燃烧 / Fossil fuel combustion" in category["description"]
    assert category["enumDescriptions"][category["enum"].index("fuel_combustion")] == "化石燃料燃烧 / Fossil fuel combustion"
