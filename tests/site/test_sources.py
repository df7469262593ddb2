"""Issue 17 items 5 and 8 on the example: a record page shows what was computed from it, and
every file:line a trace cites is one click from the line (the record's YAML, internal builds)
or the row (the attached table's page)."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest

from tests.conftest import EXAMPLE, EXAMPLE_AS_OF

from .conftest import MARKER_FIELD, MARKER_LISTED, build, mini_org


@pytest.fixture(scope="module")
def example_result():
    from cms_build.engine import run

    return run(EXAMPLE, dt.date.fromisoformat(EXAMPLE_AS_OF))


def _page(site, rel: str) -> str:
    """A page with its character references decoded (the site writes ':' as &#58;): the example has
    no markup in its values, so the tags are the site's own."""
    return html.unescape((site / rel).read_text(encoding="utf-8"))


def _text(fragment: str) -> str:
    """The text a browser shows of an HTML fragment (tags dropped, entities decoded)."""
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


def _element(page: str, ident: str) -> str:
    """The text of the element with that id (a source line or a table row's first cell)."""
    m = re.search(rf'<span class="cms-src-line" id="{ident}">(.*?)</span>\n', page) or re.search(
        rf'<tr>\s*<td><span class="cms-row" id="{ident}">.*?</tr>', page, re.S
    )
    assert m, ident
    return _text(m.group(0)).rstrip("\n")


# -- item 8: sources one click away ---------------------------------------------------------------
def test_a_trace_links_the_yaml_line_it_cites_to_the_records_source_view(example_sites):
    site = example_sites["internal"]
    year = _page(site, "emissions/2025.html")
    # the NCV of the 2025 gas: records/activity/2025/AD-2025-BJ2-GAS.yaml line 37 reads
    # "    value: 357.8" (under "  ncv:" on line 36), cited as AD-2025-BJ2-GAS.yaml:37
    link = '<a href="../sources/activity_data/AD-2025-BJ2-GAS.html#L37">activity/2025/AD-2025-BJ2-GAS.yaml:37</a>'
    assert link in year
    source = _page(site, "sources/activity_data/AD-2025-BJ2-GAS.html")
    assert _element(source, "L37") == "37    value: 357.8"
    assert _element(source, "L36") == "36  ncv:"
    assert _element(source, "L2") == "2kind: activity_data"
    # the source view links back to the record, and the record page to its source view
    assert 'href="../../records/activity_data/AD-2025-BJ2-GAS.html"' in source
    record = _page(site, "records/activity_data/AD-2025-BJ2-GAS.html")
    assert '<a href="../../sources/activity_data/AD-2025-BJ2-GAS.html">activity/2025/AD-2025-BJ2-GAS.yaml</a>' in record


def test_a_trace_links_the_csv_row_it_cites_to_the_row_of_the_table_page(example_sites):
    site = example_sites["internal"]
    year = _page(site, "emissions/2025.html")
    # the 12 months of records/activity/2025/gas-2025.csv are all measured: the trace cites them
    # together, counted, linked to the table page (issue 19: one entry per file, not per row)
    assert ('<a href="../tables/AD-2025-BJ2-GAS/1.html">activity/2025/gas-2025.csv</a> (consumption_1e4_nm3, 12 rows)') in year
    assert "gas-2025.csv:2<" not in year
    # 2024-08 is filled, line 9 of records/activity/2024/gas-2024.csv
    # ("2024-08,1702.4,filled,FM-BJ2-GAS-02（备用表）"): that row is cited on its own, at its line
    year_2024 = _page(site, "emissions/2024.html")
    assert '<a href="../tables/AD-2024-BJ2-GAS/1.html#L9">activity/2024/gas-2024.csv:9</a> (consumption_1e4_nm3)' in year_2024
    assert '<a href="../tables/AD-2024-BJ2-GAS/1.html">activity/2024/gas-2024.csv</a> (consumption_1e4_nm3, 11 rows)' in year_2024
    table = _page(site, "tables/AD-2025-BJ2-GAS/1.html")
    row = _element(table, "L2")
    assert row.split() == ["2", "2025-01", "1502.4", "measured", "FM-BJ2-GAS-01"]
    assert _element(table, "L13").split()[:3] == ["13", "2025-12", "1281.2"]  # the last month, line 13
    assert 'href="../../files/AD-2025-BJ2-GAS/1.csv"' in table  # and the file itself
    # the record page's file field offers the table view beside the download
    record = _page(site, "records/activity_data/AD-2025-BJ2-GAS.html")
    assert 'href="../../tables/AD-2025-BJ2-GAS/1.html"' in record


def test_the_public_build_has_no_source_view(example_sites):
    """A record's file publishes every field, key and comment at once: the public edition has no
    source view at all (its records are shown field by field through the View), and links none."""
    site = example_sites["public"]
    assert not (site / "sources").exists()
    pages = {p.relative_to(site).as_posix(): p.read_text(encoding="utf-8") for p in site.rglob("*.html")}
    assert [rel for rel, text in pages.items() if "sources/" in text] == []
    # a published CSV does have its table page: the market prices of a public record
    assert (site / "tables" / "PX-CEA-2025-2026").is_dir()


def test_source_views_and_confidential_fields(org, tmp_path):
    """The internal source view shows the whole file, escaped; the public build has none, so a
    field it withholds (x-confidentiality, confidential_fields) never reaches it that way."""
    root = mini_org(org)
    internal = build(root, tmp_path / "internal")
    page = (internal.out / "sources" / "organization" / "ORG-1.html").read_text(encoding="utf-8")
    assert MARKER_FIELD in page  # internal shows everything, as it is
    # a finding's line links to its line too: site.review-due is at POL-1's statement
    lines = (root / "policy" / "POL-1.yaml").read_text(encoding="utf-8").splitlines()
    n = next(i for i, text in enumerate(lines, start=1) if text.startswith("statement:"))
    record = (internal.out / "records" / "policy" / "POL-1.html").read_text(encoding="utf-8")
    assert f'<a href="../../sources/policy/POL-1.html#L{n}">{n}</a>' in record
    public = build(root, tmp_path / "public", profile="public")
    texts = [p.read_text(encoding="utf-8", errors="replace") for p in public.out.rglob("*") if p.is_file()]
    assert not (public.out / "sources").exists()
    assert [t for t in texts if MARKER_FIELD in t or MARKER_LISTED in t] == []


def test_a_cited_line_the_file_does_not_have_is_not_linked(example_result):
    """A link must land on an anchor (mkdocs strict): a line past the end of the file, a file
    the record does not have, and every line in a public build are text, not links."""
    from cms_build.paths import bundled
    from cms_build.site.history import History
    from cms_build.site.model import SiteModel

    model = SiteModel(example_result, "internal", "zh", History(False), [bundled("site")])
    model.collect_attachments()
    model.collect_tables()
    model.collect_sources()
    rel = "activity/2025/AD-2025-BJ2-GAS.yaml"
    n = len(model.sources["AD-2025-BJ2-GAS"]["lines"])
    assert model.cited_line("AD-2025-BJ2-GAS", rel, 37) == ("sources/activity_data/AD-2025-BJ2-GAS.md", "L37")
    assert model.cited_line("AD-2025-BJ2-GAS", rel, n) is not None
    assert model.cited_line("AD-2025-BJ2-GAS", rel, n + 1) is None
    assert model.cited_line("AD-2025-BJ2-GAS", "activity/2025/other.yaml", 3) is None
    assert model.cited_line("AD-2025-BJ2-GAS", "activity/2025/gas-2025.csv", 1) is None  # the header: no row anchor
    assert model.cited_line("AD-2025-BJ2-GAS", "activity/2025/gas-2025.csv", 2) == ("tables/AD-2025-BJ2-GAS/1.md", "L2")
    public = SiteModel(example_result, "public", "zh", History(False), [bundled("site")])
    public.collect_sources()
    assert public.sources == {} and public.cited_line("AD-2025-BJ2-GAS", rel, 37) is None


# -- item 5: a record page shows what was computed from it ---------------------------------------
def _results_section(page: str) -> str:
    start = page.index('id="record-results"')
    return _text(page[start : page.index("<h2", start)])


def test_a_reported_inventory_shows_reported_against_recomputed(example_sites):
    # RI-2025 reports total {value: 5945832, unit: tCO2} (records/inventory/RI-2025.yaml:19);
    # recomputed 2025 = the six activity records 530.9485 + 12,243.066 + 2,750,139.9585
    # + 2,879,362.5573 + 2,501.3358 + 301,054.1752 = 5,945,832.0413 tCO2e;
    # ΔE = 5,945,832 − 5,945,832.0413 = −0.0413 → −0.04 tCO2e, all three in tCO2e, two decimals
    page = _page(example_sites["internal"], "records/reported_inventory/RI-2025.html")
    assert "<td>5,945,832.00 tCO2</td>" in page  # the record's own field, in its unit, in the site's number format
    section = _results_section(page)
    assert "报送量与重算量之差 reported minus recomputed" in section
    assert "= -0.04 tCO2e" in section
    assert re.search(r"E_rep\s*报送排放总量 reported total \(as reported: 5945832 tCO2\)\s*5,945,832.00\s*tCO2e", section)
    assert re.search(r"E_calc\s*按记录重算的排放总量 recomputed total\s*5,945,832.04\s*tCO2e", section)
    assert "inventory/RI-2025.yaml:19" in section


def test_an_activity_record_shows_its_emissions_with_the_trace(example_sites):
    # AD-2025-BJ2-GAS: FC = Σ 12 months of gas-2025.csv = 15,130 10⁴ Nm³; NCV 357.8 GJ/10⁴ Nm³
    # → AD = 15,130 × 357.8 / 1000 = 5,413.514 TJ; EF = CC 15.32 tC/TJ × OF 0.99 × 44/12
    # = 55.6116 tCO2/TJ; E = 5,413.514 × 55.6116 = 301,054.175 → 301,054.18 tCO2e
    page = _page(example_sites["internal"], "records/activity_data/AD-2025-BJ2-GAS.html")
    section = _results_section(page)
    assert "= 301,054.18 tCO2e" in section
    assert re.search(r"AD\s*活动水平（热量）activity data \(heat\)\s*5,413.51\s*TJ", section)
    # all 12 months are measured: one input for the file, their sum, not one row per month (issue 19)
    assert re.search(r"FC\s*15,130\s*10⁴ Nm³\s*FC = Σ FC_i \(periods\)", section)
    assert "FC[2025-01]" not in section
    # the figures it enters elsewhere: the 2025 total among them
    assert "2025 排放总量 total emissions" in section and "5,945,832.04 tCO2e" in section
    # and its trace cites its own YAML and CSV lines, linked
    start = page.index('id="record-results"')
    assert 'href="../../tables/AD-2025-BJ2-GAS/1.html"' in page[start:]  # the file's measured rows, counted
    assert 'href="../../sources/activity_data/AD-2025-BJ2-GAS.html#L37"' in page[start:]


def test_a_claim_shows_its_balance_grade_and_derived_status(example_sites, example_result):
    # NCL-HQ-2025 retires OC-2025-FS[0] 600 t and OC-2025-WIND[0] 600 t (its retirements):
    # C = 600 + 600 = 1,200 tCO2e; B = E − R = 1,167.41 − 0; S = C − B = 1,200 − 1,167.41 = 32.59 tCO2e
    section = _results_section(_page(example_sites["internal"], "records/neutrality_claim/NCL-HQ-2025.html"))
    status = example_result.statuses["NCL-HQ-2025"]  # cms_build/statuses.py, from results and findings
    assert status["status"] == "valid" and status["grade"] == "Silver"
    assert re.search(r"状态\s*有效", section) and re.search(r"等级\s*银级", section)  # Silver in the schema's words (x-enum-titles)
    assert "= 1,200.00 tCO2e" in section and "= 32.59 tCO2e" in section and "1,167.41 tCO2e" in section
    assert "余额 › 余量" in section  # each balance figure listed by its place


def test_a_status_a_computation_left_is_never_shown_only_the_derived_one():
    """record_results leaves out an entry's own status and grade and gives the derived status."""
    from cms_build.record_results import record_results, text_lines
    from cms_build.results import JsonValue, RecordId, ResultModel

    class Claim(ResultModel):  # the roles say which record an entry is about (issue 13)
        record: RecordId
        covered: bool
        status: JsonValue
        grade: JsonValue

    class Claims(ResultModel):
        claims: dict[RecordId, Claim]

    results = {"neutrality": {"claims": {"NCL-1": {"record": "NCL-1", "covered": True, "status": {"status": "valid"}, "grade": {"grade": "Gold"}}}}}
    statuses = {
        "NCL-1": {
            "kind": "claim",
            "status": "invalid",
            "reason": "an error",
            "grade": None,
            "computed_grade": "Gold",
            "reasons": [{"rule": "nc.x", "severity": "error"}],
        }
    }
    rr = record_results(results, statuses, "NCL-1", {"neutrality": Claims})
    [entry] = rr.entries
    assert [at for at, _ in entry.details] == [("covered",)]
    text = "\n".join(text_lines(rr))
    assert "status (claim): invalid — an error" in text and "valid" not in text.replace("invalid", "")
    assert "grade: - (computed from the credits: Gold)" in text


def test_figures_resting_on_a_record_are_found_generically(example_result):
    """No per-kind code: the footprint's figures are found in the claim that rests on it, the
    market price's in the valuations, and a record nothing was computed from has none."""
    from cms_build.record_results import record_results

    res, st, types = example_result.results, example_result.statuses, example_result.result_types
    cf = record_results(res, st, "CF-HQ-2025", types)
    # the claim names the footprint in its RecordId field `footprint`: it is about it too, so its
    # balance (the figures resting on the footprint) is listed within that entry
    assert [e.where for e in cf.entries] == ["neutrality.footprints.CF-HQ-2025", "neutrality.claims.NCL-HQ-2025"]
    assert ("balance", "emissions") in [at for at, _ in cf.entries[1].figures] and cf.figures == []
    px = record_results(res, st, "PX-CEA-2025-2026", types)
    assert px.entries == [] and "assets.compliance.ETS-2025.value" in {f.where for f in px.figures}
    assert not record_results(res, st, "MI-BJ1-BS-1", types)
    # the site's one walk for every record finds for each what the walk for that record finds
    from cms_build.record_results import results_index

    index = results_index(res, st, example_result.index.by_id, types)
    for rid in ("AD-2025-BJ2-GAS", "RI-2025", "NCL-HQ-2025", "CF-HQ-2025", "SRC-BJ2-GAS", "PX-CEA-2025-2026"):
        one = record_results(res, st, rid, types)
        assert ([e.where for e in index[rid].entries], [f.where for f in index[rid].figures]) == (
            [e.where for e in one.entries],
            [f.where for f in one.figures],
        ), rid
