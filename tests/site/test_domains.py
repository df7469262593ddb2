"""Domain pages: emissions drill-down, Annex E, charts; trading and assets; neutrality claims."""

from __future__ import annotations

import html
import re

import pytest

from cms_build.engine import run
from cms_build.site.build import BuildError
from cms_build.site.charts import line_chart
from tests.conftest import EXAMPLE

from .conftest import AS_OF, build, mini_org


def text(site, rel: str) -> str:
    return html.unescape((site / rel).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def example_result():
    return run(EXAMPLE, AS_OF)


def test_emissions_drill_down_from_year_to_record_and_back(example_sites, example_result):
    site = example_sites["internal"]
    years = example_result.results["emissions"]["years"]
    year = sorted(years)[-1]
    inv = years[year]
    record_id = sorted(inv["entries"])[0]
    entry = inv["entries"][record_id]
    index = (site / "emissions/index.html").read_text(encoding="utf-8")
    assert f'href="{year}.html"' in index  # the inventory table links each year
    page = (site / f"emissions/{year}.html").read_text(encoding="utf-8")
    anchor = "entry-" + record_id.replace("_", "_5f").replace(".", "_2e")
    assert f'id="{anchor}"' in page  # each activity record's trace has its anchor ...
    assert f'href="#{anchor}"' in page  # ... linked from the by-source table
    visible = html.unescape(page)
    assert entry["total"]["formula"] in visible
    # the record page links to its calculation
    kind = example_result.index.by_id[record_id].kind
    record_page = (site / f"records/{kind}/{record_id}.html").read_text(encoding="utf-8")
    assert f'href="../../emissions/{year}.html#{anchor}"' in record_page
    # an input computed in a step links to that step
    assert re.search(r'href="#e-entry-[^"]+-1-1"', page) or "→" not in visible


def test_emissions_totals_match_the_results(example_sites, example_result):
    from cms_build.site.escape import fmt_number

    index = text(example_sites["internal"], "emissions/index.html")
    for year, inv in example_result.results["emissions"]["years"].items():
        assert f"{fmt_number(inv['total']['value'])} tCO2e" in index, year


def test_emissions_year_page_shows_both_boundaries(example_sites, example_result):
    """2025: the full inventory 5,945,832.04 and the ETS boundary 5,933,588.98; the difference
    12,243.07 is SRC-BJ1-FGD (desulfurization), the one source outside the boundary of a power
    generation facility; every other source has the same figure in both columns."""
    page = text(example_sites["internal"], "emissions/2025.html")
    section = page[page.index('id="ets-boundary"') :]
    section = html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", section[: section.index('id="traces"')])))
    ets = example_result.results["emissions"]["years"]["2025"]["ets"]
    assert "5,945,832.04 tCO2e 5,933,588.98 tCO2e 12,243.07 tCO2e" in section  # Σ row: inventory, ETS, difference
    assert ets["total"]["value"] == pytest.approx(5_933_588.98, abs=0.005)
    # why, in the site's language (site/strings.yaml ets_why), not the computation's English
    assert re.search(r"SRC-BJ1-FGD 脱硫过程 否 · 脱硫过程：不属于发电设施核算边界 12,243.07 tCO2e 0.00 tCO2e 12,243.07 tCO2e", section)
    assert "SRC-BJ2-ELEC 净购入电力 是 · 净购入电力：属于发电设施核算边界" in section
    assert "power generation facility" not in section[: section.index("Σ")]  # the table's rows (the traces' notes are English)
    assert "SRC-BJ2-ELEC 净购入电力 是" in section and "2,501.34 tCO2e 2,501.34 tCO2e 0.00 tCO2e" in section
    assert "ΔE = E_inventory − E_ETS" in section  # the difference's trace


def test_a_sources_record_page_says_why_it_is_in_the_ets_in_words(example_sites):
    """The record page's table of what was computed from SRC-BJ1-FGD (desulfurization, outside the
    boundary of a power generation facility, A.9.1 a) names the reason and its keys in the site's
    words (site/strings.yaml result_values, result_keys), not the result's codes."""
    page = text(example_sites["internal"], "records/emission_source/SRC-BJ1-FGD.html")
    page = html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))
    body = page[page.index("由本记录计算的结果 ¶") :]  # the section, not the table of contents
    section = body[body.index("2025 › ets › 按排放源 › SRC-BJ1-FGD") :][:600]
    assert "在全国碳市场边界内 否" in section and "判定依据 所属类别不在发电设施核算边界内 判定所依类别 脱硫过程" in section
    assert "category_outside" not in page and "reason_category" not in page and "in_ets" not in page


