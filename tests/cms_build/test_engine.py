"""The pipeline on bad input: every problem a user can put in a record is a located finding.

Each case asserts the rule, the exact file:line:col and the message, and that the run went
on to report the other files' problems too.
"""

import pytest

from cms_build.engine import ENGINE_RULES


def policy(org, id="POL-1", **fields):
    return org.record("policy", id, statement="方针", issued_by="总经理", **fields)


def only(result, rule):
    """The one finding of a rule (the assertion lists the engine's findings if not)."""
    found = [f for f in result.findings if f.rule == rule]
    engine = [f for f in result.findings if f.rule in ENGINE_RULES or f.rule.startswith("org.")]
    assert len(found) == 1, [(f.rule, f.location(), f.message) for f in engine]
    return found[0]


def test_a_clean_repository_has_no_findings(org):
    org.add("policy/POL-1.yaml", policy(org))
    result = org.engine_only(org.run())
    assert result.findings == []
    assert [r.id for r in result.records] == ["POL-1"]


def test_broken_yaml_is_located_and_others_still_checked(org):
    org.add("policy/a.yaml", "kind: policy\nid: A\ntitle: [unclosed\n")
    org.add("policy/b.yaml", policy(org, "B", status="aproved"))
    result = org.run()
    bad = only(result, "yaml.invalid")
    assert (bad.file, bad.line) == ("policy/a.yaml", 4)
    assert bad.message.startswith("malformed YAML")
    schema = only(result, "schema.invalid")
    assert schema.file == "policy/b.yaml" and "'aproved' is not one of" in schema.message
    assert schema.hint == "did you mean 'approved'?"


def test_not_utf8(org):
    org.add("policy/gbk.yaml", "kind: policy\ntitle: 碳管理方针\n".encode("gbk"))
    f = only(org.run(), "yaml.invalid")
    # "title: " then GBK 碳 = CC BC, which happens to be valid UTF-8 (U+033C): the first bad byte is the 9th character
    assert (f.file, f.line, f.col) == ("policy/gbk.yaml", 2, 9)
    assert "not UTF-8" in f.message


def test_empty_file(org):
    org.add("policy/empty.yaml", "")
    f = only(org.run(), "yaml.invalid")
    assert (f.file, f.line, f.col, f.message) == ("policy/empty.yaml", 1, 1, "the file is empty")


def test_duplicate_key(org):
    org.add("policy/d.yaml", "kind: policy\nid: D\ntitle: a\ntitle: b\nstatus: draft\nstatement: s\nissued_by: x\n")
    f = only(org.run(), "yaml.invalid")
    assert (f.line, f.col) == (4, 1)
    assert f.message.startswith("duplicate key 'title' (first at line 3)")


def test_duplicate_id_across_files(org):
    org.add("policy/one.yaml", policy(org, "SAME"))
    org.add("policy/two.yaml", policy(org, "SAME"))
    found = [(f.location(), f.message) for f in org.run().findings if f.rule == "record.id"]
    assert found == [  # at both records: a reader of either file learns of the other
        ("policy/one.yaml:2:5", "duplicate id 'SAME': also used by policy/two.yaml:2:5"),
        ("policy/two.yaml:2:5", "duplicate id 'SAME': also used by policy/one.yaml:2:5"),
    ]


def test_unknown_kind_suggests_the_close_one(org):
    org.add("policy/k.yaml", {"kind": "polcy", "id": "K", "title": "t", "status": "draft"})
    f = only(org.run(), "record.kind")
    assert (f.line, f.col) == (1, 7)
    assert f.message == "unknown kind 'polcy'" and f.hint == "did you mean 'policy'?"


def test_missing_kind_and_bad_id(org):
    org.add("x/nokind.yaml", {"id": "X", "title": "t"})
    org.add("x/badid.yaml", {"kind": "policy", "id": "bad id!", "title": "t"})
    result = org.run()
    assert only(result, "record.kind").message == "the record does not say its kind"
    f = only(result, "record.id")
    assert f.message == "the record has an invalid id 'bad id!': it holds the character ' '" and (f.line, f.col) == (2, 5)


