"""The cms command as users and CI run it: exit codes, and never a traceback."""

import json
import subprocess
import sys

import pytest

from tests.conftest import EXAMPLE, EXAMPLE_AS_OF


def cms(*args, cwd=None, env=None):
    proc = subprocess.run([sys.executable, "-m", "cms_build.cli", *map(str, args)], capture_output=True, text=True, cwd=cwd, env=env, timeout=300)
    assert "Traceback" not in proc.stdout + proc.stderr, proc.stderr
    return proc.returncode, proc.stdout, proc.stderr


@pytest.fixture
def broken(org):
    org.add("policy/a.yaml", "kind: policy\nid: A\ntitle: [x\n")
    org.add("policy/b.yaml", org.record("policy", "B", statement="s", issued_by="x", status="aproved"))
    return org


def test_check_exits_1_on_errors_and_lists_them_by_file(broken):
    code, out, _ = cms("check", broken.root, "--as-of", "2026-06-30")
    assert code == 1
    assert "\npolicy/a.yaml:4:1: error yaml.invalid malformed YAML" in out
    assert "hint: did you mean 'approved'?" in out
    assert out.rstrip().splitlines()[-1].startswith("FAIL: ")


def test_check_exits_0_when_clean(org):
    org.copy_example()
    code, out, _ = cms("check", org.root, "--as-of", "2026-06-30")
    assert code == 0 and "OK: nothing at or above 'error'" in out


def test_fail_on_warning(org):
    org.copy_example()
    org.add(
        "checks/w.py",
        "from cms_build.api import check\n"
        "@check('org.warn', title='w', clauses=['7.4.2'], severity='warning', kinds=['policy'])\n"
        "def w(r, ctx):\n    yield r.issue('id', 'a warning')\n",
    )
    assert cms("check", org.root, "--as-of", "2026-06-30")[0] == 0
    assert cms("check", org.root, "--as-of", "2026-06-30", "--fail-on", "warning")[0] == 1


@pytest.mark.parametrize(
    "args, message",
    [
        (["check", "/no/such/folder"], "not a folder"),
        (["check", ".", "--as-of", "2026-02-30"], "is not a date"),
        (["check", ".", "--format", "xml"], "Invalid value for '--format'"),
        (["nosuchcommand"], "No such command"),
    ],
)
def test_usage_errors_exit_2_with_a_message(org, args, message):
    code, out, err = cms(*args, cwd=org.root)
    assert code == 2 and message in err


def test_no_settings_anywhere_is_a_usage_error(tmp_path):
    code, _, err = cms("check", cwd=tmp_path)
    assert code == 2 and "no cms.yaml here or in any parent folder" in err


def test_path_defaults_to_the_nearest_cms_yaml_upward(org):
    org.copy_example()
    code, out, _ = cms("check", "--as-of", "2026-06-30", cwd=org.root / "policy")
    assert code == 0 and "OK: nothing at or above 'error'" in out


def test_validate_reports_schema_errors_only(broken):
    code, out, _ = cms("validate", broken.root)
    assert code == 1 and "'aproved' is not one of" in out


def test_json_output_parses(broken):
    code, out, _ = cms("check", broken.root, "--as-of", "2026-06-30", "--format", "json")
    doc = json.loads(out)
    assert code == 1 and doc["failed"] is True
    assert doc["summary"]["error"] == sum(1 for f in doc["findings"] if f["severity"] == "error")
    assert {"yaml.invalid", "schema.invalid"} <= {f["rule"] for f in doc["findings"]}


def test_list_show_kinds_checks(org):
    org.add("policy/P.yaml", org.record("policy", "P", statement="s", issued_by="x"))
    code, out, _ = cms("list", org.root)
    assert code == 0 and "P " in out and "policy" in out
    code, out, _ = cms("show", "P", "--path", org.root)
    assert code == 0 and "# P (policy) — policy/P.yaml" in out
    code, _, err = cms("show", "Q", "--path", org.root)
    assert code == 2 and "no record with id 'Q'" in err
    code, out, _ = cms("kinds", org.root, "--format", "json")
    assert "policy" in {k["kind"] for k in json.loads(out)}
    code, out, _ = cms("checks", org.root, "--format", "json")
    assert code == 0 and "checks" in json.loads(out)


