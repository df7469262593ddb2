"""The whole-run cache of `cms check` (cms_build/wholerun.py, issue 19 win 3): a re-check with
nothing changed prints the same bytes and exits with the same code without running the engine;
any change of what the run reads runs it again; a planted or tampered cache is ignored."""

from __future__ import annotations

import datetime as dt
import json
import os

import pytest
from click.testing import CliRunner

from cms_build import cache as cache_mod
from cms_build import engine, wholerun
from cms_build.cli import cli
from cms_build.formats import FORMATS

AS_OF = "2027-12-30"  # the example has findings of every kind by then (errors and warnings)


@pytest.fixture(autouse=True)
def _own_key(tmp_path, monkeypatch):
    """Each test its own user cache folder, hence its own MAC key."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))


@pytest.fixture
def runs(monkeypatch):
    """How many times the engine ran (engine.run, which `cms check` calls on a cache miss)."""
    calls = []
    real = engine.run

    def counted(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(engine, "run", counted)
    return calls


def check(root, *args, as_of=AS_OF):
    result = CliRunner().invoke(cli, ["check", str(root), "--as-of", as_of, *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.output, result.exit_code


def _example(org):
    org.copy_example()
    import shutil

    shutil.rmtree(org.root / ".cms-cache", ignore_errors=True)  # a developer's own, copied with the example
    return org.root


def _check_file(root):
    return root / ".cms-cache" / wholerun.NAME


def test_every_format_is_byte_identical_cold_warm_and_without_the_cache(org, runs, tmp_path, monkeypatch):
    root = _example(org)
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    options = [[], ["--fail-on", "warning"], ["--fail-on", "info"], ["--language", "en"], ["--language", "zh"]]
    truth = {}
    for fmt in FORMATS:
        for extra in options:
            summary.write_text("")
            out, code = check(root, "--format", fmt, *extra, "--no-cache")
            truth[fmt, tuple(extra)] = (out, code, summary.read_text())
    assert not (root / ".cms-cache").exists()  # --no-cache: neither read nor written
    # 199 errors, among them the action plans AP-2025-01 and AP-2025-02 still in progress past
    # their deadlines (plan.action-plan-overdue), the improvements IMP-2025-01 and IMP-2026-01
    # past theirs (imp.overdue), and PX-CCER-2025-2026 due for review on 2027-06-30 as
    # PX-CEA-2025-2026 is. 5 warnings: the credits retired in 2026 make it a year of carbon
    # assets, whose statement is missing by 2027-03-31 (assets.statement-missing); the 2026-12-31
    # balance sheet values the 10 t CCER left at the close of 2026-06-30, 184 days old
    # (assets.valuation-price-stale); besides the three of the plan, the verification and the
    # review action
    assert truth["text", ()][1] == 1 and "199 errors, 5 warnings" in truth["text", ()][0]
    calls = len(runs)
    check(root)  # cold: runs the engine and keeps the run
    assert len(runs) == calls + 1 and _check_file(root).is_file()
    for (fmt, extra), (out, code, step_summary) in truth.items():
        summary.write_text("")
        assert check(root, "--format", fmt, *extra) == (out, code), (fmt, extra)
        assert summary.read_text() == step_summary
    assert len(runs) == calls + 1  # every warm check came from the cache: the engine never ran


def test_warm_output_is_the_cold_output_on_a_clean_repository_too(org, runs):
    root = _example(org)
    cold = check(root, as_of="2026-06-30")
    assert cold[1] == 0 and "0 findings" in cold[0]
    n = len(runs)
    assert check(root, as_of="2026-06-30") == cold
    assert len(runs) == n


def _csv(root):
    return sorted((root / "activity").rglob("*.csv"))[-1]


# each change: (what it does to the repository, what the run then says that it did not before)
def _edit_record(root):
    path = sorted((root / "policy").rglob("*.yaml"))[0]
    path.write_text(path.read_text(encoding="utf-8").replace("\nversion:", "\nversoin:", 1), encoding="utf-8")


def _edit_csv(root):
    path = _csv(root)
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines[:1] + lines[2:]), encoding="utf-8")  # one row fewer: another total


def _add_file(root):
    (root / "policy" / "added.yaml").write_text("kind: policy\nid: POL-ADDED\n", encoding="utf-8")


def _delete_file(root):
    _csv(root).unlink()


def _add_rule(root):
    (root / "checks").mkdir(exist_ok=True)
    (root / "checks" / "org_rules.py").write_text(
        "from cms_build.api import check\n"
        "from cms_build.findings import Issue\n\n\n"
        '@check("org.always", title="A finding always", clauses=["7.4.2"], severity="info")\n'
        "def always(ctx):\n"
        '    yield Issue("an organization rule ran", "cms.yaml")\n',
        encoding="utf-8",
    )


def _edit_settings(root):
    path = root / "cms.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\n# a comment: new bytes\n", encoding="utf-8")


CHANGES = {"record": _edit_record, "csv": _edit_csv, "added": _add_file, "deleted": _delete_file, "rule": _add_rule, "settings": _edit_settings}


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_a_change_of_what_the_run_reads_runs_it_again(org, runs, change):
    root = _example(org)
    before = check(root, "--format", "json")
    n = len(runs)
    assert check(root, "--format", "json") == before and len(runs) == n  # kept
    CHANGES[change](root)
    after = check(root, "--format", "json")
    assert len(runs) == n + 1  # the engine ran again
    assert after == check(root, "--format", "json", "--no-cache")
    if change != "settings":  # a comment in cms.yaml changes its bytes, not a finding
        assert after != before
    n = len(runs)
    assert check(root, "--format", "json") == after and len(runs) == n  # and the new run is kept


def test_another_as_of_date_is_another_run(org, runs):
    root = _example(org)
    first = check(root, "--format", "json")
    n = len(runs)
    other = check(root, "--format", "json", as_of="2026-06-30")
    assert len(runs) == n + 1 and other != first
    n = len(runs)
    # both are kept (a few runs are): going back costs nothing, and gives the first bytes again
    assert check(root, "--format", "json") == first and check(root, "--format", "json", as_of="2026-06-30") == other
    assert len(runs) == n


def test_another_engine_or_python_path_is_another_run(org, runs, monkeypatch):
    root = _example(org)
    check(root)
    n = len(runs)
    monkeypatch.setattr(cache_mod, "_FINGERPRINT", "another engine version or commit")
    check(root)
    assert len(runs) == n + 1
    monkeypatch.setattr("sys.path", ["/elsewhere", *__import__("sys").path])
    check(root)
    assert len(runs) == n + 2


def test_changed_since_and_no_cache_do_not_use_the_whole_run_cache(org, runs):
    root = _example(org)
    check(root)
    n = len(runs)
    check(root, "--no-cache")
    assert len(runs) == n + 1
    # --changed-since reads git: it runs the engine (here it fails: the copy is no git repository)
    check(root, "--changed-since", "HEAD")
    assert len(runs) == n + 2


@pytest.mark.parametrize("damage", ["forged", "truncated", "garbage", "other-key"])
def test_a_planted_or_tampered_cache_is_ignored(org, runs, damage, tmp_path, monkeypatch):
    """A pull request may commit .cms-cache/check.json: without the MAC of this user's key it is
    no cache, so it cannot make a failing repository pass."""
    root = _example(org)
    truth = check(root, "--format", "json")
    assert truth[1] == 1
    path = _check_file(root)
    raw = path.read_bytes()
    mac, _, payload = raw.partition(b"\n")
    stored = json.loads(payload)
    for entry in stored["runs"].values():
        entry["findings"] = []  # the forgery: "nothing found"
    forged = json.dumps(stored).encode()
    if damage == "other-key":  # signed, but by another user (or machine): another key
        monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "attacker"))
        from cms_build import cachefile

        cachefile.write_signed(root, wholerun.NAME, cachefile.local_key(), stored)
        monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    else:
        path.write_bytes({"forged": mac + b"\n" + forged, "truncated": raw[: len(raw) // 2], "garbage": os.urandom(300)}[damage])
    n = len(runs)
    assert check(root, "--format", "json") == truth
    assert len(runs) == n + 1  # the engine ran: the planted file was not trusted


def test_a_run_whose_rule_crashed_is_not_kept(org, runs):
    org.add("policy/P.yaml", org.record("policy", "POL-1"))
    org.write(
        "checks/boom.py",
        'from cms_build.api import check\n\n\n@check("org.boom", title="Boom", clauses=["7.4.2"])\ndef boom(ctx):\n    raise ValueError("x")\n',
    )
    out, _ = check(org.root)
    assert "rules.crashed" in out
    assert not _check_file(org.root).exists()
    n = len(runs)
    check(org.root)
    assert len(runs) == n + 1


def test_a_run_that_asks_about_a_file_in_the_cache_or_git_folder_is_not_kept(tmp_path):
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    (root / ".git" / "x").write_text("x")
    from cms_build import paths

    for inside in (".git/x", ".cms-cache/evidence.pdf"):
        with wholerun.Recording(root) as rec:
            paths.notice(root / "policy" / "../" / inside)
        assert not rec.keepable(), inside
    with wholerun.Recording(root) as rec:
        paths.notice(root / ".cms-cache" / "records.json")  # the caches' own files are not read by rules
        (root / ".git" / "x").read_text()
    assert not rec.keepable()  # opened: seen by the audit hook
    with wholerun.Recording(root) as rec:
        paths.notice(root / ".cms-cache" / "records.json")
    assert rec.keepable()


def test_a_file_used_outside_the_repository_that_changes_is_another_run(tmp_path):
    data = tmp_path / "units.txt"
    data.write_text("metre\n")
    with wholerun.Recording(tmp_path / "repo") as rec:
        data.read_text()
    rows = rec.outside_rows()
    assert [str(data), "f", 6, data.stat().st_mtime_ns] in rows
    assert wholerun._same_outside(rows)
    data.write_text("meter\n")
    os.utime(data, ns=(1, 1))
    assert not wholerun._same_outside(rows)


def test_a_repository_changed_while_the_run_read_it_is_not_kept(org, monkeypatch):
    org.add("policy/P.yaml", org.record("policy", "POL-1"))
    real = engine.run

    def edit_meanwhile(*args, **kwargs):
        result = real(*args, **kwargs)
        org.add("policy/P.yaml", org.record("policy", "POL-1", title="edited while checked"))
        return result

    monkeypatch.setattr(engine, "run", edit_meanwhile)
    check(org.root)
    assert not _check_file(org.root).exists()


def test_the_key_covers_modes_links_and_names(tmp_path):
    root = tmp_path / "repo"
    root.mkdir()
    (root / "a.csv").write_text("x")
    day = dt.date(2026, 6, 30)
    keys = {wholerun.run_key(root, day)[0]}
    os.chmod(root / "a.csv", 0o600)
    keys.add(wholerun.run_key(root, day)[0])
    (root / "link.csv").symlink_to(tmp_path / "nowhere.csv")
    keys.add(wholerun.run_key(root, day)[0])
    (tmp_path / "nowhere.csv").write_text("now there")  # the link now leads to a file outside
    keys.add(wholerun.run_key(root, day)[0])
    (root / "a.csv").rename(root / "b.csv")
    keys.add(wholerun.run_key(root, day)[0])
    (root / ".cms-cache").mkdir()
    (root / ".cms-cache" / "records.json").write_text("the cache's own file")
    keys.add(wholerun.run_key(root, day)[0])
    assert len(keys) == 5  # every change but the cache folder's own file is another key
    assert not wholerun.run_key(root, day)[2]
    (root / "evidence.pdf").symlink_to(root / ".cms-cache" / "records.json")
    assert wholerun.run_key(root, day)[2]  # a link into a folder the key does not hash: not kept


# -- the key's digests, reused by the loader (wholerun.Digests) ---------------------------------
def _policies(org, n=3):
    for i in range(n):
        org.add(f"policy/P{i}.yaml", org.record("policy", f"POL-{i}", title=f"title AAAA {i}"))
    return org.root.resolve()


def _trusted_digests(root, day):
    """The key's digests of files written a moment ago, trusted by a racy window shorter than
    that moment (RACY_NS itself would distrust every file of a test written within 3 s)."""
    import time

    time.sleep(0.05)
    digests = wholerun.Digests(time.time_ns(), racy_ns=10_000_000)
    wholerun.run_key(root, day, digests)
    return digests


def _reads(monkeypatch):
    read = []
    real = engine.read_file
    monkeypatch.setattr(engine, "read_file", lambda path, **kw: read.append(path.name) or real(path, **kw))
    return read


def test_a_file_written_within_the_racy_window_gets_no_digest_to_reuse(org):
    root = _policies(org)
    import time

    digests = wholerun.Digests(time.time_ns())  # RACY_NS: every file here was written just now
    wholerun.run_key(root, dt.date(2026, 6, 30), digests)
    assert len(digests) == 0


def test_the_loader_reuses_the_keys_digests_and_reads_a_changed_file_afresh(org, monkeypatch):
    root, day = _policies(org), dt.date(2026, 6, 30)
    engine.run(root, day, cache=True)  # the record cache holds every file's entry
    digests = _trusted_digests(root, day)
    assert len(digests) == 4  # cms.yaml and the three records
    p1 = root / "policy" / "P1.yaml"
    st = p1.stat()
    assert digests.get(str(p1), st) == cache_mod.digest(p1.read_bytes())
    read = _reads(monkeypatch)
    result = engine.run(root, day, cache=True, digests=digests)
    assert read == [] and result.cache_hits == 3  # neither read nor hashed again
    # other bytes of the same size, the modification time set back: the change time differs
    text = p1.read_text(encoding="utf-8")
    p1.write_text(text.replace("title AAAA 1", "title BBBB 1"), encoding="utf-8")
    os.utime(p1, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert (p1.stat().st_size, p1.stat().st_mtime_ns) == (st.st_size, st.st_mtime_ns)
    assert digests.get(str(p1), p1.stat()) is None
    result = engine.run(root, day, cache=True, digests=digests)  # the digests taken before the edit
    assert read == ["P1.yaml"]
    assert result.index.by_id["POL-1"].data["title"] == "title BBBB 1"
    assert result.index.by_id["POL-1"].content == cache_mod.digest(p1.read_bytes())
    fresh = engine.run(root, day)
    assert result.findings == fresh.findings


def test_a_digest_is_not_reused_without_the_cache_entry_nor_for_another_file(org, monkeypatch):
    root, day = _policies(org), dt.date(2026, 6, 30)
    digests = _trusted_digests(root, day)
    read = _reads(monkeypatch)
    engine.run(root, day, cache=True, digests=digests)  # no record cache yet: every file is parsed
    assert sorted(read) == ["P0.yaml", "P1.yaml", "P2.yaml"]
    p0, p2 = root / "policy" / "P0.yaml", root / "policy" / "P2.yaml"
    assert digests.get(str(p2), p0.stat()) is None  # another inode
    os.replace(p0, p2)  # P0's bytes at P2's path: another inode, read and hashed afresh
    read.clear()
    result = engine.run(root, day, cache=True, digests=digests)
    assert read == ["P2.yaml"]
    assert [r.id for r in result.records] == ["POL-1", "POL-0"]


def test_check_hands_the_keys_digests_to_its_cold_run(org, runs, monkeypatch):
    _policies(org)
    seen = []
    real = engine.run
    monkeypatch.setattr(engine, "run", lambda *a, **kw: seen.append(kw.get("digests")) or real(*a, **kw))
    check(org.root)
    assert len(seen) == 1 and isinstance(seen[0], wholerun.Digests)
