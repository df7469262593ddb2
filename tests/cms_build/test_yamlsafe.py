"""The loader: positions for every value, and every way YAML can go wrong, located."""

import time

import pytest

from cms_build.yamlsafe import LoadError, load_file, load_text


def err(text):
    with pytest.raises(LoadError) as info:
        load_text(text)
    return info.value


def test_values_and_keys_keep_line_and_column():
    doc = load_text("kind: policy\nitems:\n  - name: a\n    value: 2\n")
    assert doc.data == {"kind": "policy", "items": [{"name": "a", "value": 2}]}
    assert doc.where(("items", 0, "value")) == (4, 12)
    assert doc.where_key(("items", 0, "value")) == (4, 5)
    # a path that does not exist falls back to its nearest ancestor
    assert doc.where(("items", 0, "missing")) == (3, 5)


def test_dates_stay_strings_and_keys_become_strings():
    doc = load_text("day: 2025-03-01\n2023: x\ntrue: 1\n")
    assert doc.data == {"day": "2025-03-01", "2023": "x", "true": 1}


def test_scalars_follow_the_yaml_core_schema():
    doc = load_text("a: 0x1F\nb: 1_000\nc: .inf\nd: ~\ne: yes\nf: 1.5e3\ng: '007'\n")
    assert doc.data == {"a": 31, "b": 1000, "c": float("inf"), "d": None, "e": True, "f": 1500.0, "g": "007"}


def test_duplicate_key_is_an_error_at_the_second_key():
    e = err("id: A\ntitle: x\nid: B\n")
    assert (e.line, e.col) == (3, 1)
    assert "duplicate key 'id' (first at line 1)" in e.message


def test_duplicate_key_in_nested_mapping():
    e = err("a:\n  b: 1\n  b: 2\n")
    assert (e.line, e.col) == (3, 3)


def test_python_tags_are_refused():
    e = err("x: !!python/object/apply:os.system ['echo hi']\n")
    assert "unsupported YAML tag" in e.message and e.line == 1


def test_custom_tags_are_refused():
    e = err("x: !secret abc\n")
    assert "unsupported YAML tag '!secret'" in e.message


def test_several_documents_are_refused():
    e = err("a: 1\n---\nb: 2\n")
    assert e.message == "the file holds more than one YAML document"
    assert e.line == 2


def test_merge_keys_are_refused():
    e = err("base: &b {x: 1}\nother:\n  <<: *b\n")
    assert "merge keys" in e.message and (e.line, e.col) == (3, 3)


def test_syntax_error_is_located_with_a_hint():
    e = err("title: a: b\n")
    assert (e.line, e.col) == (1, 9)
    assert e.message.startswith("malformed YAML")
    assert "quoted" in e.hint


def test_tab_indentation_gets_its_own_hint():
    e = err("a:\n\t- b\n")
    assert (e.line, e.col) == (2, 1)
    assert e.hint == "indent with spaces, not tabs"


def test_empty_and_comment_only_files():
    assert err("").message == "the file is empty"
    assert err("# nothing\n\n").message == "the file is empty"


def test_undefined_alias():
    e = err("a: *nowhere\n")
    assert "undefined alias" in e.message and (e.line, e.col) == (1, 4)


def test_billion_laughs_fails_fast():
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 10):
        refs = ", ".join([f"*a{i - 1}"] * 10)
        lines.append(f"a{i}: &a{i} [{refs}]")
    start = time.perf_counter()
    with pytest.raises(LoadError) as info:
        load_text("\n".join(lines) + "\n")
    assert "expands to more than" in info.value.message
    assert time.perf_counter() - start < 5  # 10^10 values would never finish


def test_aliases_within_bounds_are_expanded():
    doc = load_text("a: &x [1, 2]\nb: *x\n")
    assert doc.data == {"a": [1, 2], "b": [1, 2]}