def test_new_writes_a_skeleton_that_check_points_at_and_never_overwrites(org):
    code, out, _ = cms("new", "policy", "--path", org.root)
    assert code == 0 and out.strip() == "wrote policy/POL-001.yaml"
    text = (org.root / "policy/POL-001.yaml").read_text(encoding="utf-8")
    assert 'kind: "policy"' in text and "statement:" in text and "(required)" in text
    before = text
    code, _, err = cms("new", "policy", "POL-001", "--path", org.root)
    assert code == 2 and "already exists" in err
    assert (org.root / "policy/POL-001.yaml").read_text(encoding="utf-8") == before
    code, out, _ = cms("new", "policy", "--path", org.root)
    assert out.strip() == "wrote policy/POL-002.yaml"
    code, out, _ = cms("check", org.root, "--as-of", "2026-06-30")
    # the empty required fields are pointed at, line by line
    assert "policy/POL-001.yaml" in out and "title should be text, not empty" in out
    code, _, err = cms("new", "polcy", "--path", org.root)
    assert code == 2 and "did you mean 'policy'" in err


def test_export_is_json_with_records_and_findings(broken):
    code, out, _ = cms("export", broken.root, "--as-of", "2026-06-30")
    doc = json.loads(out)
    assert code == 0 and doc["as_of"] == "2026-06-30" and doc["profile"] == "internal"
    assert [r["id"] for r in doc["records"]] == ["B"]
    assert doc["summary"]["error"] == sum(1 for f in doc["findings"] if f["severity"] == "error") >= 2


def test_the_example_passes(tmp_path):
    code, out, _ = cms("check", EXAMPLE, "--as-of", EXAMPLE_AS_OF)
    assert code == 0, out


def test_a_broken_organization_schema_is_a_clear_usage_error(org):
    org.add("policy/P.yaml", org.record("policy", "P", statement="s", issued_by="x"))
    org.add("schemas/widget.schema.json", '{"$id": "https://example.org/widget.schema.json", "x-cms": {"kind": "widget"}, "type": "objekt"}')
    code, _, err = cms("check", org.root, "--as-of", "2026-06-30")
    assert code == 2 and "a schema is broken" in err and "widget.schema.json: invalid JSON Schema" in err
    org.add("schemas/widget.schema.json", "{not json")
    code, _, err = cms("check", org.root, "--as-of", "2026-06-30")
    assert code == 2 and "widget.schema.json: not a readable JSON schema" in err


def test_a_schema_whose_relative_ref_resolves_outside_the_run_is_a_clear_usage_error(org):
    # an organization's kind with its own $id domain and the usual relative $ref to the bundled
    # envelope: the $ref resolves to https://example.org/mine/envelope.schema.json, which no file
    # holds (nothing is fetched). Before, this was an "internal error" with a traceback hint.
    org.add(
        "schemas/thing.schema.json",
        json.dumps(
            {
                "$schema": "https://json-schema.org/draft/2020-12/schema",
                "$id": "https://example.org/mine/thing.schema.json",
                "x-cms": {"kind": "thing", "subsystem": "common", "clauses": ["7.4"], "id_prefix": "TH", "folder": "things"},
                "title": "东西",
                "x-title-en": "Thing",
                "type": "object",
                "allOf": [{"$ref": "envelope.schema.json"}],
            }
        ),
    )
    code, _, err = cms("check", org.root, "--as-of", "2026-06-30")
    assert code == 2 and "internal error" not in err, err
    assert "thing.schema.json: a $ref points at https://example.org/mine/envelope.schema.json" in err
    assert "give the file an $id under https://cms-as-code.org/schemas/" in err


