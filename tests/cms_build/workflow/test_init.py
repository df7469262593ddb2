"""cms init: a new repository that checks, builds, gates CI and never overwrites."""

import datetime as dt
import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.cms_build.test_cli import cms

GIT = ["git", "-c", "user.email=test@example.org", "-c", "user.name=Test"]


def git(cwd, *args):
    subprocess.run([*GIT, *args], cwd=cwd, check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path):
    dest = tmp_path / "plant"
    code, out, err = cms("init", dest, "--name", "测试水泥厂", "--subsystems", "A,D")
    assert code == 0, err
    git(dest, "init", "-q", "-b", "main")
    git(dest, "add", "-A")
    git(dest, "commit", "-qm", "init")
    return dest


def test_init_creates_settings_skeletons_and_tooling(repo):
    settings = yaml.safe_load((repo / "cms.yaml").read_text(encoding="utf-8"))
    assert settings["organization"]["name"] == "测试水泥厂" and settings["subsystems"] == ["A", "D"]
    for rel in (
        "README.md",
        ".gitignore",
        "requirements.txt",
        ".github/workflows/cms.yml",
        ".gitlab-ci.yml",
        ".pre-commit-config.yaml",
        ".vscode/settings.json",
        ".cms/schemas/policy.schema.json",
    ):
        assert (repo / rel).is_file(), rel
    policy = (repo / "policy/POL-001.yaml").read_text(encoding="utf-8")
    # no file-relative $schema line (it broke one folder down); the folder mapping serves every depth
    assert "yaml-language-server" not in policy and policy.startswith("# 碳管理方针")
    assert "status: draft" in policy
    vscode = json.loads((repo / ".vscode/settings.json").read_text())
    assert "policy/**/*.yaml" in vscode["yaml.schemas"][".cms/schemas/records.schema.json"]
    assert (repo / ".cms/schemas/records.schema.json").is_file()