def test_wrong_type_names_field_and_expectation(org):
    org.add("policy/t.yaml", policy(org, review_interval_months="twelve"))
    f = only(org.run(), "schema.invalid")
    assert f.path == "review_interval_months"
    assert f.message == "review_interval_months should be a whole number, not text ('twelve')"
    assert "without quotes" in f.hint


def test_missing_required_field_and_unknown_field(org):
    data = policy(org)
    del data["issued_by"]
    data["statment"] = "typo"
    org.add("policy/m.yaml", data)
    messages = {f.message: f for f in org.run().findings}
    assert "missing required field 'issued_by'" in messages
    unknown = messages["unknown field 'statment' for kind policy"]
    assert unknown.hint == "did you mean 'statement'?"


def test_nested_field_error_points_at_the_nested_value(org):
    org.add("policy/n.yaml", policy(org, communication=[{"date": "2025-02-30", "audience": "全体员工"}]))
    f = only(org.run(), "schema.invalid")
    assert f.path == "communication[0].date"
    assert "2025-02-30 is written as a date, but there is no such day" in f.message
    lines = (org.root / "policy/n.yaml").read_text(encoding="utf-8").splitlines()
    assert "2025-02-30" in lines[f.line - 1]


def test_dangling_reference(org):
    org.add(
        "scope/S.yaml",
        org.record("scope", "S", organization="ORG-NONE", subsystems=["A"], organizational_boundary="b", operational_boundary="b", activities=["a"]),
    )
    f = only(org.run(), "ref.invalid")
    assert f.path == "organization"
    assert f.message == "organization names 'ORG-NONE', but no record has that id"


def test_reference_of_the_wrong_kind(org):
    org.add("policy/POL-1.yaml", policy(org))
    org.add(
        "scope/S.yaml",
        org.record("scope", "S", organization="POL-1", subsystems=["A"], organizational_boundary="b", operational_boundary="b", activities=["a"]),
    )
    f = only(org.run(), "ref.invalid")
    assert f.message == "organization names 'POL-1', which is a policy record (policy/POL-1.yaml); expected organization"


@pytest.mark.parametrize("path", ["../../etc/passwd", "/etc/passwd", "sub/../../../outside.pdf"])
def test_attachment_path_leaving_the_repository(org, path):
    org.add("policy/a.yaml", policy(org, attachments=[{"path": path}]))
    f = only(org.run(), "ref.invalid")
    assert f.path == "attachments[0].path"
    assert f.message == f"attachments[0].path: the path '{path}' leaves the repository"


def test_attachment_symlink_out_of_the_repository(org, tmp_path):
    outside = tmp_path / "secret.txt"
    outside.write_text("secret")
    org.add("policy/a.yaml", policy(org, attachments=[{"path": "link.txt"}]))
    (org.root / "policy" / "link.txt").symlink_to(outside)
    f = only(org.run(), "ref.invalid")
    assert "leaves the repository" in f.message


def test_attachment_inside_the_repository(org):
    org.add("policy/evidence/scan.pdf", b"%PDF-1.4")
    org.add("policy/a.yaml", policy(org, attachments=[{"path": "evidence/scan.pdf"}]))
    assert org.engine_only(org.run()).findings == []


def test_missing_attachment(org):
    org.add("policy/a.yaml", policy(org, attachments=[{"path": "nowhere.pdf"}]))
    assert only(org.run(), "ref.invalid").message == "attachments[0].path: the file 'nowhere.pdf' does not exist"


def test_empty_attachment_path(org):
    org.add("policy/a.yaml", policy(org, attachments=[{"path": " "}]))
    assert only(org.run(), "ref.invalid").message == "attachments[0].path: the path is empty"


def test_a_well_written_date_that_does_not_exist(org):
    org.add("policy/a.yaml", policy(org, approved_on="2025-02-30"))
    f = only(org.run(), "schema.invalid")
    assert "2025-02-30 is written as a date, but there is no such day" in f.message and "February" in f.hint


def test_alias_bomb_in_a_record_fails_fast(org):
    lines = ["kind: policy", "id: B", "a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]")
    org.add("policy/bomb.yaml", "\n".join(lines) + "\n")
    f = only(org.run(), "yaml.invalid")
    assert "expands to more than" in f.message