def test_non_utf8_is_located(tmp_path):
    path = tmp_path / "r.yaml"
    path.write_bytes("title: 碳\nnote: ".encode("utf-8") + "方针".encode("gbk") + b"\n")
    with pytest.raises(LoadError) as info:
        load_file(path)
    assert (info.value.line, info.value.col) == (2, 7)
    assert "not UTF-8" in info.value.message


def test_utf8_bom_is_accepted(tmp_path):
    path = tmp_path / "r.yaml"
    path.write_bytes(b"\xef\xbb\xbfa: 1\n")
    assert load_file(path).data == {"a": 1}


def test_oversized_file_is_refused_before_reading(tmp_path):
    path = tmp_path / "big.yaml"
    path.write_text("a: " + "x" * 5000 + "\n")
    with pytest.raises(LoadError) as info:
        load_file(path, max_bytes=1024)
    assert "more than the limit of 1024" in info.value.message


@pytest.mark.parametrize("depth", [900, 5000, 100_000])
def test_deep_nesting_is_refused_before_the_composer_recurses(depth):
    # 900 levels overflowed Python's recursion limit; 100 000 crashed the C composer outright
    e = err("id: A\ndeep: " + "[" * depth + "]" * depth + "\n")
    assert "nested more than 100 levels deep" in e.message
    # the bracket that opens level 101 (the record is level 1); a libyaml with its own nesting
    # limit (PyYAML 6.0.4 wheels) scans ahead and stops later on the line: still located
    assert e.line == 2 and (e.col == 6 + 100 or (depth > 1000 and e.col > 6 + 100))
    assert "flatten" in e.hint


def test_deep_block_nesting_is_refused():
    text = "".join(" " * i + f"k{i}:\n" for i in range(300)) + " " * 300 + "x: 1\n"
    e = err(text)
    assert "nested more than 100 levels deep" in e.message and e.line == 101


def test_nesting_up_to_the_limit_is_accepted():
    doc = load_text("deep: " + "[" * 99 + "1" + "]" * 99 + "\n")
    value = doc.data["deep"]
    for _ in range(98):
        value = value[0]
    assert value == [1]


def test_aliases_cannot_nest_past_the_limit():
    lines = ["a0: &a0 " + "[" * 40 + "]" * 40]
    lines += [f"a{i}: &a{i} " + "[" * 40 + f"*a{i - 1}" + "]" * 40 for i in range(1, 4)]
    e = err("\n".join(lines) + "\n")
    assert "nested more than 100 levels deep once its aliases" in e.message


def test_a_number_too_long_to_convert_is_located():
    e = err("id: A\nretention_years: " + "9" * 5000 + "\n")
    assert (e.line, e.col) == (2, 18)
    assert e.message == "number too long (5000 digits)"
    assert "quotes" in e.hint


def test_malformed_numbers_and_infinity_are_located():
    e = err("a: 1\nb: 0b_\n")
    assert (e.line, e.col) == (2, 4) and "cannot be read as a number" in e.message
    e = err("a: 1\nb: " + "9" * 400 + ".5\n")
    assert (e.line, e.col) == (2, 4) and "infinity" in e.message
    assert err("a: 1e999\n").message == "number too large: it would be read as infinity"
    assert load_text("a: .inf\nb: -.inf\n").data == {"a": float("inf"), "b": float("-inf")}


@pytest.mark.parametrize("escape, code", [("\\0", "U+0000"), ("\\e", "U+001B"), ("\\x01", "U+0001"), ("\\x7f", "U+007F")])
def test_control_characters_from_escapes_are_refused(escape, code):
    e = err(f'id: A\nnote: "ab{escape}c"\n')
    assert (e.line, e.col) == (2, 7)
    assert f"control character ({code}) at character 3" in e.message
    assert "cannot be shown or exported" in e.hint


def test_control_characters_in_keys_are_refused():
    e = err('id: A\n"k\\0": 1\n')
    assert (e.line, e.col) == (2, 1) and "U+0000" in e.message


def test_tab_and_newline_escapes_are_text():
    assert load_text('a: "x\\ty\\nz"\n').data == {"a": "x\ty\nz"}