@pytest.mark.parametrize("command", [["check", "--format", "json"], ["export"], ["export", "--format", "xlsx"], ["matrix"], ["validate"]])
def test_output_never_writes_over_a_file_unless_asked(broken, command):
    settings = broken.root / "cms.yaml"
    before = settings.read_bytes()
    code, _, err = cms(*command, broken.root, "-o", settings)
    assert code == 2 and "exists" in err and "--force" in err
    assert settings.read_bytes() == before  # the user's file is untouched
    report = broken.root.parent / "report.out"
    report.write_text("earlier report", encoding="utf-8")
    code, _, _ = cms(*command, broken.root, "-o", report, "--force")
    assert code in (0, 1) and report.read_bytes() != b"earlier report"


def test_output_into_a_missing_folder_is_a_usage_error(broken, tmp_path):
    code, _, err = cms("check", broken.root, "-o", tmp_path / "no" / "such" / "report.txt")
    assert code == 2 and "does not exist" in err and "internal error" not in err


def test_show_suggests_the_id_in_another_case_and_the_unreadable_files(broken):
    code, _, err = cms("show", "b", "--path", broken.root, "--as-of", "2026-06-30")
    assert code == 2 and "did you mean B?" in err
    assert "policy/a.yaml" in err and "could not be read" in err  # A is in a broken file


def test_empty_settings_file_says_what_to_write(org):
    org.write("cms.yaml", "")
    code, out, _ = cms("check", org.root, "--as-of", "2026-06-30")
    assert code == 1 and "cms.yaml" in out and "organization: {name: ...}" in out and "delete the file" not in out


def test_new_where_the_kinds_folder_is_a_file(org):
    org.write("policy", "not a folder")
    code, _, err = cms("new", "policy", "POL-9", "--path", org.root)
    assert code == 2 and "policy is a file, not a folder" in err and "Errno" not in err
    assert (org.root / "policy").read_text(encoding="utf-8") == "not a folder"


def test_output_is_written_atomically_and_a_full_disk_says_so(broken, tmp_path, monkeypatch):
    import errno
    import os

    from cms_build.commands import common

    report = tmp_path / "report.json"
    report.write_text("earlier report", encoding="utf-8")

    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(common.CmsError) as err:
        common.write_output("a new report\n", str(report))
    assert err.value.message == (f"cannot write {report}: the disk is full (No space left on device); nothing was written: free some space and run again")
    assert report.read_text(encoding="utf-8") == "earlier report"  # not truncated, not replaced
    assert sorted(p.name for p in tmp_path.iterdir()) == ["org", "report.json"]  # no temporary file left
    monkeypatch.undo()
    common.write_output("a new report\n", str(report))
    assert report.read_text(encoding="utf-8") == "a new report\n"
    assert oct(report.stat().st_mode & 0o777) == oct(0o666 & ~_umask())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["org", "report.json"]


def _umask():
    import os

    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_a_rule_cannot_turn_a_failing_gate_green_or_corrupt_json(broken):
    broken.add("policy/c.yaml", broken.record("policy", "C", statement="s", issued_by="x"))
    broken.add(
        "checks/rude.py",
        "import os, sys\nfrom cms_build.api import check\n"
        "@check('org.rude', title='rude', clauses=['7.4.2'], kinds=['policy'])\n"
        "def rude(record, ctx):\n    print('{not json')\n    sys.exit(0)\n"
        "@check('org.ruder', title='ruder', clauses=['7.4.2'])\n"
        "def ruder(ctx):\n    os._exit(0)\n",
    )
    code, out, err = cms("check", broken.root, "--as-of", "2026-06-30", "--format", "json")
    assert code == 1 and err == ""
    doc = json.loads(out)  # nothing the rules printed is in it
    crashed = [(f["file"], f["line"], f["severity"], f["message"]) for f in doc["findings"] if f["rule"] == "rules.crashed"]
    assert crashed == [
        (
            "checks/rude.py",
            3,
            "warning",
            "check 'org.rude' failed: it wrote 10 characters to standard output or error (first line '{not json'), which cms discarded",
        ),
        ("checks/rude.py", 6, "error", "check 'org.rude' failed: it called sys.exit(0), which would have ended cms with no report"),
        ("checks/rude.py", 9, "error", "check 'org.ruder' failed: it called os._exit(0), which would have ended cms with no report"),
    ]
    assert any(f["rule"] == "yaml.invalid" for f in doc["findings"])  # the records' own findings are all there


