"""Time `cms check` of a group of many entities with a process pool (issue 20 §3: 200 entities of
200 records each, 40,000 records, under 60 s on a 2-core machine).

    python benchmarks/bench_group.py [--entities 200] [--jobs 2] [--quick]

Each entity is a copy of the shipped example (records/, 213 records: 200 entities hold 42,600
records, a little more than the issue's 40,000) in a temporary group folder; every entity is
then checked by cms_build.group.run_group with --jobs processes, and the consume path
(cms group consolidate over the entities' exports) is timed too. --quick: 4 entities.
Prints the seconds, the records per second, and the group total, which a reader can check:
N × the shipped example's 2025 total (5,945,832.04 tCO2e).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--entities", type=int, default=200)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--quick", action="store_true", help="4 entities, to see that it runs")
    args = ap.parse_args()
    n = 4 if args.quick else args.entities
    from cms_build import group as grp

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        lines = ["organization: {name: 基准集团}", "subsystems: [A, B, C, D]", "group:", "  entities:"]
        for i in range(n):
            shutil.copytree(REPO / "records", root / "entities" / f"E{i:03d}")
            lines.append(f"    - {{id: E{i:03d}, name: 实体{i}, path: entities/E{i:03d}}}")
        (root / "cms.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
        as_of = dt.date(2026, 6, 30)
        t0 = time.perf_counter()
        g = grp.run_group(root, as_of, jobs=args.jobs)
        run_s = time.perf_counter() - t0
        records = sum(len(d["records"]) for d in g.exports.values())
        total = g.consolidation["emissions"]["2025"]["total"]["value"]
        print(
            f"check: {n} entities, {records} records, {args.jobs} jobs: {run_s:.1f} s "
            f"({records / run_s:.0f} records/s); group 2025 total {total:,.2f} tCO2e "
            f"(expected {n} × 5,945,832.04 = {n * 5945832.04:,.2f})"
        )
        out = root / "exports"
        out.mkdir()
        for eid, doc in g.exports.items():
            (out / f"{eid}.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
        t0 = time.perf_counter()
        grp.consume_exports(root, out, as_of)
        print(f"consume: {n} exports consolidated in {time.perf_counter() - t0:.1f} s")


if __name__ == "__main__":
    main()
