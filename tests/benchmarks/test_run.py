"""benchmarks/run.py: the generator renames ids per copy, and --quick prints every row of
issue 19's table (the rows, never the speeds: no speed is asserted in a test)."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _load():
    spec = importlib.util.spec_from_file_location("bench_run", ROOT / "benchmarks" / "run.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _check(run, repo: Path) -> subprocess.CompletedProcess:
    """`cms check` of a generated repository as the benchmark runs it, its findings as JSON."""
    return subprocess.run(
        [sys.executable, "-m", "cms_build.cli", "check", str(repo), "--as-of", run.AS_OF, "--format", "json", "--no-cache", "--fail-on", "info"],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=ROOT,
        env=run.ENV,
    )


def test_copies_get_new_ids(tmp_path):
    run = _load()
    repo = run.make_repo(tmp_path / "r", 2)
    first = (ROOT / "records" / "policy").rglob("*.yaml").__next__()
    rel = first.relative_to(ROOT / "records" / "policy")
    original = run._ID_LINE.search(first.read_text(encoding="utf-8")).group(1)
    copy0 = (repo / "policy" / "copy0" / rel).read_text(encoding="utf-8")
    copy1 = (repo / "policy" / "copy1" / rel).read_text(encoding="utf-8")
    assert run._ID_LINE.search(copy0).group(1) == original
    assert run._ID_LINE.search(copy1).group(1) == f"{original}-C1"
    # The folders an organization keeps one set of are copied once; the others once more per
    # copy, until the records reach about twice the example's (settings once).
    assert not (repo / "inventory" / "copy1").exists() and (repo / "inventory" / "copy0").is_dir()
    settings = len(list((ROOT / "records").glob("*.y*ml")))
    example = len(run.yaml_files(ROOT / "records")) - settings
    grown = sum(len(run.yaml_files(d)) for d in (ROOT / "records").iterdir() if d.is_dir() and d.name not in run.SHARED)
    copies = round(example / grown)  # further copies of the grown folders: 232 / 95 -> 2 today
    assert len(run.yaml_files(repo)) == example + copies * grown + settings
    assert abs(len(run.yaml_files(repo)) - settings - 2 * example) <= grown / 2


def test_generated_repository_checks_clean(tmp_path):
    """The benchmark measures a repository like a user's: copies of the example that contradicted
    each other (the same serials held twice, an inventory's total doubled by the copies' sources,
    a period's months filed twice ...) gave 96 error findings at 2 copies, and a check that
    reports errors measures other work than a clean one. The example itself checks clean."""
    run = _load()
    repo = run.make_repo(tmp_path / "r", 2)
    proc = _check(run, repo)
    doc = json.loads(proc.stdout)
    assert [(f["rule"], f["file"], f["message"]) for f in doc["findings"]] == []
    assert proc.returncode == 0, proc.stderr
    # It read every generated record (cms.yaml is the settings, not a record).
    assert doc["records"] == len(run.yaml_files(repo)) - len(list(repo.glob("*.y*ml")))


def test_quick_prints_every_row():
    out = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "run.py"), "--quick"], capture_output=True, text=True, timeout=600, cwd=ROOT).stdout
    for row in (
        "vs check-jsonschema once per kind",
        "vs bare CSafeLoader pass",
        "project loader alone",
        "re-check, nothing changed",
        "re-check, one record changed",
        "vs plain `mkdocs build`",
        "build at",
        "-row CSV vs bare csv.reader",
        "fresh `cms init` repository",
        "group `cms check` of 2 entities, 120 records",
        "group consume path: `cms group consolidate` of 2 entity exports",
    ):
        assert row in out, (row, out)
    assert out.count("| ≤ ") >= 8 or out.count("≤") >= 8


def test_generated_group_entities_have_the_records_asked(tmp_path):
    run = _load()
    g = run.make_group(tmp_path / "g", 3, 60)
    entities = sorted(p.name for p in (g / "entities").iterdir())
    assert entities == ["E0000", "E0001", "E0002"]
    # 42 records of the grinding station + 18 people and training records; cms.yaml is not a record
    assert all(len(run.yaml_files(g / "entities" / e)) - 1 == 60 for e in entities)
    assert "path: entities/E0002" in (g / "cms.yaml").read_text(encoding="utf-8")


def test_big_csv_keeps_each_months_total_and_checks_clean(tmp_path):
    """The CSV row's table replaces an example CSV with many readings; they must add up, month
    by month, to what the example's file says (or the inventory and the review the example
    states disagree with what is recomputed: 12 findings before), its substituted readings are
    listed in the record's gap_filling, and the repository checks as clean as the example."""
    import csv
    from decimal import Decimal

    run = _load()
    repo = run.make_repo(tmp_path / "r", 1)
    original = sorted((repo / "activity").rglob("*.csv"))[0]
    before: dict[str, Decimal] = {}
    with original.open(encoding="utf-8", newline="") as fh:
        for row in list(csv.reader(fh))[1:]:
            before[row[0][:7]] = before.get(row[0][:7], Decimal(0)) + Decimal(row[1])
    target = run.add_big_csv(repo, 5000)
    after: dict[str, Decimal] = {}
    with target.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))[1:]
    for row in rows:
        assert Decimal(row[1]) >= 0, row
        after[row[0][:7]] = after.get(row[0][:7], Decimal(0)) + Decimal(row[1])
    assert len(rows) == 5000 and after == before  # exact, in decimal
    assert sum(1 for r in rows if r[2] == "estimated") == 5
    assert [(f["rule"], f["file"], f["message"][:200]) for f in json.loads(_check(run, repo).stdout)["findings"]] == []
