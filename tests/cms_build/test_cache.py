"""The content-hash cache of parsed records (cms_build/cache.py, issue 19 win 3): findings byte
for byte the same with and without it, positions kept, budgets obeyed, a planted, damaged or
foreign cache ignored, --no-cache honoured."""

from __future__ import annotations

import datetime as dt
import json
import os

import pytest

from cms_build import cache as cache_mod
from cms_build.engine import run
from cms_build.formats import render

AS_OF = dt.date(2026, 6, 30)


@pytest.fixture(autouse=True)
def _own_key(tmp_path, monkeypatch):
    """Each test its own user cache folder, hence its own MAC key."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))


def _findings(root, cache: bool) -> tuple[str, int]:
    result = run(root, AS_OF, cache=cache)
    return render("json", result, fail_on="info"), result.cache_hits


def _cache_file(root):
    return root / ".cms-cache" / "records.json"


def _segments(root):
    return sorted((root / ".cms-cache").glob("records-*.json"))


def test_example_cold_warm_and_one_record_edited_give_the_same_findings(org):
    org.copy_example()
    root = org.root
    import shutil

    shutil.rmtree(root / ".cms-cache", ignore_errors=True)  # a developer's own, copied with the example
    without = _findings(root, cache=False)[0]
    assert not _cache_file(root).exists()  # no cache asked for, none written
    cold, hits = _findings(root, cache=True)
    assert hits == 0 and _cache_file(root).is_file()
    warm, hits = _findings(root, cache=True)
    files = len([p for p in root.rglob("*.yaml") if p.name != "cms.yaml" and ".cms-cache" not in p.parts])
    assert hits == files  # every record file came from the cache
    assert cold == without and warm == without
    # One record edited so that it fails its schema at a known place: only that file is parsed
    # again, and the findings are those of a run without the cache.
    target = sorted((root / "policy").rglob("*.yaml"))[0]
    text = target.read_text(encoding="utf-8")
    assert "\nversion:" in text
    target.write_text(text.replace("\nversion:", "\nversoin:", 1), encoding="utf-8")
    edited, hits = _findings(root, cache=True)
    assert hits == files - 1
    assert edited == _findings(root, cache=False)[0]
    assert "unknown field 'versoin'" in edited and edited != without


def test_a_cached_record_keeps_every_position(org):
    org.add("policy/P.yaml", org.record("policy", "POL-1", title="方针", commitments=["a", "b"]))
    fresh = run(org.root, AS_OF, stages="validate")
    run(org.root, AS_OF, stages="validate", cache=True)
    cached = run(org.root, AS_OF, stages="validate", cache=True)
    assert cached.cache_hits == 1
    [a], [b] = fresh.records, cached.records
    assert a.data == b.data and list(a.data) == list(b.data)
    assert a.doc.positions == b.doc.positions and a.doc.key_positions == b.doc.key_positions
    assert b.where("commitments[1]") == a.where("commitments[1]") == (b.doc.positions[("commitments", 1)])
    assert all(isinstance(k, tuple) and isinstance(v, tuple) for k, v in b.doc.positions.items())


def test_yaml_and_schema_errors_come_back_from_the_cache_as_they_were(org):
    org.add("a/bad.yaml", "kind: policy\nid: X\ntitle: [unclosed\n")
    org.add("a/wrong.yaml", org.record("policy", "POL-2", version=3))
    first = _findings(org.root, cache=False)[0]
    _findings(org.root, cache=True)
    again, hits = _findings(org.root, cache=True)
    assert hits == 2 and again == first
    assert "yaml.invalid" in again and "schema.invalid" in again


@pytest.mark.parametrize("damage", ["truncated", "garbage", "empty", "json-without-mac", "forged"])
def test_a_damaged_or_planted_cache_is_ignored(org, damage):
    """A pull request may commit .cms-cache/records.json: without the MAC of this user's key it
    is read as no cache (never a traceback), so it cannot make an invalid record pass."""
    org.add("policy/P.yaml", org.record("policy", "POL-1", version=3))  # version must be text
    truth = _findings(org.root, cache=False)[0]
    assert "schema.invalid" in truth
    _findings(org.root, cache=True)
    [path] = [p for p in _segments(org.root) if json.loads(p.read_bytes().partition(b"\n")[2])["records"]]
    raw = path.read_bytes()
    mac, _, payload = raw.partition(b"\n")
    stored = json.loads(payload)
    [entry] = stored["records"].values()
    entry["schema"] = []  # the forgery: "this record has no schema error"
    forged = json.dumps(stored).encode()
    path.write_bytes(
        {"truncated": raw[: len(raw) // 2], "garbage": os.urandom(300), "empty": b"", "json-without-mac": forged, "forged": mac + b"\n" + forged}[damage]
    )  # an old MAC does not fit new content
    got, hits = _findings(org.root, cache=True)
    assert hits == 0 and got == truth
    # and the next run rewrote a good cache
    assert _findings(org.root, cache=True) == (truth, 1)


def test_a_cache_made_with_another_key_is_not_trusted(org, tmp_path, monkeypatch):
    """A cache copied from another machine (or written by another user) has another key."""
    org.add("policy/P.yaml", org.record("policy", "POL-1"))
    _findings(org.root, cache=True)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "other-user"))
    assert _findings(org.root, cache=True)[1] == 0


def test_another_engine_never_uses_the_cache(org, monkeypatch):
    org.add("policy/P.yaml", org.record("policy", "POL-1"))
    _findings(org.root, cache=True)
    assert _findings(org.root, cache=True)[1] == 1
    monkeypatch.setattr(cache_mod, "_FINGERPRINT", "another engine version or commit")
    assert _findings(org.root, cache=True)[1] == 0


def test_engine_fingerprint_follows_the_engine_source(monkeypatch, tmp_path):
    """An edit to the engine's code without a commit is another engine: the fingerprint covers
    every file of the engine, not only the version string."""
    monkeypatch.setattr(cache_mod, "_FINGERPRINT", None)
    first = cache_mod.engine_fingerprint()
    engine = tmp_path / "engine"
    engine.mkdir()
    source = engine / "x.py"
    source.write_text("A = 1\n")
    monkeypatch.setattr(cache_mod, "_ENGINE", engine)
    monkeypatch.setattr(cache_mod, "_FINGERPRINT", None)
    one = cache_mod.engine_fingerprint()
    source.write_text("A = 22\n")
    os.utime(source, ns=(source.stat().st_atime_ns, source.stat().st_mtime_ns + 1_000_000))
    monkeypatch.setattr(cache_mod, "_FINGERPRINT", None)
    assert len({first, one, cache_mod.engine_fingerprint()}) == 3


def test_changed_settings_or_schemas_drop_every_record_entry(org):
    org.add("policy/P.yaml", org.record("policy", "POL-1"))
    _findings(org.root, cache=True)
    org.settings(language="en")
    assert _findings(org.root, cache=True)[1] == 0
    assert _findings(org.root, cache=True)[1] == 1
    (org.root / "schemas").mkdir()
    (org.root / "schemas" / "extra.schema.json").write_text(
        json.dumps({"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": "https://example.org/extra.schema.json", "type": "string"}),
        encoding="utf-8",
    )
    assert _findings(org.root, cache=True)[1] == 0


def test_the_run_budget_counts_cached_records(org):
    """limits.max_run_nodes: a cached record's values still count, so the file after the budget
    runs out gets the same error with the cache as without it."""
    for n in range(3):
        org.add(f"policy/P{n}.yaml", org.record("policy", f"POL-{n}", commitments=[f"c{i}" for i in range(40)]))
    one = run(org.root, AS_OF, stages="validate").records[0].doc.count
    # room for two records and a half: the third is refused at the run's budget
    org.settings(limits={"max_run_nodes": one * 2 + one // 2})
    truth = _findings(org.root, cache=False)[0]
    assert "limits.max_run_nodes" in truth
    _findings(org.root, cache=True)
    got, hits = _findings(org.root, cache=True)
    assert got == truth and hits == 2


def test_the_run_bytes_budget_counts_cached_records(org):
    for n in range(3):
        org.add(f"policy/P{n}.yaml", org.record("policy", f"POL-{n}", description="x" * 2000))
    size = (org.root / "policy" / "P0.yaml").stat().st_size
    org.settings(limits={"max_run_bytes": size * 2 + size // 2})
    truth = _findings(org.root, cache=False)[0]
    assert "limits.max_run_bytes" in truth
    _findings(org.root, cache=True)
    assert _findings(org.root, cache=True)[0] == truth


def test_a_cache_folder_that_is_a_link_is_neither_read_nor_written(org, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    org.add("policy/P.yaml", org.record("policy", "POL-1"))
    (org.root / ".cms-cache").symlink_to(outside)
    _findings(org.root, cache=True)
    assert list(outside.iterdir()) == []


def test_cli_no_cache(org, monkeypatch):
    from click.testing import CliRunner

    from cms_build.cli import cli

    org.add("policy/P.yaml", org.record("policy", "POL-1"))
    runner = CliRunner()
    off = runner.invoke(cli, ["check", str(org.root), "--as-of", "2026-06-30", "--format", "json", "--no-cache"])
    assert off.exit_code in (0, 1), off.output
    assert not (org.root / ".cms-cache").exists()
    on = runner.invoke(cli, ["check", str(org.root), "--as-of", "2026-06-30", "--format", "json"])
    assert _cache_file(org.root).is_file()
    assert on.output == off.output
    runner.invoke(cli, ["export", str(org.root), "--as-of", "2026-06-30", "--no-cache"])


def test_two_files_with_the_same_bytes_get_their_own_data(org):
    """A cached entry is shared by content: each record must still hold its own objects, as
    parsing gives (a rule that changed one record's data would otherwise change the other's)."""
    body = org.record("policy", "POL-1", commitments=["a"])
    org.add("policy/A.yaml", body)
    org.add("policy/B.yaml", body)
    for _ in range(2):  # the first run parses, the second reads the cache
        a, b = run(org.root, AS_OF, stages="validate", cache=True).records
        assert a.data == b.data and a.data is not b.data
        assert a.data["commitments"] is not b.data["commitments"]
        assert (a.rel, b.rel) == ("policy/A.yaml", "policy/B.yaml")


# -- findings of record-local checks (scope="record") -------------------------------------
def _policy(**fields) -> dict:
    """A policy record its schema accepts (the checks run on valid records only)."""
    from tests.conftest import OrgRepo

    return OrgRepo.record("policy", "POL-1", statement="s", issued_by="GM", approved_by_top_management=True, **fields)


def test_example_rule_findings_come_from_the_cache_and_equal_a_run_without_it(org):
    """Warm, every record-local check's findings on every record come from the cache (one hit
    per check and record it runs on) and the findings are byte for byte those without it; after
    an edit that a record-local rule reports, the finding is new and still equals a fresh run."""
    org.copy_example()
    import shutil

    shutil.rmtree(org.root / ".cms-cache", ignore_errors=True)
    root = org.root
    without = _findings(root, cache=False)[0]
    cold = run(root, AS_OF, cache=True)
    assert cold.finding_hits == 0
    warm = run(root, AS_OF, cache=True)
    local = [c for c in warm.checks if c.scope == "record"]
    assert len(local) >= 40  # the bundled record-local checks and the rule tables' covers/required
    settings, subsystems = warm.settings, warm.settings.subsystems
    disabled = set(settings.get("checks.disable", []) or [])
    calls = 0  # (check, record) pairs a record-local check runs on: each must be a hit
    for chk in local:
        if chk.id in disabled or (chk.subsystems and not (chk.subsystems & subsystems)):
            continue
        calls += len([r for r in warm.records if r.valid and ("*" in chk.kinds or r.kind in chk.kinds)])
    assert calls > 800 and warm.finding_hits == calls
    assert render("json", cold, fail_on="info") == without == render("json", warm, fail_on="info")
    # approved_on removed from an approved record: doc.approval-incomplete (record-local) says so
    target = root / "policy" / "POL-001.yaml"
    text = target.read_text(encoding="utf-8")
    assert "\napproved_on:" in text
    target.write_text("\n".join(line for line in text.split("\n") if not line.startswith("approved_on:")), encoding="utf-8")
    edited = run(root, AS_OF, cache=True)
    assert edited.finding_hits < calls
    fresh = _findings(root, cache=False)[0]
    assert render("json", edited, fail_on="info") == fresh
    assert "approved_on does not say when" in fresh and "approved_on does not say when" not in without


def test_a_record_local_finding_follows_an_edit_and_the_as_of_date(org):
    """doc.review-overdue is record-local and reads the as-of date: the key holds it, so the
    cached finding of one date is never shown for another, and an edit gives a new finding."""
    org.add("policy/P.yaml", _policy(next_review="2026-03-01"))

    def overdue(as_of, cache):
        result = run(org.root, as_of, cache=cache)
        return [f.message for f in result.findings if f.rule == "doc.review-overdue"], result.finding_hits

    # 2026-03-01 -> 2026-06-30: 30 (rest of March) + 30 + 31 + 30 = 121 days, grace 0 by default
    first = (["next_review 2026-03-01 has passed (121 days ago as of 2026-06-30); the record has not been reviewed"], 0)
    assert overdue(AS_OF, False)[0] == first[0]
    assert overdue(AS_OF, True) == first
    again, hits = overdue(AS_OF, True)
    assert again == first[0] and hits > 0
    # one day later: 122 days; the cached finding of 2026-06-30 is not used for it
    later = dt.date(2026, 7, 1)
    assert (
        overdue(later, True)[0]
        == overdue(later, False)[0]
        == ["next_review 2026-03-01 has passed (122 days ago as of 2026-07-01); the record has not been reviewed"]
    )
    # the due day itself is not late: no finding as of 2026-03-01
    due = dt.date(2026, 3, 1)
    assert overdue(due, True)[0] == overdue(due, False)[0] == []
    # an edit: next_review 2026-05-01 -> 30 (rest of May) + 30 (June) = 60 days
    org.add("policy/P.yaml", _policy(next_review="2026-05-01"))
    assert (
        overdue(AS_OF, True)[0]
        == overdue(AS_OF, False)[0]
        == ["next_review 2026-05-01 has passed (60 days ago as of 2026-06-30); the record has not been reviewed"]
    )


_OWN_RULE = """
from cms_build.api import check


