"""Validation speed: cms validate / cms check against check-jsonschema, and the YAML floor.

Generates an organization of N policy records (default 3000) in a temporary folder, then
prints records per second for:
- loading the YAML alone with the project's loader (the floor: validation cannot beat it);
- `cms validate` (load + schema + references), in process;
- `cms check` (everything), in process;
- check-jsonschema validating the same files against the same schema, in one run.

Run: python benchmarks/bench_validate.py [N]
Target (issue 2): cms validate at least 5x faster per record than check-jsonschema.
"""
from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cms_build.engine import run  # noqa: E402
from cms_build.records import discover  # noqa: E402
from cms_build.yamlsafe import load_file  # noqa: E402


def make_org(folder: Path, n: int) -> None:
    (folder / "cms.yaml").write_text(yaml.safe_dump(
        {"organization": {"name": "Bench Org"}, "subsystems": ["A", "B", "C", "D"]}), encoding="utf-8")
    for i in range(n):
        sub = folder / "policy" / f"{i // 500:03d}"
        sub.mkdir(parents=True, exist_ok=True)
        record = {
            "kind": "policy", "id": f"POL-{i:05d}", "title": f"碳管理方针 第{i}号", "doc_no": f"BENCH-{i}",
            "version": "1.0", "author": "碳管理办公室", "owner": "碳管理办公室", "status": "approved",
            "approved_by": "总经理", "approved_on": "2025-01-08", "effective": "2025-01-10",
            "next_review": "2027-01-10", "retention_years": 10, "confidentiality": "internal",
            "clauses": ["5.2"], "scope_of_policy": "carbon_management",
            "statement": "致力于以最低成本实现碳减排和碳中和目标，依法合规开展碳排放核算、报告与核查。" * 3,
            "commitments": {"information_and_resources": True, "legal_compliance": True, "continual_improvement": True},
            "issued_by": "总经理", "approved_by_top_management": True,
            "communication": [{"date": "2025-01-15", "audience": "全体员工", "channel": "内网"},
                              {"date": "2025-02-20", "audience": "相关方", "channel": "网站"}],
            "available_to_interested_parties": True, "review_interval_months": 12, "last_reviewed": "2025-12-18",
        }
        (sub / f"POL-{i:05d}.yaml").write_text(yaml.safe_dump(record, allow_unicode=True, sort_keys=False),
                                               encoding="utf-8")


def timed(fn, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 3000
    tmp = Path(tempfile.mkdtemp(prefix="cms-bench-"))
    try:
        make_org(tmp, n)
        files = discover(tmp)
        as_of = dt.date(2026, 6, 30)

        floor = timed(lambda: [load_file(p) for p in files])
        validate = timed(lambda: run(tmp, as_of, stages="validate"))
        check = timed(lambda: run(tmp, as_of, stages="check"))
        result = run(tmp, as_of, stages="check")
        assert not result.findings, result.findings[:3]

        schema = ROOT / "schemas" / "policy.schema.json"
        cjs = shutil.which("check-jsonschema")
        external = None
        if cjs:
            cmd = [cjs, "--base-uri", schema.as_uri(), "--schemafile", str(schema), *map(str, files)]
            start = time.perf_counter()
            proc = subprocess.run(cmd, capture_output=True, text=True)
            external = time.perf_counter() - start
            if proc.returncode != 0:
                print("check-jsonschema failed:", proc.stdout[-500:], proc.stderr[-500:])

        def rate(seconds):
            return f"{n / seconds:9.0f} records/s  ({seconds * 1000 / n:.3f} ms/record, {seconds:.2f} s)"

        print(f"{n} policy records")
        print(f"YAML load only (floor)      {rate(floor)}")
        print(f"cms validate                {rate(validate)}   = {floor / validate:.0%} of the floor's speed")
        print(f"cms check                   {rate(check)}")
        if external:
            print(f"check-jsonschema            {rate(external)}")
            print(f"cms validate is {external / validate:.1f}x faster per record than check-jsonschema (target: 5x)")
        else:
            print("check-jsonschema not installed: pip install check-jsonschema")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
