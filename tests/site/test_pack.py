"""cms pack: the audit pack printed by Debian's Chromium, read back with pdftotext."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest

from cms_build.site.pack import CHROMIUM, clause_selected, pack_html
from tests.conftest import REPO

EXAMPLE = REPO / "records"
AS_OF = dt.date(2026, 6, 30)

needs_print = pytest.mark.skipif(
    not Path(CHROMIUM).is_file() or shutil.which("pdftotext") is None, reason="needs /usr/bin/chromium and pdftotext (poppler-utils; .ci/run installs both)"
)


def test_clause_selection_takes_sub_clauses_and_items_not_neighbours():
    assert clause_selected("6.1.2 b", ["6.1"]) and clause_selected("6.1", ["6.1"]) and clause_selected("6.1.2", ["6.1"])
    assert not clause_selected("6.10", ["6.1"]) and not clause_selected("D.6.1", ["6.1"])
    assert clause_selected("anything", [])


def test_the_html_escapes_record_text(tmp_path):
    from cms_build.engine import run

    result = run(EXAMPLE, AS_OF)
    html = pack_html(EXAMPLE, result, ["D.6.5"], "abc123")
    assert "<script" not in html.lower()
    assert "NCL-HQ-2025" in html and "abc123" in html


@needs_print
def test_pack_prints_cover_contents_matrix_records_and_is_deterministic(tmp_path):
    from cms_build.site.pack import write_pack

    pdf, html = write_pack(EXAMPLE, AS_OF, tmp_path / "a" / "pack.pdf", ["D.6.5"])
    assert html.is_file() and html.read_text("utf-8").startswith("<!DOCTYPE html>")
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, check=True).stdout.decode()
    pages = text.split("\f")
    cover = pages[0]
    assert "滨江发电有限公司" in cover and "2026-06-30" in cover and "Git commit" in cover
    assert "目录 Contents" in pages[1]
    # the contents give each record's page, and the record's heading is on that page
    import re

    # (the records of D.6.5 are numbered 3.1, 3.2 ... in id order: the claim's number moves as
    # records are added, so it is read from the contents, then looked for on its page)
    line = next(x for x in pages[1].splitlines() if re.search(r"3\.\d+ NCL-HQ-2025\b", x))
    heading = re.search(r"3\.\d+ NCL-HQ-2025", line).group(0)
    page_no = int(re.findall(r"(\d+)\s*$", line)[0])
    assert heading in pages[page_no - 1]
    assert "1 / " in cover  # page numbers in the footer
    assert "符合性矩阵" in text and "D.6.5.2.4" in text
    # the claim's YAML source, numbered from line 1: what a finding's file:line points at
    assert "kind: neutrality_claim" in text or 'kind: "neutrality_claim"' in text
    again, _ = write_pack(EXAMPLE, AS_OF, tmp_path / "b" / "pack.pdf", ["D.6.5"])
    assert pdf.read_bytes() == again.read_bytes()  # same inputs, same bytes


def test_cms_pack_without_chromium_is_a_clear_error(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from cms_build.commands import cli
    from cms_build.site import pack

    monkeypatch.setattr(pack, "CHROMIUM", str(tmp_path / "no-chromium"))
    out = CliRunner().invoke(cli, ["pack", str(EXAMPLE), "--as-of", "2026-06-30", "--clauses", "D.6.5", "--out", str(tmp_path / "p.pdf")])
    assert out.exit_code == 2 and "no Chromium at" in out.output
    assert not (tmp_path / "p.pdf").exists()