@check("org.title-word", title="Titles avoid a word", clauses=["7.4.2"], kinds=["policy"], scope="record")
def title_word(record, ctx):
    if WORD in str(record.get("title")):
        yield record.issue("title", f"the title holds {WORD!r}", hint="say it otherwise")
"""


def test_an_organization_rule_file_that_changes_is_another_rule(org):
    """The key of a record-local check holds the source of its rule folder: an edit to the
    organization's own rule file (here only the word it looks for) makes the cached findings
    of the old file unusable, and the new file's findings equal a run without the cache."""
    org.add("policy/P.yaml", _policy(title="旧方针 old"))
    rule = org.add("checks/own.py", "WORD = 'old'\n" + _OWN_RULE)

    def own(cache):
        result = run(org.root, AS_OF, cache=cache)
        return [f.message for f in result.findings if f.rule == "org.title-word"], result.finding_hits

    assert own(False)[0] == own(True)[0] == ["the title holds 'old'"]
    assert own(True) == (["the title holds 'old'"], own(True)[1]) and own(True)[1] > 0
    rule.write_text("WORD = '旧'\n" + _OWN_RULE, encoding="utf-8")
    os.utime(rule, ns=(rule.stat().st_atime_ns, rule.stat().st_mtime_ns + 1_000_000))
    assert own(True)[0] == own(False)[0] == ["the title holds '旧'"]
    # a helper beside it, which the rule does not even import, is part of the folder's source too
    before = own(True)[1]
    org.add("checks/_helper.py", "X = 1\n")
    assert own(True)[1] < before


