"""cms diff between revisions, and check --changed-since."""

import json

import pytest

from tests.cms_build.test_cli import cms
from tests.cms_build.workflow.test_init import git


@pytest.fixture
def history(org):
    org.add("policy/POL-1.yaml", org.record("policy", "POL-1", statement="旧方针", issued_by="总经理"))
    org.add("policy/POL-2.yaml", org.record("policy", "POL-2", statement="第二", issued_by="总经理"))
    git(org.root, "init", "-q", "-b", "main")
    git(org.root, "add", "-A")
    git(org.root, "commit", "-qm", "first")
    org.add("policy/POL-1.yaml", org.record("policy", "POL-1", statement="新方针", issued_by="总经理", version="2.0"))
    (org.root / "policy/POL-2.yaml").unlink()
    org.add("policy/POL-3.yaml", org.record("policy", "POL-3", statement="第三", issued_by="总经理", status="aproved"))
    git(org.root, "add", "-A")
    git(org.root, "commit", "-qm", "second")
    return org


def test_diff_reports_records_fields_and_findings(history):
    code, out, err = cms("diff", "HEAD~1", "HEAD", "--path", history.root, "--as-of", "2026-06-30", "--format", "json")
    assert code == 0, err
    d = json.loads(out)
    assert [r["id"] for r in d["added"]] == ["POL-3"]
    assert [r["id"] for r in d["removed"]] == ["POL-2"]
    [changed] = d["changed"]
    fields = {f["field"]: (f["old"], f["new"]) for f in changed["fields"]}
    assert fields == {"statement": ("旧方针", "新方针"), "version": ("1.0", "2.0")}
    assert [f["rule"] for f in d["new_findings"]] == ["schema.invalid"]
    code, out, _ = cms("diff", "HEAD~1", "--path", history.root, "--as-of", "2026-06-30")
    assert "+ POL-3 (policy)" in out and "statement: '旧方针' -> '新方针'" in out


def test_diff_with_a_bad_revision_is_a_clear_error(history):
    code, _, err = cms("diff", "nosuchref", "HEAD", "--path", history.root)
    assert code == 2 and "'nosuchref' is not a revision" in err


def test_changed_since_reports_only_what_the_change_touches(history):
    # the committed POL-3 is broken; a new broken record in the working tree
    history.add("policy/POL-4.yaml", history.record("policy", "POL-4", statement="s", issued_by="x", status="nope"))
    code, out, _ = cms("check", history.root, "--as-of", "2026-06-30", "--format", "json", "--changed-since", "HEAD")
    files = {f["file"] for f in json.loads(out)["findings"]}
    assert files == {"policy/POL-4.yaml"} and code == 1
    code, out, _ = cms("check", history.root, "--as-of", "2026-06-30", "--format", "json", "--changed-since", "HEAD~1")
    files = {f["file"] for f in json.loads(out)["findings"]}
    # POL-1 was edited in HEAD~1..HEAD too, so the policy rules' findings on it are in scope
    assert {"policy/POL-3.yaml", "policy/POL-4.yaml"} <= files <= {"policy/POL-1.yaml", "policy/POL-3.yaml", "policy/POL-4.yaml"}


def test_changed_since_includes_records_linked_to_a_changed_one(history):
    history.add("organization/ORG.yaml", history.record("organization", "ORG", legal_name="x", uscc="91320000000000000X"))
    history.add(
        "scope/S.yaml",
        history.record("scope", "S", organization="ORG", subsystems=["A"], organizational_boundary="b", operational_boundary="b", activities=["a"]),
    )
    git(history.root, "add", "-A")
    git(history.root, "commit", "-qm", "third")
    (history.root / "organization/ORG.yaml").unlink()  # the scope now names a missing record
    code, out, _ = cms("check", history.root, "--as-of", "2026-06-30", "--format", "json", "--changed-since", "HEAD")
    assert {f["file"] for f in json.loads(out)["findings"]} == {"scope/S.yaml"}


@pytest.mark.parametrize("commit", [False, True])
def test_changed_since_sees_files_with_non_ascii_names(history, commit):
    # git quotes such names ("policy/\346\226\271...") unless asked for them as they are (-z)
    history.add("policy/方针-新.yaml", "kind: policy\nid: POL-9\ntitle: [unclosed\n")
    if commit:
        git(history.root, "add", "-A")
        git(history.root, "commit", "-qm", "a broken record with a Chinese file name")
    ref = "HEAD~1" if commit else "HEAD"
    code, out, _ = cms("check", history.root, "--as-of", "2026-06-30", "--format", "json", "--changed-since", ref)
    found = [(f["file"], f["line"], f["rule"]) for f in json.loads(out)["findings"] if f["file"].endswith("新.yaml")]
    assert code == 1 and found == [("policy/方针-新.yaml", 4, "yaml.invalid")]


def test_changed_since_always_reports_a_rule_that_crashed(history):
    # the rule file is committed (unchanged since HEAD); the change is a record it crashes on
    history.add(
        "checks/fragile.py",
        "from cms_build.api import check\n"
        "@check('org.fragile', title='fragile', clauses=['7.4.2'], kinds=['policy'])\n"
        "def fragile(record, ctx):\n"
        "    if record.id == 'POL-5':\n"
        "        raise ValueError('cannot judge ' + record.id)\n"
        "    yield None\n",
    )
    git(history.root, "add", "-A")
    git(history.root, "commit", "-qm", "a rule")
    history.add("policy/POL-5.yaml", history.record("policy", "POL-5", statement="s", issued_by="x"))
    code, out, _ = cms("check", history.root, "--as-of", "2026-06-30", "--format", "json", "--changed-since", "HEAD")
    crashed = [(f["file"], f["line"], f["message"]) for f in json.loads(out)["findings"] if f["rule"] == "rules.crashed"]
    assert code == 1 and crashed == [("checks/fragile.py", 5, "check 'org.fragile' failed: ValueError: cannot judge POL-5")]
