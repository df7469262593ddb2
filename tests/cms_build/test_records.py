"""Discovery of record files and the id rules: nothing is skipped in silence, nothing is read
from outside the repository, and an id is one line of the documented characters."""

import os

import pytest

from cms_build.records import discover, id_key, id_problem, valid_id


def policy(org, id="POL-1", **fields):
    return org.record("policy", id, statement="方针", issued_by="总经理", **fields)


def engine(org):
    result = org.engine_only(org.run(stages="validate"))
    return [(f.rule, f.location(), f.message) for f in result.findings], result


def test_upper_case_suffixes_are_records(org):
    org.add("policy/A.YAML", policy(org, "POL-1"))
    org.add("policy/B.Yml", policy(org, "POL-2"))
    found, result = engine(org)
    assert found == []
    assert sorted(r.rel for r in result.records) == ["policy/A.YAML", "policy/B.Yml"]


def test_a_record_linked_from_outside_is_not_read(org, tmp_path):
    outside = tmp_path / "elsewhere.yaml"
    outside.write_text("kind: policy\nid: OUT-1\ntitle: from outside\n", encoding="utf-8")
    org.add("policy/POL-1.yaml", policy(org))
    (org.root / "policy" / "out.yaml").symlink_to(outside)
    found, result = engine(org)
    assert found == [("yaml.invalid", "policy/out.yaml:1:1", "the file is a symbolic link to outside the repository")]
    assert [r.id for r in result.records] == ["POL-1"]


def test_a_folder_linked_from_outside_is_reported_not_walked(org, tmp_path):
    (tmp_path / "ext").mkdir()
    (tmp_path / "ext" / "x.yaml").write_text("kind: policy\nid: EXT\n", encoding="utf-8")
    org.add("policy/POL-1.yaml", policy(org))
    (org.root / "more").symlink_to(tmp_path / "ext")
    found, _ = engine(org)
    assert found == [("yaml.invalid", "more:1:1", "the folder is a symbolic link to outside the repository; its records are not read")]


def test_a_fifo_named_yaml_is_refused_not_waited_for(org):
    org.add("policy/POL-1.yaml", policy(org))
    os.mkfifo(org.root / "policy" / "x.yaml")  # reading it would block `cms check` forever
    found, _ = engine(org)
    assert found == [("yaml.invalid", "policy/x.yaml:1:1", "a FIFO (named pipe), not a regular file: it is not read")]


def test_a_link_to_dev_zero_is_refused(org):
    (org.root / "policy").mkdir(parents=True)
    (org.root / "policy" / "z.yaml").symlink_to("/dev/zero")  # would be read until memory runs out
    found, _ = engine(org)
    assert found == [("yaml.invalid", "policy/z.yaml:1:1", "the file is a symbolic link to outside the repository")]


def test_a_link_loop_named_yaml(org):
    (org.root / "policy").mkdir(parents=True)
    (org.root / "policy" / "a.yaml").symlink_to(org.root / "policy" / "b.yaml")
    (org.root / "policy" / "b.yaml").symlink_to(org.root / "policy" / "a.yaml")
    found, _ = engine(org)
    assert found == [
        ("yaml.invalid", "policy/a.yaml:1:1", "the file is a loop of symbolic links"),
        ("yaml.invalid", "policy/b.yaml:1:1", "the file is a loop of symbolic links"),
    ]


def test_a_link_inside_the_repository_is_read_where_it_points(org):
    org.add("policy/POL-1.yaml", policy(org))
    (org.root / "policy" / "same.yaml").symlink_to(org.root / "policy" / "POL-1.yaml")
    found, _ = engine(org)  # the same record twice: its id is a duplicate, said at both
    assert found == [
        ("record.id", "policy/POL-1.yaml:2:5", "duplicate id 'POL-1': also used by policy/same.yaml:2:5"),
        ("record.id", "policy/same.yaml:2:5", "duplicate id 'POL-1': also used by policy/POL-1.yaml:2:5"),
    ]