def test_settings_missing_and_invalid(org):
    (org.root / "cms.yaml").unlink()
    f = only(org.run(), "settings.invalid")
    assert f.message.startswith("no settings file cms.yaml")
    org.settings(subsystems=["E"])
    f = only(org.run(), "settings.invalid")
    assert (f.file, f.path) == ("cms.yaml", "subsystems[0]")
    assert "'E' is not one of: A, B, C, D" in f.message


def test_settings_defaults_come_from_the_schema(org):
    result = org.run()
    assert result.settings.get("gwp_set") == "AR5"
    assert result.settings.get("limits.max_nodes") == 200000


def test_invalid_records_are_not_given_to_checks(org):
    org.add("policy/bad.yaml", policy(org, "BAD", status="nope"))
    result = org.run()
    assert [r.valid for r in result.records] == [False]


def test_a_crashing_org_check_is_a_finding_not_a_traceback(org):
    org.add("policy/POL-1.yaml", policy(org))
    org.add(
        "checks/broken.py",
        (
            "from cms_build.api import check\n"
            "@check('org.broken', title='broken', clauses=['7.4.2'], kinds=['policy'])\n"
            "def broken(record, ctx):\n"
            "    raise ZeroDivisionError('oops')\n"
        ),
    )
    f = only(org.run(), "rules.crashed")
    assert "'org.broken' failed: ZeroDivisionError: oops" in f.message


def test_a_check_yielding_none_reports_only_its_issues(org):
    org.add("policy/POL-1.yaml", policy(org))
    org.add(
        "checks/own.py",
        (
            "from cms_build.api import check\n"
            "@check('org.sparse', title='sparse', clauses=['7.4.2'], kinds=['policy'])\n"
            "def sparse(record, ctx):\n"
            "    yield None\n"
            "    yield record.issue('statement', 'placed')\n"
        ),
    )
    result = org.run()
    assert [f.message for f in result.findings if f.rule == "org.sparse"] == ["placed"]
    assert not [f for f in result.findings if f.rule == "rules.crashed"]


def test_organization_checks_run_with_their_clauses(org):
    org.add("policy/POL-1.yaml", policy(org, version="0.1"))
    org.add(
        "checks/own.py",
        (
            "from cms_build.api import check\n"
            "@check('org.version-one', title='Versions start at 1', clauses=['7.4.2 a'], severity='warning', kinds=['policy'])\n"
            "def version(record, ctx):\n"
            "    if record.get('version', '').startswith('0'):\n"
            "        yield record.issue('version', f\"version {record.get('version')} is a pre-release\")\n"
        ),
    )
    f = only(org.run(), "org.version-one")
    assert (f.severity, f.clauses, f.path) == ("warning", ("7.4.2 a",), "version")


def test_disabled_and_reseverityd_checks(org):
    org.add("policy/POL-1.yaml", policy(org))
    org.add(
        "checks/own.py",
        (
            "from cms_build.api import check\n"
            "@check('org.always', title='always', clauses=['7.4.2'], kinds=['policy'])\n"
            "def always(record, ctx):\n"
            "    yield record.issue('id', 'flagged')\n"
        ),
    )
    org.settings(checks={"severity": {"org.always": "info"}})
    assert only(org.run(), "org.always").severity == "info"
    org.settings(checks={"disable": ["org.always"]})
    assert org.of(org.run(), "org.always") == []


def test_subsystem_checks_run_only_when_adopted(org):
    org.add("policy/POL-1.yaml", policy(org))
    org.add(
        "checks/own.py",
        (
            "from cms_build.api import check\n"
            "@check('org.d-only', title='D only', clauses=['D.10'], kinds=['policy'])\n"
            "def d_only(record, ctx):\n"
            "    yield record.issue('id', 'D rule ran')\n"
        ),
    )
    org.settings(subsystems=["A"])
    assert org.of(org.run(), "org.d-only") == []
    org.settings(subsystems=["A", "D"])
    assert len(org.of(org.run(), "org.d-only")) == 1


