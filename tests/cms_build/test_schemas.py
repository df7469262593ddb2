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