def test_show_prints_the_records_computed_figures_and_their_trace():
    """Issue 18 (3): `cms show ID` explains what was computed from the record: the figure, its
    formula and the inputs with the file and line each came from."""
    from pathlib import Path
    from cms_build.engine import run

    root = Path(__file__).resolve().parents[2] / "records"
    code, out, err = cms("show", "AD-2025-BJ1-U1-COAL", "--path", root, "--as-of", "2026-06-30")
    assert code == 0, err
    computed = out.split("computed from it", 1)[1]
    entry = run(root, __import__("datetime").date(2026, 6, 30)).results["emissions"]["years"]["2025"]["entries"]["AD-2025-BJ1-U1-COAL"]["total"]
    # issue 17 item 5: the figures in the site's number format (escape.fmt_value: tCO2e with two decimals)
    assert f"emissions.years.2025.entries.AD-2025-BJ1-U1-COAL.total: {entry['value']:,.2f} tCO2e" in out
    assert "E = AD × EF × GWP" in out
    assert "activity/2025/AD-2025-BJ1-U1-COAL.yaml:27) <- this record" in out
    assert "emissions.years.2025.total: " in computed  # the inventory total it enters


def test_no_color_and_force_color(tmp_path):
    """Issue 18 (8): FORCE_COLOR colours piped text output, NO_COLOR wins over it."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    org = tmp_path / "o"
    code, _out, err = cms("init", org, "--subsystems", "A")
    assert code == 0, err
    (org / "policy/POL-001.yaml").write_text("kind: policy\nid: POL-001\nno_such: 1\n", encoding="utf-8")

    def run(**env):
        e = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
        e.update(env, PYTHONPATH=str(root))
        return subprocess.run([sys.executable, "-m", "cms_build.cli", "check", str(org)], capture_output=True, text=True, env=e).stdout

    assert "\x1b[" not in run()  # piped: plain
    assert "\x1b[" in run(FORCE_COLOR="1")
    assert "\x1b[" not in run(FORCE_COLOR="1", NO_COLOR="1")


def test_every_core_command_shows_an_example_in_its_help():
    for command in ("validate", "check", "checks", "kinds", "export", "matrix", "list", "show", "new", "todo", "init"):
        code, out, err = cms(command, "--help")
        assert code == 0, err
        assert "Example: cms " + command.split()[0] in out, command


@pytest.mark.parametrize("language, shown, hidden", [("zh", "方针已批准", "Policy approved"), ("en", "Policy approved", "方针已批准")])
def test_check_language_shows_rule_titles_in_one_language(org, language, shown, hidden):
    org.add("policy/b.yaml", org.record("policy", "B", statement="s", issued_by="x"))
    org.add(
        "checks/t.py",
        "from cms_build.api import check\n"
        "@check('org.title', title='方针已批准 Policy approved', clauses=['5.2'], severity='warning', kinds=['policy'])\n"
        "def t(r, ctx):\n    yield r.issue('id', 'a warning')\n",
    )
    code, out, _ = cms("check", org.root, "--as-of", "2026-06-30", "--language", language)
    assert f"    rule: {shown}\n" in out and hidden not in out
    assert "rule:" not in cms("check", org.root, "--as-of", "2026-06-30")[1]  # without --language: as before
