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