def test_the_cache_of_a_check_is_git_ignored(repo, tmp_path, monkeypatch):
    """cms check writes .cms-cache/ (cms_build/cache.py); cms init's .gitignore keeps it out of git."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    cms("check", repo, "--as-of", "2026-06-30")
    assert (repo / ".cms-cache" / "records.json").is_file()
    status = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=repo, capture_output=True, text=True, check=True).stdout
    assert status == ""


def test_init_skeletons_cover_adopted_subsystems_only(repo):
    from cms_build.engine import run

    result = run(repo, stages="validate")
    subsystems = {result.schemas.kinds[r.kind].subsystem for r in result.records}
    assert subsystems <= {"common", "A", "D"}
    kinds = {r.kind for r in result.records}
    expected = {k for k, kind in result.schemas.kinds.items() if kind.subsystem in ("common", "A", "D")}
    assert kinds == expected
    assert all(r.status == "draft" for r in result.records)


def test_init_refuses_a_non_empty_folder_and_never_overwrites(repo):
    code, _, err = cms("init", repo)
    assert code == 2 and "is not empty" in err
    (repo / "policy/POL-001.yaml").write_text("kind: policy\n# mine\n", encoding="utf-8")
    (repo / "cms.yaml").unlink()
    code, out, _ = cms("init", repo, "--existing", "--subsystems", "A")
    assert code == 0 and "created cms.yaml" in out and "POL-001" not in out
    assert (repo / "policy/POL-001.yaml").read_text(encoding="utf-8") == "kind: policy\n# mine\n"


def test_edit_break_see_fix(repo):
    code, out, _ = cms("check", repo, "--as-of", "2026-06-30", "--format", "json")
    baseline = {(f["rule"], f["file"]) for f in json.loads(out)["findings"]}
    path = repo / "policy/POL-001.yaml"
    original = path.read_text(encoding="utf-8")
    path.write_text(original.replace("status: draft", "status: approvd"), encoding="utf-8")
    code, out, _ = cms("check", repo, "--as-of", "2026-06-30")
    assert code == 1 and "policy/POL-001.yaml" in out and "did you mean 'approved'?" in out
    path.write_text(original, encoding="utf-8")
    code, out, _ = cms("check", repo, "--as-of", "2026-06-30", "--format", "json")
    assert {(f["rule"], f["file"]) for f in json.loads(out)["findings"]} == baseline


def _schema(name):
    import check_jsonschema

    return Path(check_jsonschema.__file__).parent / "builtin_schemas" / "vendor" / name


@pytest.mark.parametrize("rel, schema", [(".github/workflows/cms.yml", "github-workflows.json"), (".gitlab-ci.yml", "gitlab-ci.json")])
def test_workflow_files_are_valid(repo, rel, schema):
    from jsonschema import validators
    from cms_build.yamlsafe import load_text  # keys stay text: PyYAML would read 'on:' as True

    doc = load_text((repo / rel).read_text(encoding="utf-8")).data
    spec = json.loads(_schema(schema).read_text(encoding="utf-8"))
    validator = validators.validator_for(spec)(spec)
    errors = [e.message for e in validator.iter_errors(doc)]
    assert errors == []


def _cms_lines(doc) -> list[str]:
    lines = []

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("run", "script", "after_script") and value:
                    for line in [value] if isinstance(value, str) else value:
                        lines.extend(l.strip() for l in line.splitlines() if l.strip().startswith("cms "))
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(doc)
    return lines


@pytest.mark.parametrize("rel", [".github/workflows/cms.yml", ".gitlab-ci.yml", ".pre-commit-config.yaml"])
def test_the_cms_steps_of_the_generated_ci_run_locally(repo, rel, tmp_path):
    doc = yaml.safe_load((repo / rel).read_text(encoding="utf-8"))
    lines = _cms_lines(doc)
    if rel == ".pre-commit-config.yaml":
        lines = [doc["repos"][0]["hooks"][0]["entry"]]
    assert lines, rel
    env = dict(os.environ, GITHUB_STEP_SUMMARY=str(tmp_path / "summary.md"))
    cms_cmd = f"{shlex.quote(sys.executable)} -m cms_build.cli"
    for line in lines:
        command = cms_cmd + line[len("cms") :]
        proc = subprocess.run(["bash", "-c", command], cwd=repo, env=env, capture_output=True, text=True, timeout=600)
        assert "Traceback" not in proc.stderr, proc.stderr
        assert proc.returncode in (0, 1), (line, proc.stderr)


def _subsystem_choices():
    import itertools
    from cms_build.workflow.init import SUBSYSTEMS

    return [",".join(c) for n in range(1, len(SUBSYSTEMS) + 1) for c in itertools.combinations(SUBSYSTEMS, n)]


def _validation_findings(root):
    from cms_build.engine import run

    return [f"{f.file}:{f.line} {f.message} ({f.rule})" for f in run(root, stages="validate").findings]


@pytest.mark.parametrize("subsystems", _subsystem_choices())
def test_init_validates_for_every_choice_of_subsystems(tmp_path, subsystems):
    """The README's promise: each starter record validates, whatever subsystems are adopted (ids
    unique across kinds that share a prefix, references naming the drafts actually written, and a
    kind outside the subsystems drafted when a draft must name it)."""
    dest = tmp_path / "org"
    code, _, err = cms("init", dest, "--subsystems", subsystems)
    assert code == 0, err
    assert _validation_findings(dest) == []


def test_init_existing_with_more_subsystems_keeps_ids_unique(tmp_path):
    dest = tmp_path / "org"
    assert cms("init", dest, "--subsystems", "A")[0] == 0
    assert (dest / "improvement/NC-001.yaml").is_file()
    code, out, err = cms("init", dest, "--existing", "--subsystems", "A,B,C,D")
    assert code == 0, err
    assert "created improvement/" not in out  # the nonconformity draft is not written twice
    assert "created neutrality/NCL-001.yaml" in out  # its own prefix: no clash with the nonconformity NC-001
    assert _validation_findings(dest) == []
    code, out, _ = cms("init", dest, "--existing", "--subsystems", "A,B,C,D")
    assert code == 0 and "created" not in out


def test_editor_maps_each_record_file_to_one_schema(repo):
    """Each record folder maps once, to the schema that picks the kind by the record's `kind:`
    (a folder of several kinds, trading/, and a file of any name get the right one)."""
    mapping = json.loads((repo / ".vscode/settings.json").read_text())["yaml.schemas"]
    globs = [g for gs in mapping.values() for g in gs]
    assert len(globs) == len(set(globs))
    assert set(mapping) == {".cms/schemas/records.schema.json", ".cms/schemas/settings.schema.json"}
    assert "trading/**/*.yaml" in mapping[".cms/schemas/records.schema.json"]
    for target in mapping:
        assert (repo / target).is_file(), target


# -- the generated CI judges a pull request with the base branch's rules ------------------------
EVIL_CHECK = (
    "import sys\nfrom cms_build.api import check\n@check('org.evil', title='evil', clauses=['7.4.2'])\ndef evil(ctx):\n    sys.exit(0)\n    yield None\n"
)


def _pull_request(repo):
    """A pull request that breaks a record and tries to rewrite its gate: its own rule, its own
    settings switching the broken record's rule off, its own engine pin."""
    (repo / "policy/POL-001.yaml").write_text(
        (repo / "policy/POL-001.yaml").read_text(encoding="utf-8").replace("status: draft", "status: approvd"), encoding="utf-8"
    )
    (repo / "checks").mkdir(exist_ok=True)
    (repo / "checks/evil.py").write_text(EVIL_CHECK, encoding="utf-8")
    with open(repo / "cms.yaml", "a", encoding="utf-8") as fh:
        fh.write("exclude: ['policy/**']\n")
    (repo / "requirements.txt").write_text("evil-package==6.6.6\n", encoding="utf-8")