@pytest.mark.parametrize("char", ["\x01", "\x00", "\x1b"])
def test_a_raw_control_character_is_located_by_line_and_column(char):
    # the C reader counts UTF-8 bytes: the two-byte characters before it must not shift the column
    e = err(f"id: A\ntitle: 碳方针\nnote: x{char}y\n")
    assert (e.line, e.col) == (3, 8)
    assert f"control character (U+{ord(char):04X})" in e.message


def test_a_lone_surrogate_in_text_is_located():
    e = err("id: A\nnote: x\ud800\n")
    assert (e.line, e.col) == (2, 8) and "surrogate" in e.message


# -- the budget of a run ---------------------------------------------------------------------
def test_a_run_budget_of_bytes_stops_at_the_file_that_spends_it(tmp_path):
    from cms_build.yamlsafe import Budget

    for name in ("a", "b", "c"):
        (tmp_path / f"{name}.yaml").write_text("x: " + "y" * 600 + "\n")  # 604 bytes each
    budget = Budget(bytes=1000, nodes=10_000)
    load_file(tmp_path / "a.yaml", budget=budget, rel="a.yaml")  # 604 of 1000
    with pytest.raises(LoadError) as info:
        load_file(tmp_path / "b.yaml", budget=budget, rel="b.yaml")  # 1208 > 1000
    assert info.value.message == ("the records of this run together are larger than limits.max_run_bytes (this file and the ones after it are not read)")
    with pytest.raises(LoadError) as info:
        load_file(tmp_path / "c.yaml", budget=budget, rel="c.yaml")
    assert info.value.message == "not read: the records of this run reached the limit of limits.max_run_bytes at b.yaml"


def test_a_run_budget_of_values_is_checked_before_composing(tmp_path, monkeypatch):
    from cms_build import yamlsafe

    (tmp_path / "a.yaml").write_text("a: [1, 2, 3]\n")  # 5 values: the mapping, its list, three numbers
    (tmp_path / "b.yaml").write_text("b: [1, 2, 3, 4, 5, 6]\n")  # 8 values: 5 + 8 > 10 (keys are no values)
    budget = yamlsafe.Budget(bytes=10_000, nodes=10)
    load_file(tmp_path / "a.yaml", budget=budget, rel="a.yaml")
    assert budget.nodes == 5

    def compose(*args):
        raise AssertionError("the text was composed although the walk over its events had refused it")

    monkeypatch.setattr(yamlsafe._Loader, "get_single_node", compose)
    with pytest.raises(LoadError) as info:
        load_file(tmp_path / "b.yaml", budget=budget, rel="b.yaml")
    e = info.value
    assert (e.line, e.col, e.message) == (
        1,
        14,
        "the records of this run together hold more values than limits.max_run_nodes (this file and the ones after it are not read)",
    )
    # 10 - 5 = 5 left: the sixth value of b.yaml (mapping, list, 1, 2, 3, 4) is the '4' at column 14
    with pytest.raises(LoadError) as info:
        load_file(tmp_path / "a.yaml", budget=budget, rel="a.yaml")
    assert info.value.message == "not read: the records of this run reached the limit of limits.max_run_nodes at b.yaml"


def test_a_file_with_too_many_values_is_refused_while_walking_its_events():
    with pytest.raises(LoadError) as info:
        load_text("[" + ", ".join(["1"] * 200) + "]\n", max_nodes=100)
    e = info.value  # value 101 is the list plus 100 numbers: the 100th '1' starts at column 1 + 3 * 99 + 1
    assert (e.line, e.col, e.message) == (1, 299, "the document holds more than 100 values")


def test_a_fifo_is_a_located_load_error(tmp_path):
    import os

    os.mkfifo(tmp_path / "x.yaml")
    with pytest.raises(LoadError) as info:
        load_file(tmp_path / "x.yaml")
    assert (info.value.line, info.value.message) == (1, "a FIFO (named pipe), not a regular file: it is not read")
