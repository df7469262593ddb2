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
    path = _cache_file(org.root)
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