def _judge(pr):
    code, out, _ = cms("check", pr, "--as-of", "2026-06-30", "--format", "json")
    return code, json.loads(out)


def test_github_gate_runs_the_base_workflow_and_judges_the_records_with_the_base_rules(repo, tmp_path):
    from cms_build.yamlsafe import load_text

    doc = load_text((repo / ".github/workflows/cms.yml").read_text(encoding="utf-8")).data
    assert "pull_request_target" in doc["on"]  # GitHub runs the base branch's copy of this file
    check = doc["jobs"]["check"]
    assert check["if"] == "github.event_name == 'pull_request_target'"
    steps = check["steps"]
    names = [s.get("name", s.get("uses")) for s in steps]
    base = steps[0]["with"]
    assert base == {"ref": "${{ github.event.pull_request.base.sha }}", "path": "base", "persist-credentials": False}
    install = steps[2]
    assert install["working-directory"] == "base" and install["run"] == "python -m pip install -r requirements.txt"
    pr = steps[3]["with"]
    assert pr["ref"] == "${{ github.event.pull_request.head.sha }}" and pr["path"] == "pr"
    assert pr["persist-credentials"] is False
    # the engine is installed before the pull request is checked out; every cms step runs after the overlay
    overlay = names.index("Judge them with the base branch's rules, settings, schemas and templates")
    cms_steps = [i for i, s in enumerate(steps) if s.get("run", "").startswith("cms ")]
    assert cms_steps and min(cms_steps) > overlay > 3
    assert all(steps[i]["working-directory"] == "pr" for i in cms_steps)
    assert doc["jobs"]["preview"]["if"] == "github.event_name == 'pull_request'"
    assert doc["jobs"]["preview"]["permissions"] == {"contents": "read"}

    # run the overlay step on a base checkout and a hostile pull request
    work = tmp_path / "runner"
    work.mkdir()
    subprocess.run(["cp", "-a", str(repo), str(work / "base")], check=True)
    subprocess.run(["cp", "-a", str(repo), str(work / "pr")], check=True)
    _pull_request(work / "pr")
    subprocess.run(["bash", "-e", "-c", steps[overlay]["run"]], cwd=work, check=True)
    assert not (work / "pr/checks/evil.py").exists()
    for rel in ("cms.yaml", "requirements.txt"):
        assert (work / "pr" / rel).read_bytes() == (repo / rel).read_bytes()
    code, report = _judge(work / "pr")
    bad = [(f["file"], f["rule"]) for f in report["findings"] if f["file"] == "policy/POL-001.yaml" and f["rule"] == "schema.invalid"]
    assert code == 1 and bad == [("policy/POL-001.yaml", "schema.invalid")]
    assert not [f for f in report["findings"] if f["rule"] == "rules.crashed"]  # evil.py never ran