def test_charts_are_static_svg_images(example_sites):
    site = example_sites["internal"]
    index = (site / "emissions/index.html").read_text(encoding="utf-8")
    charts = re.findall(r'<img[^>]+src="\.\./(charts/[^"]+\.svg)"', index)
    assert charts, "the emissions page shows charts"
    for chart in charts:
        svg = (site / chart).read_text(encoding="utf-8")
        assert svg.startswith("<?xml") and "<script" not in svg and "<dc:date>" not in svg


def test_chart_is_reproducible_and_its_labels_are_text():
    args = ("排放 $x$ <script>", "tCO2e", [("总量 $", {2023: 5.8e6, 2024: 6.0e6})])
    kwargs = {"hlines": [("基准 <b>", 5.9e6)], "points": [("目标", 2026, 5.7e6)]}
    first, second = line_chart(*args, **kwargs), line_chart(*args, **kwargs)
    assert first == second  # no date, fixed ids: the same bytes
    assert "&lt;script&gt;" in first and "<script" not in first  # mathtext is off, text is escaped
    assert "5,800,000" in first or "5,900,000" in first  # thousands, not 5.8e+06
    assert line_chart("空", "t", [("无数据", {})]) is None


def test_a_chart_is_drawn_once_per_data_and_read_back_byte_for_byte(tmp_path, monkeypatch):
    """Issue 19 win 5: with caching on (cms build without --no-cache) a chart whose arguments,
    code, matplotlib and fonts are unchanged is read from the user's cache folder, not drawn."""
    from cms_build.site import charts

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    args = ("排放 <b>", "tCO2e", [("总量", {2023: 5.8e6, 2024: 6.0e6})])
    drawn = line_chart(*args, hlines=[("基准", 5.9e6)])  # without caching: drawn, nothing kept
    assert not (tmp_path / "xdg").exists()
    with charts.caching():
        first = line_chart(*args, hlines=[("基准", 5.9e6)])
        [kept] = list((tmp_path / "xdg" / "cms-as-code" / "charts").rglob("*.svg"))
        calls = []
        monkeypatch.setattr(charts, "_draw", lambda *a: calls.append(a) or "redrawn")
        again = line_chart(*args, hlines=[("基准", 5.9e6)])
        changed = line_chart(*args, hlines=[("基准", 5.95e6)])  # other data: drawn
    assert drawn == first == again == kept.read_text(encoding="utf-8")  # the same bytes either way
    assert calls and changed == "redrawn" and len(calls) == 1


def test_annex_e_tables(example_sites):
    page = text(example_sites["internal"], "emissions/annex-e.html")
    for table in ("E.1", "E.2", "E.3"):
        assert table in page


def test_trading_and_assets_page(example_sites, example_result):
    page = text(example_sites["internal"], "trading/index.html")
    assets = example_result.results["assets"]
    for cid in assets["compliance"]:
        assert cid in page
    for year in assets["balance_sheets"]:
        assert "表 G.1" in page and f"碳资产负债表 {year}" in page
    # the surveillance tables speak Chinese and point at the CSV rows, not at JSON
    assert "申报笔数" in page and "撤单笔数" in page and '"csv"' not in page and "{&quot;" not in page
    assert "trading/data/orders-2025.csv:3" in page


def test_example_pages_need_no_fallback(tmp_path):
    report = build(EXAMPLE, tmp_path / "site")
    assert report.warnings == []


# -- neutrality claims: the status is shown first and loudly, never as valid when it is not --
def traced(value, unit: str = "tCO2e") -> dict:
    return {"value": value, "unit": unit, "label": "E", "formula": "E", "method": "", "inputs": [], "steps": [], "notes": []}