def test_an_unreadable_folder_is_named(org, monkeypatch):
    org.add("policy/POL-1.yaml", policy(org))
    org.add("secret/x.yaml", policy(org, "POL-2"))
    real = os.scandir

    def scandir(path):  # the tests run as root, who reads every folder: refuse as chmod 000 would
        if str(path).endswith("secret"):
            raise PermissionError(13, "Permission denied")
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    found, _ = engine(org)
    assert found == [("yaml.invalid", "secret:1:1", "the folder cannot be read: Permission denied; its records are not checked")]


def test_discover_skips_hidden_settings_and_excluded(tmp_path):
    for rel in ("cms.yaml", ".git/x.yaml", "checks/x.yaml", "a/b.yaml", "a/c.txt", "old/d.yml"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("a: 1\n")
    problems = []
    found = discover(tmp_path, ["old/*"], problems)
    assert [p.relative_to(tmp_path.resolve()).as_posix() for p in found] == ["a/b.yaml"] and problems == []


# -- ids -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "value, problem",
    [
        ("POL-001\n", "has an invalid id 'POL-001\\n': it holds a line break (a block scalar '|' or '>' adds one at its end)"),
        ("POL\x00", "has an invalid id 'POL\\x00': it holds a control or invisible character (U+0000)"),
        ("POL\u200b1", "has an invalid id 'POL\\u200b1': it holds a control or invisible character (U+200B)"),
        ("a/b", "has an invalid id 'a/b': it holds a path separator ('/')"),
        ("a\\b", "has an invalid id 'a\\\\b': it holds a path separator ('\\\\')"),
        ("ＰＯＬ-1", "has an invalid id 'ＰＯＬ-1': it holds the character 'Ｐ' (U+FF30): ids are written in ASCII letters and digits"),
        ("-POL", "has an invalid id '-POL': it must start with a letter or a digit"),
        ("A" * 129, "has an invalid id 'AAAAAAAAAAAAAAAAAAAA'...: it is 129 characters long, more than 128"),
        (12, "has an id that is not text (12): quote it"),
        (None, "has no id"),
    ],
)
def test_id_problems_say_what_is_wrong(value, problem):
    assert not valid_id(value)
    assert id_problem(value) == problem


def test_a_trailing_newline_makes_no_second_record(org):
    org.add("policy/POL-1.yaml", policy(org, "POL-1"))
    org.add("policy/nl.yaml", 'kind: policy\nid: "POL-1\\n"\ntitle: t\n')
    found, result = engine(org)
    assert found == [
        ("record.id", "policy/nl.yaml:2:5", "the record has an invalid id 'POL-1\\n': it holds a line break (a block scalar '|' or '>' adds one at its end)")
    ]
    assert [r.id for r in result.records] == ["POL-1"]


def test_ids_are_compared_casefolded_and_nfkc():
    assert id_key("POL-001") == id_key("pol-001") == id_key("ＰＯＬ－００１")
    assert id_key("POL-001") != id_key("POL-01")


def test_an_unreadable_record_file_is_named(org, monkeypatch):
    org.add("policy/POL-1.yaml", policy(org))
    org.add("policy/POL-2.yaml", policy(org, "POL-2"))
    real = os.open

    def refuse(path, flags, *args):  # the tests run as root, who reads every file: refuse as chmod 000 would
        if str(path).endswith("POL-2.yaml"):
            raise PermissionError(13, "Permission denied")
        return real(path, flags, *args)

    monkeypatch.setattr(os, "open", refuse)
    found, result = engine(org)
    assert found == [("yaml.invalid", "policy/POL-2.yaml:1:1", "the file cannot be read: Permission denied")]
    assert [r.id for r in result.records] == ["POL-1"]


def test_the_run_budget_is_a_setting(org):
    org.settings(limits={"max_run_bytes": 2048})
    for n in range(1, 5):  # about 600 bytes each: the fourth takes the run past 2048
        org.add(f"policy/POL-{n}.yaml", policy(org, f"POL-{n}", notes="方" * 100))
    sizes = [(org.root / f"policy/POL-{n}.yaml").stat().st_size for n in range(1, 5)]
    assert sum(sizes[:3]) <= 2048 < sum(sizes)
    found, result = engine(org)
    assert found == [
        (
            "yaml.invalid",
            "policy/POL-4.yaml:1:1",
            "the records of this run together are larger than limits.max_run_bytes (this file and the ones after it are not read)",
        )
    ]