def test_gitlab_gate_judges_the_merge_request_with_the_target_branch_rules(repo, tmp_path):
    doc = yaml.safe_load((repo / ".gitlab-ci.yml").read_text(encoding="utf-8"))
    job = doc["cms-check"]
    before = job["before_script"]
    assert before[0] == 'git fetch --depth=1 origin "$CI_MERGE_REQUEST_TARGET_BRANCH_NAME"'
    assert before[-1] == "python -P -m pip install -r requirements.txt"  # after the overlay, never from the MR's folder
    assert ".gitlab-ci.yml@<group>/<project>:main" in (repo / ".gitlab-ci.yml").read_text(encoding="utf-8")

    origin = tmp_path / "origin.git"
    git(tmp_path, "clone", "-q", "--bare", str(repo), str(origin))
    mr = tmp_path / "mr"
    git(tmp_path, "clone", "-q", str(origin), str(mr))
    git(mr, "checkout", "-q", "-b", "feature")
    _pull_request(mr)
    git(mr, "add", "-A")
    git(mr, "commit", "-qm", "a merge request rewriting its gate")
    env = dict(os.environ, CI_MERGE_REQUEST_TARGET_BRANCH_NAME="main")
    for line in before[:-1]:
        subprocess.run(["bash", "-e", "-c", line], cwd=mr, env=env, check=True, capture_output=True)
    assert not (mr / "checks/evil.py").exists()
    for rel in ("cms.yaml", "requirements.txt"):
        assert (mr / rel).read_bytes() == (repo / rel).read_bytes()
    code, report = _judge(mr)
    assert code == 1 and any(f["file"] == "policy/POL-001.yaml" and f["rule"] == "schema.invalid" for f in report["findings"])
    assert not [f for f in report["findings"] if f["rule"] == "rules.crashed"]


def _check_json(root, *extra):
    code, out, err = cms("check", root, "--format", "json", *extra)
    return code, json.loads(out)


def test_a_fresh_repository_passes_the_gate_with_its_starter_drafts_as_to_dos(repo):
    """Issue 18 (2): cms init writes a repository that passes `cms check --fail-on error`; what
    waits for a starter draft is one info finding per draft, naming the rules and clauses."""
    code, report = _check_json(repo, "--fail-on", "error")
    assert code == 0, [f for f in report["findings"] if f["severity"] != "info"]
    assert {f["severity"] for f in report["findings"]} == {"info"}
    todos = [f for f in report["findings"] if f["rule"] == "todo.starter"]
    assert todos and all(f["clauses"] and f["record"] for f in todos)
    target = next(f for f in todos if f["file"] == "performance/TGT-001.yaml")
    assert "emissions.target-incomplete" in target["message"] and "6.4.4" in target["clauses"]
    # the generated pre-commit hook, run as pre-commit runs it (its entry, in the repository)
    hook = yaml.safe_load((repo / ".pre-commit-config.yaml").read_text(encoding="utf-8"))["repos"][0]["hooks"][0]
    entry = shlex.split(hook["entry"])
    assert entry[0] == "cms"
    done = subprocess.run(
        [sys.executable, "-m", "cms_build.cli", *entry[1:]],
        cwd=repo,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[3])},
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_filled_in_draft_gets_its_findings_back_in_full(repo):
    """The to-do is not a way around the gate: once the placeholders are gone, the target's own
    errors (no deadline, no indicator...) come back as errors."""
    path = repo / "performance/TGT-001.yaml"
    text = path.read_text(encoding="utf-8").replace("待填写 to be completed", "降低单位产品排放")
    path.write_text(text, encoding="utf-8")
    code, report = _check_json(repo, "--fail-on", "error")
    assert code == 1
    mine = [f for f in report["findings"] if f["file"] == "performance/TGT-001.yaml"]
    assert any(f["rule"] == "emissions.target-incomplete" and f["severity"] == "error" for f in mine)
    assert not any(f["rule"] == "todo.starter" for f in mine)