def claim(cid: str, status: str, reason: str, grade="Silver") -> dict:
    """A claim result of the neutrality computation's type (checks/neutrality/results.py)."""
    return {
        "record": cid,
        "subject": "SCOPE-1",
        "footprint": None,
        "period": {"start": "2024-01-01", "end": "2024-12-31"},
        "achieved_on": "2025-02-20",
        "valid_from": "2025-03-01",
        "valid_until": "2026-02-28",
        "max_last_valid_day": "2026-02-28",
        "balance": {"emissions": traced(100.0), "reductions": traced(0.0), "to_offset": traced(100.0), "retired": traced(100.0), "surplus": traced(0.0)},
        "covered": True,
        "reduction_share": traced(0.0, ""),
        "reduction_efficiency": None,  # D.6.2 b: the claim states no output
        "grade": {"grade": grade, "reason": "vintage 2021 (D.8.2.6)", "credits": []},
        "offset_kinds": [],
        "status": {"status": status, "reason": reason, "last_valid_day": "2026-02-28", "deadline": None, "days_left": None, "withdraw_from": None},
        "events": [],
        "retirements": [],
        "superseded_by": None,
    }


def neutrality_result(claims: dict) -> dict:
    settings = {
        "claim_max_validity_years": 1,
        "correction_window_months": 6,
        "silver_vintage_years": 5,
        "graded_standards": ["CCER"],
        "max_offset_kinds": 2,
        "offset_kind_basis": "project_type",
        "expiring_soon_days": 60,
        "declared_tolerance_tco2e": 0.5,
        "reduction_evaluation_months": 12,
        "review_interval_months": 12,
    }
    return {"as_of": AS_OF.isoformat(), "settings": settings, "footprints": {}, "claims": claims, "serial_uses": []}


@pytest.fixture
def claims_site(org, tmp_path):
    root = mini_org(org)
    result = run(root, AS_OF)
    result.results["neutrality"] = neutrality_result(
        {
            "POL-1": claim("POL-1", "expired", "valid until 2026-02-28"),
            "ORG-1": claim("ORG-1", "withdrawn", "no correction by 2025-08-31"),
            "SCOPE-1": claim("SCOPE-1", "valid", "valid 2026-03-01 to 2027-02-28"),
        }
    )
    return build(root, tmp_path / "site", result=result)


def test_expired_and_withdrawn_claims_are_shown_as_such(claims_site):
    page = (claims_site.out / "neutrality/index.html").read_text(encoding="utf-8")
    # each claim on its own page (issue 17 item 7), opening with its status banner
    for rid, banner in (
        ("POL-1", ("expired", "已过期 — valid until 2026-02-28")),
        ("ORG-1", ("withdrawn", "已撤销 — no correction by 2025-08-31")),
        ("SCOPE-1", ("valid", "有效 — valid 2026-03-01 to 2027-02-28")),
    ):
        own = (claims_site.out / f"neutrality/{rid}.html").read_text(encoding="utf-8")
        assert re.findall(r'<div class="cms-claim-banner cms-claim-(\w+)">([^<]+)', own) == [banner]
    assert "cms-claim-banner" not in page  # the overview lists them; the details are on their pages
    # in the overview's claims table, each status has its own badge; expired/withdrawn never read
    # "valid"; each row links to the claim's page
    rows = re.findall(r"<tr>(.*?)</tr>", page, flags=re.S)
    for rid, word in (("POL-1", "已过期"), ("ORG-1", "已撤销"), ("SCOPE-1", "有效")):
        row = next(r for r in rows if f'href="{rid}.html#claim-{rid}"' in r)
        assert word in row and (word == "有效" or "有效" not in row)
    home = (claims_site.out / "index.html").read_text(encoding="utf-8")
    assert "cms-claim-" in home  # the home page shows the current claim with its status


def test_a_domain_page_that_fails_stops_the_build(org, tmp_path):
    # results are typed at their computation (checks/<domain>/results.py), so a page failing on
    # them is a bug: the build stops and names the page, no generic layout hides it
    root = mini_org(org)
    result = run(root, AS_OF)
    result.results["neutrality"] = neutrality_result({"POL-1": {**claim("POL-1", "valid", ""), "status": "a text"}})
    # (the neutrality page reads it as its typed model: a status that is not an object fails there)
    with pytest.raises(BuildError, match=r"the neutrality page \(checks/neutrality/pages.py:\d+\) could not be written: "):
        build(root, tmp_path / "site", result=result)
    assert not (tmp_path / "site").exists()  # nothing half-written


def test_domains_without_results_still_have_working_pages(org, tmp_path):
    root = mini_org(org)  # adopts A only, records no activity data
    site = build(root, tmp_path / "site").out
    assert "暂无计算结果" in text(site, "emissions/index.html")
    assert "本组织未采用该分体系" in text(site, "trading/index.html")
    assert "本组织未采用该分体系" in text(site, "neutrality/index.html")