def test_a_record_local_check_that_crashes_or_prints_is_not_cached(org):
    org.add("policy/P.yaml", _policy())
    org.add(
        "checks/loud.py",
        "from cms_build.api import check\n\n\n"
        '@check("org.loud", title="Loud", clauses=["7.4.2"], kinds=["policy"], scope="record")\n'
        "def loud(record, ctx):\n"
        "    print('hello')\n"
        "    return ()\n",
    )
    truth = _findings(org.root, cache=False)[0]
    assert "org.loud" in truth and "wrote 6 characters" in truth  # 'hello' and its newline
    for _ in range(2):
        got = run(org.root, AS_OF, cache=True)
        assert render("json", got, fail_on="info") == truth


def test_scope_record_is_declared_with_kinds_only():
    from cms_build.api import check

    with pytest.raises(ValueError, match="needs kinds"):
        check("org.x", title="x", clauses=["7.4.2"], scope="record")
    with pytest.raises(ValueError, match='scope is "record"'):
        check("org.x", title="x", clauses=["7.4.2"], kinds=["policy"], scope="records")


class _Poison:
    """Stands for what a record-local check may not read: any use of it fails the test."""

    def __init__(self, what):
        self._what = what

    def __getattr__(self, name):
        raise AssertionError(f"a record-local check read {self._what}.{name}")

    def __getitem__(self, key):
        raise AssertionError(f"a record-local check read {self._what}[{key!r}]")

    def __iter__(self):
        raise AssertionError(f"a record-local check iterated {self._what}")

    def __fspath__(self):
        raise AssertionError(f"a record-local check opened {self._what}")

    def __truediv__(self, other):
        raise AssertionError(f"a record-local check joined a path to {self._what}")