def test_a_broken_starter_draft_is_never_hidden_behind_a_to_do(repo):
    path = repo / "policy/POL-001.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "no_such_field: 1\n", encoding="utf-8")
    code, report = _check_json(repo)
    assert code == 1
    assert any(f["rule"] == "schema.invalid" and f["file"] == "policy/POL-001.yaml" for f in report["findings"])


def test_cms_todo_lists_what_is_lacking_clause_by_clause_in_the_standards_order(repo):
    code, out, err = cms("todo", repo, "--format", "json")
    assert code == 0, err
    rows = json.loads(out)
    numbers = [r["clause"] for r in rows]
    # the standard's order: context (4) before leadership (5) ... before improvement (10)
    firsts = [int(n.split(".")[0]) for n in numbers if n[0].isdigit()]
    assert firsts == sorted(firsts) and firsts[0] == 4
    # 4.1 first: the context's starter draft holds back doc.required-missing, and an item whose
    # error waits in a to-do is not verified (it was, so cms todo started at 4.2)
    assert numbers[:3] == ["4.1", "4.2", "4.3"], numbers[:5]
    assert any(d.startswith("context/") for d in rows[0]["drafts"]), rows[0]
    policy = next(r for r in rows if r["clause"] == "5.2")
    assert "policy/POL-001.yaml" in policy["drafts"]
    assert all(i["status"] in ("missing", "documented", "nonconforming") for r in rows for i in r["items"])
    code, text, err = cms("status", repo, "--language", "en")
    assert code == 0 and "5.2 Carbon management policy" in text and "fill in policy/POL-001.yaml" in text


def test_no_clause_is_conforming_while_its_to_do_waits(repo):
    """A to-do (todo.starter) holds errors back; the items it stands for are not verified, so no
    clause it names is shown as conforming on a fresh repository (a verdict must be true)."""
    from cms_build.engine import run
    from cms_build.matrix import build_matrix

    result = run(repo, dt.date(2026, 6, 30))
    waiting = {str(c).split()[0] for f in result.findings if f.rule == "todo.starter" for c in f.clauses}
    assert {"4.1", "4.3"} <= waiting
    rows = {c["number"]: c for c in build_matrix(result)["clauses"]}
    assert [n for n in sorted(waiting) if n in rows and rows[n]["status"] == "conforming"] == []
    assert rows["4.1"]["provisions"][0]["status"] != "verified"


def test_requirements_install_the_engine_from_its_repository_at_the_release_tag(tmp_path):
    """Issue 18 (1): cms-as-code is not on the package index; the pin is a PEP 508 direct
    reference to the repository at a tag, the URL given by --engine-url."""
    from packaging.requirements import Requirement
    from cms_build import RELEASE_TAG, __version__

    dest = tmp_path / "plant"
    code, _out, err = cms("init", dest, "--subsystems", "A", "--engine-url", "https://git.example.org/cms/cms-as-code")
    assert code == 0, err
    lines = [ln for ln in (dest / "requirements.txt").read_text(encoding="utf-8").splitlines() if not ln.startswith("#")]
    req = Requirement(lines[0])
    assert req.name == "cms-as-code" and RELEASE_TAG == f"v{__version__}"
    assert req.url == f"git+https://git.example.org/cms/cms-as-code@{RELEASE_TAG}"


def test_version_names_the_commit_when_not_a_release():
    code, out, _err = cms("--version")
    assert code == 0 and out.startswith("cms, version ")
    root = Path(__file__).resolve().parents[3]
    at_release = subprocess.run(["git", "describe", "--tags", "--exact-match", "HEAD"], cwd=root, capture_output=True, text=True).stdout.strip()
    if (root / ".git").exists() and not at_release:
        head = subprocess.run(["git", "rev-parse", "--short=12", "HEAD"], cwd=root, capture_output=True, text=True).stdout.strip()
        assert f"commit {head}" in out