# -- conduct surveillance of B.8.2.2.1 a-l: a page per ledger and year, and cms export -----------
def wash_org(org):
    from tests.checks.trading_support import account, ledger, trade, trading_org

    trading_org(org)
    org.add("trading/TRD2.yaml", account(org, "TRD2", "trading", "T-002", exchange="SEEE"))
    org.add(
        "trading/data/t.csv",
        "trade_id,time,market,product,vintage,side,quantity,price,trade_type\nB1,2025-09-16T10:00:00+08:00,national_ets,CEA,2025,buy,50000,50.00,listed\n",
    )
    org.add("trading/TL.yaml", ledger(org, trades_file="data/t.csv"))
    org.add(
        "trading/TL2.yaml",
        org.record(
            "trade_ledger",
            "TL2",
            account="TRD2",
            period={"start": "2025-01-01", "end": "2025-12-31"},
            trades=[trade("S1", "sell", 50_000, 50.0, "2025-09-16T10:00:00+08:00")],
        ),
    )
    return org


def test_surveillance_page_per_ledger_and_year(org, tmp_path):
    wash_org(org)
    site = build(org.root, tmp_path / "site").out
    index = text(site, "trading/index.html")
    assert 'href="surveillance-TL-2025.html"' in index and 'href="surveillance-TL2-2025.html"' in index
    page = text(site, "trading/surveillance-TL-2025.html")
    # item a: its rules, parameters and data, and the hit linked to the ledger and its CSV row
    assert "trading.wash-trade" in page and "wash_window_seconds = 60" in page and "trades_with_time: 2" in page
    assert "buy B1 (TRD) and sell S1 (TRD2) of 50000 t" in page
    # the hit is at S1 (TL2, inline) and rests on B1 (TL, a CSV row): both are linked with their line
    assert (
        '<a href="../records/trade_ledger/TL2.html">TL2</a> trades[0] · <a href="../sources/trade_ledger/TL2.html#L19">trading/TL2.yaml:19</a>'
    ) in page  # one click to the line
    assert ('<a href="../records/trade_ledger/TL.html">TL</a> <a href="../tables/TL/1.html#L2">trading/data/t.csv:2</a>') in page  # the row of the table page
    # item l cannot be checked without organization-defined patterns: it says so
    assert "未能检查" in page and "no organization-defined pattern in trading.conduct_patterns" in page
    # g has no records of its own kind: not passed as clean
    assert "已检查台账，无自有记录" in page and "record its own statements as market_statement" in page


def test_surveillance_in_cms_export(org):
    from cms_build.export import export_document

    wash_org(org)
    doc = export_document(org.run("2025-12-31"), "internal")
    item = doc["results"]["surveillance"]["by_ledger_year"]["TL2"]["2025"]["a"]
    assert item["checked"] is True and item["parameters"]["wash_window_seconds"] == 60
    [hit] = item["hits"]
    assert hit["rule"] == "trading.wash-trade" and hit["ids"] == ["B1", "S1"] and hit["ledgers"] == ["TL", "TL2"]
    assert doc["results"]["surveillance"]["by_ledger_year"]["TL"]["2025"]["a"]["hits"] == [hit]
    assert doc["results"]["surveillance"]["by_ledger_year"]["TL"]["2025"]["l"]["checked"] is False
    # the public export names no internal ledger and no price
    public = export_document(org.run("2025-12-31"), "public")
    shown = str((public["results"].get("surveillance") or {}).get("by_ledger_year", {}))
    assert "TL2" not in shown and "50.0" not in shown


def test_every_source_category_has_a_name_in_both_languages():
    """The emissions pages name a source's category from site/strings.yaml (category_names): a
    category the schema allows with no name there showed as its key (`fugitive`)."""
    import json

    import yaml

    from tests.conftest import REPO as ROOT

    schema = json.loads((ROOT / "schemas" / "emission_source.schema.json").read_text(encoding="utf-8"))
    categories = set(schema["properties"]["category"]["enum"])
    strings = yaml.safe_load((ROOT / "site" / "strings.yaml").read_text(encoding="utf-8"))
    for lang in ("zh", "en"):
        assert categories <= set(strings[lang]["category_names"]), lang
