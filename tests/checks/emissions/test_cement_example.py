"""The shipped cement example (examples/cement): clean at the README's date, its clinker line's
process emissions and the intensity per tonne of clinker against figures worked out by hand."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
EXAMPLE = REPO / "examples" / "cement"


@pytest.fixture(scope="module")
def exported():
    env = dict(os.environ, PYTHONPATH=str(REPO))
    out = subprocess.run(
        [sys.executable, "-m", "cms_build.cli", "export", str(EXAMPLE), "--as-of", "2026-06-30", "--no-cache"],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_clean(exported):
    assert exported["findings"] == [], [f.get("message") for f in exported["findings"]]


def test_clinker_line_process_emissions(exported):
    # Q     = 600,000 t clinker + 3,000 t kiln-head dust = 603,000 t
    # EF    = (0.652 − 0.008) × 44/56 + (0.021 − 0.003) × 44/40 = 0.644 × 11/14 + 0.018 × 1.1
    #       = 0.506 + 0.0198 = 0.5258 tCO2/t
    # E_cal = 603,000 × 0.5258 = 317,057.4 tCO2
    # E_oc  = 930,000 t raw meal × 0.15 % × 44/12 = 1,395 tC × 44/12 = 5,115 tCO2
    # E     = 317,057.4 + 5,115 = 322,172.4 tCO2
    entry = exported["results"]["emissions"]["years"]["2025"]["entries"]["AD-2025-CP-CAL"]
    assert entry["total"]["value"] == pytest.approx(322_172.4, rel=1e-12)
    cal, oc = entry["total"]["steps"][0]["steps"]
    assert cal["value"] == pytest.approx(317_057.4, rel=1e-12)
    assert oc["value"] == pytest.approx(5_115.0, rel=1e-12)
    assert entry["category"] == "process"


def test_intensity_per_tonne_of_clinker(exported):
    # I = 322,172.4 tCO2 / 600,000 t clinker = 0.536954 tCO2/t
    v = exported["results"]["emissions"]["indicators"]["IND-CP-CLK"]["values"]["2025"]
    assert v["value"] == pytest.approx(322_172.4 / 600_000, rel=1e-9) and v["unit"] == "tCO2/t"
    assert [i["value"] for i in v["inputs"]] == [pytest.approx(322_172.4), 600_000.0]