def test_sarif_upload_is_a_separate_job_the_gate_does_not_wait_on(repo):
    """Issue 18 (6): the required `check` job has no upload-sarif step and no security-events
    permission; code-scanning runs after it, only where code scanning exists, and may fail."""
    from cms_build.yamlsafe import load_text

    doc = load_text((repo / ".github/workflows/cms.yml").read_text(encoding="utf-8")).data
    check, upload = doc["jobs"]["check"], doc["jobs"]["code-scanning"]
    assert not any("upload-sarif" in s.get("uses", "") for s in check["steps"])
    assert "security-events" not in check["permissions"]
    assert upload["needs"] == "check" and upload["continue-on-error"] is True
    assert "visibility == 'public'" in upload["if"] and "vars.CMS_CODE_SCANNING" in upload["if"]
    assert any(s.get("uses", "").startswith("github/codeql-action/upload-sarif@") for s in upload["steps"])
    setups = [s for job in doc["jobs"].values() for s in job["steps"] if s.get("uses", "").startswith("actions/setup-python@")]
    assert setups and all(s["with"]["cache"] == "pip" for s in setups)
    gitlab = yaml.safe_load((repo / ".gitlab-ci.yml").read_text(encoding="utf-8"))
    assert gitlab["default"]["cache"]["paths"] == [".cache/pip"]


# The release commits, read with git from the actions' own repositories (tag -> commit,
# `git rev-parse vX.Y.Z^{commit}`, and the major tag vX points at the same commit), 2026-12-02.
ACTION_PINS = {
    "actions/checkout": ("3d3c42e5aac5ba805825da76410c181273ba90b1", "v7.0.1"),
    "actions/setup-python": ("5fda3b95a4ea91299a34e894583c3862153e4b97", "v7.0.0"),
    "actions/upload-artifact": ("bbbca2ddaa5d8feaa63e36b76fdaad77386f024f", "v7.0.0"),
    "actions/download-artifact": ("3e5f45b2cfb9172054b4087a40e8e0b5a5461e7c", "v8.0.1"),
    "github/codeql-action/upload-sarif": ("8aad20d150bbac5944a9f9d289da16a4b0d87c1e", "v4.36.2"),
    "actions/upload-pages-artifact": ("fc324d3547104276b827a68afc52ff2a11cc49c9", "v5.0.0"),
    "actions/deploy-pages": ("cd2ce8fcbc39b97be8ca5fce6e763baed58fa128", "v5.0.0"),
}


def test_actions_are_pinned_by_commit_with_the_version_beside_it(repo):
    """Issue 18 (6): every `uses:` names a release commit, its version in a comment."""
    text = (repo / ".github/workflows/cms.yml").read_text(encoding="utf-8")
    uses = re.findall(r"uses: (\S+)@(\S+)(?: # (\S+))?", text)
    assert len(uses) == 13
    for action, ref, version in uses:
        assert (ref, version) == ACTION_PINS[action], (action, ref, version)
    # the fork's pull request is checked out as data under pull_request_target: checkout v7
    # refuses that unless allowed, so both such steps say so (and keep no token)
    doc = yaml.safe_load(text)
    pr_checkouts = [
        s
        for job in doc["jobs"].values()
        for s in job["steps"]
        if s.get("uses", "").startswith("actions/checkout@") and (s.get("with") or {}).get("path") == "pr"
    ]
    assert len(pr_checkouts) == 2
    assert all(s["with"]["allow-unsafe-pr-checkout"] is True and s["with"]["persist-credentials"] is False for s in pr_checkouts)


def test_a_placeholder_draft_lowers_nothing_unless_cms_yaml_says_starter_drafts(org):
    """Trust boundary: a pull request that adds a draft policy holding the placeholder must not
    turn 'no approved policy' (doc.required-missing, 5.2) into an info finding. Only cms.yaml's
    management.starter_drafts, which cms init writes and CI reads from the base branch, does."""
    from cms_build.scaffold import PLACEHOLDER

    org.add("policy/POL-1.yaml", org.record("policy", "POL-1", status="draft", statement=PLACEHOLDER, issued_by=PLACEHOLDER))
    result = org.run()
    assert not org.of(result, "todo.starter")
    assert any(f.severity == "error" and "5.2" in " ".join(f.clauses) for f in org.of(result, "doc.required-missing"))
    org.settings(management={"starter_drafts": True})
    assert org.of(org.run(), "todo.starter")  # with the setting, the draft's own findings are one to-do
