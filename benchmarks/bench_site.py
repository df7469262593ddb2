"""Build time of the evidence site: the example, and generated organizations of 1,000 and 4,000 records.

    python benchmarks/bench_site.py [--sizes 1000 4000] [--profile internal] [--keep DIR]

Prints, per organization: records, pages, seconds (pipeline, Markdown, mkdocs), and time per
record. The site must stay linear in the number of records (no navigation entry per record,
no per-page work proportional to the record count), so the time per record must not grow
with the size; the last line compares the largest with the smallest generated size.
"""
from __future__ import annotations

import argparse
import datetime as dt
import shutil
import sys
import tempfile
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

AS_OF = dt.date(2026, 6, 30)


def generate(root: Path, n: int) -> None:
    """An organization of n records: an organization profile, a scope, and policies that
    supersede one another (references both ways), a third of them public, with Chinese text."""
    root.mkdir(parents=True)
    (root / "cms.yaml").write_text(yaml.safe_dump({
        "organization": {"name": "基准测试发电有限公司", "profile": "ORG-1"}, "subsystems": ["A", "B", "C", "D"],
        "site": {"history": False}}, allow_unicode=True), encoding="utf-8")
    envelope = {"status": "approved", "doc_no": "DOC", "version": "1.0", "author": "周敏", "owner": "碳管理办公室",
                "approved_by": "总经理 陈建国", "approved_on": "2025-01-08", "effective": "2025-01-10",
                "next_review": "2099-12-31"}
    write = lambda rel, data: _write(root / rel, data)  # noqa: E731
    write("organization/ORG-1.yaml", {"kind": "organization", "id": "ORG-1", "title": "组织概况", **envelope,
                                      "confidentiality": "public", "legal_name": "基准测试发电有限公司",
                                      "uscc": "913211007545678X9Q"})
    write("scope/SCOPE-1.yaml", {"kind": "scope", "id": "SCOPE-1", "title": "范围", **envelope,
                                 "confidentiality": "public", "organization": "ORG-1", "subsystems": ["A"],
                                 "organizational_boundary": "全厂", "operational_boundary": "燃煤发电",
                                 "activities": ["燃煤发电"]})
    for i in range(1, n - 1):
        rid = f"POL-{i:05d}"
        data = {"kind": "policy", "id": rid, "title": f"碳管理制度 第{i}号", **envelope,
                "confidentiality": "public" if i % 3 == 0 else "internal",
                "statement": f"第{i}号制度：推进燃料清洁化，提升机组能效，规范碳排放数据质量控制。\n第二段：脱硫石膏综合利用。",
                "issued_by": "总经理 陈建国",
                "communication": [{"date": "2025-01-15", "audience": "全体员工", "channel": "内网"}]}
        if i > 1:
            data["supersedes"] = f"POL-{i - 1:05d}"
        write(f"policy/{i // 500:02d}/{rid}.yaml", data)


def _write(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def bench(name: str, root: Path, out: Path, profile: str) -> dict:
    from cms_build.site.build import build_site
    started = time.perf_counter()
    report = build_site(root, AS_OF, profile=profile, out=out)
    seconds = time.perf_counter() - started
    row = {"name": name, "records": report.records, "pages": report.pages, "seconds": seconds,
           "per_record_ms": 1000 * seconds / max(report.records, 1), **report.timings}
    print(f"{name:<10} {row['records']:>6} records {row['pages']:>6} pages {seconds:8.1f} s "
          f"(pipeline {row['pipeline']:.1f}, markdown {row['markdown']:.1f}, mkdocs {row['mkdocs']:.1f})  "
          f"{row['per_record_ms']:.1f} ms/record", flush=True)
    return row


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 4000])
    parser.add_argument("--profile", choices=["internal", "public"], default="internal")
    parser.add_argument("--keep", type=Path, help="keep the generated organizations and sites here")
    args = parser.parse_args(argv)
    base = args.keep or Path(tempfile.mkdtemp(prefix="cms-bench-site-"))
    rows = []
    try:
        # warm up once (imports, jieba's dictionary) so that the first row is not charged for it
        bench("example", REPO / "records", base / "example-site", args.profile)
        rows.append(bench("example", REPO / "records", base / "example-site", args.profile))
        for n in args.sizes:
            root = base / f"org-{n}"
            if not root.exists():
                generate(root, n)
            rows.append(bench(f"gen-{n}", root, base / f"site-{n}", args.profile))
    finally:
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)
    generated = [r for r in rows if r["name"].startswith("gen-")]
    if len(generated) >= 2:
        small, large = generated[0], generated[-1]
        growth = large["seconds"] / small["seconds"]
        ratio = large["records"] / small["records"]
        print(f"{large['records']} vs {small['records']} records ({ratio:.1f}x): time {growth:.2f}x, "
              f"time per record {large['per_record_ms'] / small['per_record_ms']:.2f}x "
              f"({'linear or better' if growth <= ratio * 1.25 else 'FASTER THAN LINEAR GROWTH'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