def test_same_input_same_findings(org):
    org.add("policy/a.yaml", policy(org, "A", status="x"))
    org.add("policy/b.yaml", "kind: policy\nid: [\n")
    first = [f.as_dict() for f in org.run().findings]
    assert first == [f.as_dict() for f in org.run().findings]


def test_settings_fall_back_to_schema_defaults_even_when_the_file_is_invalid(org):
    org.settings(trading={"price_band_listed": 0.2})
    settings = org.run().settings
    assert settings.get("trading.price_band_listed") == 0.2
    assert settings.get("trading.price_band_block") == 0.3  # documented default
    org.settings(subsystems="not a list")
    settings = org.run().settings
    assert settings.get("neutrality.correction_window_months") == 3
    assert settings.get("no.such.setting", "fallback") == "fallback"


@pytest.mark.parametrize(
    "source, line, col, says",
    [
        (
            "from cms_build.api import check\n\n@check('org.x', title='x', clauses=['7.4.2'], kinds=['policy'])\ndef x(record, ctx)\n    yield None\n",
            4,
            19,
            "Python syntax error",
        ),
        (
            "from cms_build.api import check\n\n@check('org.x', title='x', clauses=['7.4.2'], severity='fatal')\ndef x(ctx):\n    yield None\n",
            3,
            1,
            "failed to load: ValueError",
        ),
        ("import no_such_module_xyz\n", 1, 1, "ModuleNotFoundError"),
        (
            "from cms_build.api import check\n\n@check('ms.obligation-review-overdue', title='x', clauses=['5.2'])\ndef mine(ctx):\n    yield None\n",
            3,
            1,
            "check id 'ms.obligation-review-overdue' is already used",
        ),
    ],
)
def test_an_organization_rule_file_that_does_not_load_is_a_located_finding(org, source, line, col, says):
    org.add("policy/POL-1.yaml", policy(org))
    org.add("checks/mine.py", source)
    result = org.run()
    f = only(result, "rules.invalid")
    assert (f.file, f.line, f.col) == ("checks/mine.py", line, col) and says in f.message, f.message
    assert any(c.id == "ms.obligation-review-overdue" for c in result.checks)  # the bundled rules still ran


# -- organization code that misbehaves: a located rules.crashed, and every other finding --------
BASE = (
    "from cms_build.api import check, computation\n"
    "@check('org.fine', title='fine', clauses=['7.4.2'], kinds=['policy'])\n"
    "def fine(record, ctx):\n"
    "    yield record.issue('statement', 'still reported')\n"
)


def crashed(result):
    return [(f.file, f.line, f.col, f.severity, f.message) for f in result.findings if f.rule == "rules.crashed"]


def still_reported(result):
    """The other rules ran: the organization's fine rule and a bundled one."""
    assert [f.message for f in result.findings if f.rule == "org.fine"] == ["still reported"]
    assert any(f.rule == "schema.invalid" for f in result.findings)


def misbehaving(org, body, header="@check('org.bad', title='bad', clauses=['7.4.2'], kinds=['policy'])\ndef bad(record, ctx):\n"):
    org.add("policy/POL-1.yaml", policy(org))
    org.add("policy/BAD.yaml", policy(org, "BAD", status="nope"))
    org.add("checks/fine.py", BASE)
    org.add("checks/bad.py", "import os, sys\nfrom cms_build.api import check, computation\n" + header + body)


def test_a_raising_rule_is_located_at_the_raising_line(org):
    misbehaving(org, "    x = 1\n    raise KeyError('gone')\n")
    result = org.run()
    assert crashed(result) == [("checks/bad.py", 6, 1, "error", "check 'org.bad' failed: KeyError: 'gone'")]
    f = only(result, "rules.crashed")
    assert "organization's own code in checks/bad.py" in f.hint
    still_reported(result)


def test_a_looping_rule_is_stopped_at_the_time_limit(org):
    import time

    misbehaving(org, "    while True: pass\n")
    org.settings(checks={"time_limit_seconds": 0.3})
    started = time.monotonic()
    result = org.run()
    assert time.monotonic() - started < 8
    assert crashed(result) == [
        ("checks/bad.py", 5, 1, "error", "check 'org.bad' failed: it did not finish within 0.3 s (checks.time_limit_seconds in cms.yaml) and was stopped")
    ]
    still_reported(result)