@pytest.mark.parametrize("example", ["records", "examples/cement"])
def test_bundled_record_local_checks_read_nothing_but_their_record(example):
    """Every bundled check marked scope="record", run on every record of the examples with a
    context whose index (other records), results, root (files, git) and the record's own path
    fail when touched: they read only the record, the settings, the schemas and the as-of date."""
    import dataclasses
    from pathlib import Path

    from cms_build.api import Context

    root = Path(__file__).resolve().parents[2] / example
    result = run(root, AS_OF)
    local = [c for c in result.checks if c.scope == "record"]
    assert len(local) >= 40
    ctx = Context(root=_Poison("ctx.root"), settings=result.settings, schemas=result.schemas, index=_Poison("ctx.index"), as_of=AS_OF)
    ctx.results = _Poison("ctx.results")
    ran = 0
    for chk in local:
        for record in result.records:
            if record.valid and ("*" in chk.kinds or record.kind in chk.kinds):
                list(chk.fn(dataclasses.replace(record, path=_Poison("record.path")), ctx) or ())
                ran += 1
    assert ran > 150


def test_one_changed_record_rewrites_only_the_segments_of_its_old_and_new_bytes(org):
    # issue 19: the cache is kept in segments by content hash, so a re-check after one edit does
    # not rewrite every entry of the repository; the findings stay those of a run without cache
    for i in range(40):
        org.add(f"policy/P{i}.yaml", org.record("policy", f"POL-{i}", title=f"方针 {i}"))
    _findings(org.root, cache=True)
    before = {p.name: p.read_bytes() for p in _segments(org.root)}
    head = _cache_file(org.root).read_bytes()
    assert len(before) == 16
    target = org.root / "policy" / "P7.yaml"
    old_hash = cache_mod.digest(target.read_bytes())
    target.write_text(target.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    new_hash = cache_mod.digest(target.read_bytes())
    got, hits = _findings(org.root, cache=True)
    assert hits == 39 and got == _findings(org.root, cache=False)[0]
    after = {p.name: p.read_bytes() for p in _segments(org.root)}
    changed = {name for name in after if after[name] != before[name]}
    assert changed == {f"records-{old_hash[0]}.json", f"records-{new_hash[0]}.json"}
    assert _cache_file(org.root).read_bytes() == head  # nor the head
    stored = json.loads(after[f"records-{new_hash[0]}.json"].partition(b"\n")[2])
    assert new_hash in stored["records"]
    if old_hash[0] != new_hash[0]:
        assert old_hash not in json.loads(after[f"records-{old_hash[0]}.json"].partition(b"\n")[2])["records"]


def test_a_damaged_segment_is_ignored_alone_and_written_again(org):
    for i in range(40):
        org.add(f"policy/P{i}.yaml", org.record("policy", f"POL-{i}", title=f"方针 {i}", version=3 if i == 5 else "1.0"))
    truth = _findings(org.root, cache=False)[0]
    _findings(org.root, cache=True)
    hashes = [cache_mod.digest((org.root / "policy" / f"P{i}.yaml").read_bytes()) for i in range(40)]
    seg = hashes[5][0]  # the segment of the record with a schema error
    in_it = sum(h[0] == seg for h in hashes)
    path = org.root / ".cms-cache" / f"records-{seg}.json"
    path.write_bytes(path.read_bytes()[:-10])  # truncated: its MAC no longer verifies
    got, hits = _findings(org.root, cache=True)
    assert got == truth and hits == 40 - in_it  # the other segments still hold
    assert _findings(org.root, cache=True) == (truth, 40)  # and the damaged one was written again
    # a segment copied over another holds entries no run put there: ignored as a whole
    other = next(h[0] for h in hashes if h[0] != seg)
    (org.root / ".cms-cache" / f"records-{other}.json").write_bytes(path.read_bytes())
    got, hits = _findings(org.root, cache=True)
    assert got == truth and hits == 40 - sum(h[0] == other for h in hashes)
