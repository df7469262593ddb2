"""invisible.any_in: the one search of a document's JSON text says what a walk of its strings says."""

import math

from cms_build import invisible


def _walk(data) -> bool:
    return any(invisible.find(text) for _, _, text in invisible.strings(data))


def test_a_hidden_character_is_found_in_a_value_a_key_and_deep_in_a_list():
    assert invisible.any_in({"title": "Policy\u202e"})
    assert invisible.any_in({"na\u200bme": "x"})  # a key
    assert invisible.any_in({"a": [1, {"b": ["ok", "tag \U000e0041"]}]})
    assert invisible.any_in("\ufeff")


def test_plain_data_has_none_whatever_its_numbers_keys_and_escapes():
    data = {"id": "POL-1", "n": 3, "x": 1.5e300, "nan": math.nan, "ok": True, "none": None, "ctl": 'a\x00\x1f"\\', "zh": "方针 · Policy", 1: "int key"}
    assert not invisible.any_in(data)
    assert not _walk(data)
    assert not invisible.any_in({"sep": "line\u2028para\u2029"})  # line breaks, not listed


def test_data_json_cannot_write_is_walked():
    assert invisible.any_in({("tuple", "key"): "x\u2066"})  # json.dumps refuses a tuple key
    assert not invisible.any_in({("tuple", "key"): "x"})


def test_agrees_with_the_walk_on_each_listed_character():
    for lo, hi in invisible._RANGES:
        for cp in (lo, hi):
            doc = {"k": ["v", f"a{chr(cp)}b"]}
            assert invisible.any_in(doc) is _walk(doc) is True
