"""Schema annotations read by cms_build/schemas.py."""

import json
from pathlib import Path

from cms_build.schemas import enum_title

SCHEMAS = Path(__file__).resolve().parents[2] / "schemas"


def _enums(node, where):
    if isinstance(node, dict):
        if isinstance(node.get("enum"), list) and all(isinstance(v, str) for v in node["enum"]):
            yield where, node
        for k, v in node.items():
            yield from _enums(v, f"{where}/{k}")
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _enums(v, f"{where}/{i}")


def test_every_string_enum_value_has_a_chinese_and_an_english_label():
    missing, seen = [], 0
    for path in sorted(SCHEMAS.glob("*.schema.json")):
        for where, node in _enums(json.loads(path.read_text(encoding="utf-8")), path.name):
            titles = node.get("x-enum-titles") or {}
            for value in node["enum"]:
                seen += 1
                entry = titles.get(value) or {}
                if not (str(entry.get("zh") or "").strip() and str(entry.get("en") or "").strip()):
                    missing.append(f"{where}: {value}")
            extra = set(titles) - set(node["enum"])  # a label for a value the enum no longer has
            missing += [f"{where}: label for unknown value {v}" for v in sorted(extra)]
    assert seen > 400  # 144 string enums, about 900 values: the walk really found them
    assert missing == []


def test_chinese_labels_are_chinese():
    for path in sorted(SCHEMAS.glob("*.schema.json")):
        for where, node in _enums(json.loads(path.read_text(encoding="utf-8")), path.name):
            for value, entry in (node.get("x-enum-titles") or {}).items():
                assert entry["zh"] != value or not value.isidentifier() or value.isupper(), f"{where}: {value}"


def test_enum_title_picks_the_language_and_falls_back():
    schema = {"enum": ["coal"], "x-enum-titles": {"coal": {"zh": "煤", "en": "Coal"}}}
    assert enum_title(schema, "coal", "zh") == "煤"
    assert enum_title(schema, "coal", "en") == "Coal"
    assert enum_title(schema, "gas", "zh") is None
    assert enum_title({"items": schema}, "coal", "en") == "Coal"  # a list field: its items' labels
    assert enum_title({"enum": ["x"]}, "x") is None


def _refs(node, base, out):
    if isinstance(node, dict):
        if isinstance(node.get("$ref"), str):
            out.append((node["$ref"], base))
        for v in node.values():
            _refs(v, base, out)
    elif isinstance(node, list):
        for v in node:
            _refs(v, base, out)
    return out


def test_resolve_follows_a_pointer_as_referencing_does_without_it():
    # SchemaSet.resolve finds "doc#/pointer" in the documents itself (referencing is imported only
    # for the pure-Python validator); every $ref of the bundled schemas must land where referencing
    # lands, and what it cannot follow alone (an anchor, a pointer to nowhere) is left to referencing
    from cms_build.schemas import SCHEMA_BASE, SchemaSet

    extra = {
        "$id": SCHEMA_BASE + "pointer-test.schema.json",
        "$defs": {"a/b": {"type": "string"}, "t~n": {"type": "integer"}, "flag": True, "anchored": {"$anchor": "here", "type": "number"}},
        "x-list": [{"type": "null"}, {"type": "boolean"}],
    }
    docs = dict(SchemaSet._load([Path(__file__).resolve().parents[2] / "schemas"]).documents)
    docs[extra["$id"]] = (extra, Path("pointer-test.schema.json"))
    schemas = SchemaSet(docs)
    asked = [ref for uri, (doc, _) in sorted(docs.items()) for ref in _refs(doc, uri, [])]
    assert len(asked) > 400
    own = extra["$id"]
    asked += [("#/$defs/a~1b", own), ("#/$defs/t~0n", own), ("#/x-list/1", own), ("pointer-test.schema.json#/$defs/a%7E1b", SCHEMA_BASE + "defs.schema.json")]
    for ref, base in asked:
        expected = schemas.registry.resolver(base_uri=base).lookup(ref).contents
        assert schemas._pointed(ref, base) is expected, (ref, base)
    for ref in ("#here", "#/$defs/flag", "#/$defs/nowhere", "#/x-list/7", "#/x-list/x", "other.schema.json#/a"):
        assert schemas._pointed(ref, own) is None, ref
    assert schemas.resolve("#here", own)[0] == {"$anchor": "here", "type": "number"}  # referencing's answer
    assert schemas.resolve("#/$defs/flag", own)[0] is True


def _eager_annotations(schemas, kind):
    # the walk as the load made it before kinds were annotated on first use
    from cms_build.schemas import Kind, _collect

    fresh = Kind(name=kind.name, schema=kind.schema, file=kind.file, schemas=schemas)
    fresh._annotate = True
    fresh._annotations = ([], [], [])
    _collect(schemas, kind.schema, (), fresh, depth=0, base=kind.schema["$id"])
    return fresh._annotations


def test_a_bundled_kind_builds_its_validator_and_annotations_when_first_asked_and_every_one_builds():
    # issue 19: a run pays only for the kinds its records have; every bundled kind must still
    # compile and give the annotations a walk at load gives (else a bundled schema would fail late)
    import jsonschema_rs

    from cms_build.schemas import SchemaSet

    schemas = SchemaSet._load([SCHEMAS])
    kinds = list(schemas.kinds.values())
    assert len(kinds) > 50
    assert all(k._fast_later and k._annotations is None for k in kinds)  # nothing built at load
    for kind in kinds:
        assert _eager_annotations(schemas, kind) == (kind.refs, kind.files, kind.restricted)
        assert isinstance(kind.fast, jsonschema_rs.Validator) and not kind._fast_later
        assert kind.fast is kind.fast  # built once
    assert any(k.refs for k in kinds) and any(k.files for k in kinds) and any(k.restricted for k in kinds)


def test_an_organizations_schema_is_built_at_load_so_a_broken_one_fails_there(tmp_path):
    import pytest

    from cms_build.schemas import SchemaSet

    org = tmp_path / "schemas"
    org.mkdir()
    widget = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://cms-as-code.org/schemas/widget.schema.json",
        "x-cms": {"kind": "widget"},
        "type": "object",
        "properties": {"owner": {"type": "string", "x-ref": "person"}},
    }
    (org / "widget.schema.json").write_text(json.dumps(widget), encoding="utf-8")
    kind = SchemaSet._load([SCHEMAS, org]).kinds["widget"]
    assert not kind._fast_later and kind.fast is not None and kind.refs == [(("owner",), ("person",))]
    widget["properties"]["owner"]["pattern"] = "(?<x"  # valid to the metaschema, but no regex
    (org / "widget.schema.json").write_text(json.dumps(widget), encoding="utf-8")
    with pytest.raises(Exception, match="regex"):
        SchemaSet._load([SCHEMAS, org])