def test_a_rule_catching_exception_is_still_stopped(org):
    misbehaving(org, "    while True:\n        try:\n            pass\n        except Exception:\n            pass\n")
    org.settings(checks={"time_limit_seconds": 0.2})
    result = org.run()
    assert [(f[0], f[3]) for f in crashed(result)] == [("checks/bad.py", "error")]
    assert crashed(result)[0][1] in (5, 6, 7)
    still_reported(result)


def test_a_printing_rule_is_a_warning_and_prints_nothing(org, capsys):
    misbehaving(org, "    print('debug', record.id)\n    print('x', file=sys.stderr)\n    yield record.issue('id', 'its own finding')\n")
    result = org.run()
    # 'debug POL-1\n' 'x\n' 'debug BAD\n'... only valid records reach a check: POL-1 -> 12 + 2 = 14 characters
    # located at the rule's decorator (line 3), which names its id
    assert crashed(result) == [
        (
            "checks/bad.py",
            3,
            1,
            "warning",
            "check 'org.bad' failed: it wrote 14 characters to standard output or error (first line 'debug POL-1'), which cms discarded",
        )
    ]
    assert [f.message for f in org.of(result, "org.bad")] == ["its own finding"]
    assert capsys.readouterr() == ("", "")
    still_reported(result)


@pytest.mark.parametrize("call, says", [("sys.exit(0)", "sys.exit(0)"), ("os._exit(0)", "os._exit(0)"), ("exit()", "sys.exit(None)")])
def test_a_rule_cannot_end_the_run(org, call, says):
    misbehaving(org, f"    {call}\n")
    result = org.run()
    assert crashed(result) == [("checks/bad.py", 5, 1, "error", f"check 'org.bad' failed: it called {says}, which would have ended cms with no report")]
    still_reported(result)


def test_a_rule_yielding_what_is_not_a_finding(org):
    misbehaving(org, "    yield 'a string'\n    yield record.issue('id', 'real')\n")
    result = org.run()
    assert crashed(result) == [("checks/bad.py", 3, 1, "error", "check 'org.bad' failed: yielded 1 value(s) that are not findings, the first 'a string' (str)")]
    assert [f.message for f in org.of(result, "org.bad")] == ["real"]
    still_reported(result)


def test_a_computation_whose_result_is_not_json(org):
    misbehaving(org, "    return {'when': {1, 2}}\n", header="@computation('org.comp', title='c')\ndef comp(ctx):\n")
    result = org.run()
    assert crashed(result) == [
        (
            "checks/bad.py",
            3,
            1,
            "error",
            "computation 'org.comp' failed: its result is not "
            "JSON (Object of type set is not JSON serializable); return dicts, lists, strings, "
            "numbers, booleans, None",
        )
    ]
    assert result.results["org.comp"] is None
    still_reported(result)


def test_a_rule_file_that_exits_while_loading(org):
    misbehaving(org, "    yield None\nsys.exit(3)\n")
    result = org.run()
    f = only(result, "rules.invalid")
    assert (f.file, f.line, f.col, f.message) == (
        "checks/bad.py",
        6,
        1,
        "the file failed to load: it called sys.exit(3), which would have ended cms with no report",
    )
    still_reported(result)


def test_a_bundled_rule_crash_is_a_bug_in_cms(org, monkeypatch):
    from cms_build import engine

    checks, comps = engine.load_rules(engine.rule_folders(org.root))
    target = next(c for c in checks if c.kinds and "policy" in c.kinds)

    def broken(record, ctx):
        raise RuntimeError("bundled bug")

    line = broken.__code__.co_firstlineno + 1
    monkeypatch.setattr(target, "fn", broken)
    org.add("policy/POL-1.yaml", policy(org))
    f = only(org.run(), "rules.crashed")
    assert (f.file, f.line, f.col) == ("cms.yaml", 1, 1)
    assert f.message == (f"bundled check '{target.id}' (test_engine.py:{line}) failed: RuntimeError: bundled bug")
    assert f.hint.startswith("this is a bug in cms, not in your records")