@pytest.mark.parametrize(
    "name, shown, code",
    [
        ("a\nb.yaml", "policy/a\\nb.yaml", "000A"),  # would split a finding's line in two
        ("x\u202egnp.yaml", "policy/x\\u202egnp.yaml", "202E"),  # shows as 'xlmay.png'
        (b"gb\xb7\xbd.yaml", "policy/gb\\udcb7\\udcbd.yaml", "DCB7"),  # a GBK name: not UTF-8
    ],
)
def test_a_file_name_that_cannot_be_shown_is_refused(org, name, shown, code):
    org.add("policy/POL-1.yaml", policy(org))
    raw = os.fsencode(org.root / "policy") + b"/" + (name if isinstance(name, bytes) else name.encode())
    with open(raw, "w") as fh:
        fh.write("kind: policy\nid: X\n")
    found, _ = engine(org)
    assert found == [("yaml.invalid", f"{shown}:1:1", f"the name holds a character that cannot be shown (U+{code}): it is not read")]


# -- Record.get's fast paths (parsed paths kept, a top-level key in one step) --------------
def _slow_get(data, path, default=None):
    """Record.get as it was before the fast paths: parse the text, then walk."""
    import re

    node = data
    if isinstance(path, (tuple, list)):
        parts = tuple(path)
    else:
        parts = tuple(int(i) if i else n for n, i in re.findall(r"([^.\[\]]+)|\[(\d+)\]", path or ""))
    for part in parts:
        if isinstance(part, int):
            if not isinstance(node, list) or part >= len(node):
                return default
        elif not isinstance(node, dict) or part not in node:
            return default
        node = node[part]
    return node


def _rec(data):
    from pathlib import Path

    from cms_build.records import Record
    from cms_build.yamlsafe import Document

    return Record(id="R-1", kind="policy", data=data, rel="r.yaml", path=Path("r.yaml"), doc=Document(data))


DATA = {
    "title": "T",
    "none": None,
    "false": False,
    "zero": 0,
    "list": [{"value": 1}, None, [2, 3]],
    "nested": {"a": {"b": None}},
    "0": "text key",
}
PATHS = [
    "title",
    "none",
    "false",
    "zero",
    "missing",
    "",
    "list",
    "list[0]",
    "list[0].value",
    "list[1]",
    "list[1].value",
    "list[2][1]",
    "list[9]",
    "list.value",
    "nested.a.b",
    "nested.a.b.c",
    "nested.missing",
    "title.x",
    "title[0]",
    "0",
    ("list", 0, "value"),
    ("list", 5),
    ["nested", "a"],
    (),
    ("title",),
    ("none",),
    ("missing",),
]


@pytest.mark.parametrize("path", PATHS, ids=repr)
def test_get_agrees_with_the_walk(path):
    record = _rec(DATA)
    sentinel = object()
    assert record.get(path) == _slow_get(DATA, path)
    assert record.get(path, sentinel) is _slow_get(DATA, path, sentinel) or record.get(path, sentinel) == _slow_get(DATA, path, sentinel)
    assert record.get(path) == record.get(path)  # the second time from the kept parse


def test_get_gives_the_default_only_for_a_missing_key_not_a_none_value():
    record, sentinel = _rec(DATA), object()
    assert record.get("none", sentinel) is None
    assert record.get("false", sentinel) is False
    assert record.get("missing", sentinel) is sentinel
    assert record.get("nested.a.b", sentinel) is None
    assert record.get("nested.a.c", sentinel) is sentinel


def test_a_kept_parse_is_the_parse_and_the_kept_ones_are_bounded(monkeypatch):
    from cms_build import records

    monkeypatch.setattr(records, "_PARSED", {})
    monkeypatch.setattr(records, "_PARSED_MAX", 2)
    for text in ["a.b[3]", "x", "y", "a.b[3]", "z"]:
        assert records.parse_path(text) == records._parse_text(text)
    assert len(records._PARSED) == 2
    assert records.parse_path("a.b[3]") == ("a", "b", 3)
