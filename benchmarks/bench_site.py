"""Superseded by benchmarks/run.py (issue 19).

The former version timed cms in process, warm, best of three, against one cold
check-jsonschema process, and asserted zero findings on a repository that has some; its
figures did not describe what a user runs. run.py times whole processes, interleaved, with
medians, ratios, targets and peak memory for every row of issue 19's table; this entry point
runs it with the same arguments.

Run: python benchmarks/bench_site.py [--quick] [--runs N] [--copies SMALL LARGE] [--rows N]
"""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

if __name__ == "__main__":
    sys.argv[0] = str(Path(__file__).with_name("run.py"))
    runpy.run_path(sys.argv[0], run_name="__main__")