def test_settings_naming_a_rule_that_does_not_exist(org):
    org.add("policy/POL-1.yaml", policy(org))
    org.add("checks/fine.py", BASE)
    org.add(
        "cms.yaml",
        "organization:\n  name: T\nsubsystems: [A, B, C, D]\nchecks:\n  disable:\n"
        "    - org.fien\n    - yaml.invalid\n  severity:\n    org.fine: info\n    ms.nothing-like-it: info\n",
    )
    result = org.run()
    bad = [(f.line, f.col, f.message, f.hint) for f in org.of(result, "settings.invalid")]
    assert bad == [
        (6, 7, "checks.disable names 'org.fien', which is not a rule", "did you mean 'org.fine'? 'cms checks' lists the rules"),
        (
            7,
            7,
            "checks.disable names 'yaml.invalid', a rule of the engine, which cannot be switched off: its findings "
            "mean records or rules could not be read or run",
            "remove it; correct what the findings say instead",
        ),
        (10, 5, "checks.severity names 'ms.nothing-like-it', which is not a rule", "'cms checks' lists the rules"),
    ]
    assert only(result, "org.fine").severity == "info"  # the valid entries still apply


def test_a_library_warning_in_a_rule_is_not_taken_for_a_print(org):
    misbehaving(org, "    import warnings\n    warnings.warn('a library note', UserWarning)\n    yield None\n")
    result = org.run()
    assert crashed(result) == []
    still_reported(result)


def test_a_rule_yielding_a_malformed_issue(org):
    misbehaving(
        org,
        "    from cms_build.findings import Issue\n"
        "    yield Issue('bad severity', record.rel, 1, 1, severity='fatal')\n"
        "    yield Issue('bad line', record.rel, line='x')\n"
        "    yield record.issue('id', 'real')\n",
    )
    result = org.run()
    [(file, line, col, severity, message)] = crashed(result)
    assert (file, line, col, severity) == ("checks/bad.py", 3, 1, "error")
    assert message.startswith(
        "check 'org.bad' failed: yielded 2 value(s) that are not findings, the first an Issue "
        "with a field of the wrong type or an unknown severity, Issue(message='bad severity'"
    )
    assert [f.message for f in org.of(result, "org.bad")] == ["real"]
    still_reported(result)


def test_a_disabled_rule_of_a_file_that_does_not_load_is_not_called_unknown(org):
    org.add("policy/POL-1.yaml", policy(org))
    org.add("checks/mine.py", "def broken(:\n")
    org.settings(checks={"disable": ["org.in-the-broken-file"]})
    result = org.run()
    assert only(result, "rules.invalid").file == "checks/mine.py"
    assert org.of(result, "settings.invalid") == []


def test_the_time_limit_setting_is_validated_and_documented(org):
    org.add("policy/POL-1.yaml", policy(org))
    assert org.run().settings.get("checks.time_limit_seconds") == 60  # the schema's default
    org.add("cms.yaml", "organization:\n  name: T\nsubsystems: [A]\nchecks:\n  time_limit_seconds: 0\n")
    f = only(org.run(), "settings.invalid")
    assert (f.file, f.line, f.col, f.message) == ("cms.yaml", 5, 23, "checks.time_limit_seconds must be more than 0, not 0")


def test_a_rule_closing_stdout_or_raising_an_unprintable_exception(org):
    misbehaving(org, "    class Odd(Exception):\n        def __str__(self):\n            raise RuntimeError('no')\n    sys.stdout.close()\n    raise Odd()\n")
    result = org.run()
    assert crashed(result) == [("checks/bad.py", 9, 1, "error", "check 'org.bad' failed: Odd: (its message could not be read)")]
    still_reported(result)


def test_a_huge_exception_message_is_cut(org):
    misbehaving(org, "    raise ValueError('x' * 1000000)\n")
    [(_, _, _, _, message)] = crashed(org.run())
    # "check 'org.bad' failed: ValueError: " (36 characters) + 299 x + "…"
    assert message == "check 'org.bad' failed: ValueError: " + "x" * 299 + "…"
