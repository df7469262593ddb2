"""Groups (cms_build/group.py): consolidation approaches, the intra-group elimination, the group
rules, the consume path and a real run of the shipped example as an entity. Figures by hand."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from cms_build import __version__
from cms_build import group as grp
from cms_build.results import dump

REPO = Path(__file__).resolve().parents[2]


ITEMS = {"verified": 0, "documented": 0, "nonconforming": 0, "reviewer": 0, "missing": 0}


def clause(number, status):
    """A clause of an export's matrix, every key 'cms export' writes (export_schema: MatrixClause)."""
    return {
        "number": number,
        "title_zh": "条款",
        "title_en": "Clause",
        "obligation": "requirement",
        "subsystem": "common",
        "parent": None,
        "status": status,
        "evidence": [],
        "findings": [],
        "checks": [],
        "provisions": [],
        "item_counts": dict(ITEMS),
    }


def record(rid, kind, data=None):
    """A record's envelope in an export, every key 'cms export' writes (export_schema: ExportRecord)."""
    return {"id": rid, "kind": kind, "file": f"{kind}/{rid}.yaml", "title": rid, "status": None, "confidentiality": None, "valid": True, "data": data or {}}


def finding(rule, severity, message, file):
    """A finding in an export, every key 'cms export' writes (export_schema: ExportFinding)."""
    return {
        "rule": rule,
        "severity": severity,
        "message": message,
        "file": file,
        "line": 1,
        "col": 1,
        "clauses": [],
        "record": None,
        "path": "",
        "hint": "",
        "title": rule,
    }


def export(name, total, by_category, entries=None, records=(), compliance=None, sheets=None, year="2025"):
    """An internal export document as 'cms export' writes one: its envelope whole (the group
    validates records, findings, counts and matrix by the export's models, as a real export
    always has them), its results only the keys the consolidation reads (each domain's digest
    reads them; a real export's results are the larger shapes of checks/<domain>/results.py)."""
    counts = {"conforming": 1, "documented": 0, "nonconforming": 0, "no_evidence": 0, "not_applicable": 0, "informative": 0}
    return {
        "generator": {"name": "cms", "version": __version__},
        "as_of": "2026-06-30",
        "profile": "internal",
        "organization": {"name": name},
        "records": [record(i, k) for i, k in records],
        "findings": [],
        "summary": {"error": 0, "warning": 0, "info": 0},
        "matrix": {
            "as_of": "2026-06-30",
            "subsystems": ["A"],
            "exclusions": [],
            "summary": counts,
            "item_summary": {"shall": dict(ITEMS), "all": dict(ITEMS)},
            "clauses": [clause("4.3", "conforming")],
        },
        "results": {
            "emissions": {
                "years": {year: {"total": {"value": total}, "by_category": {c: {"value": v} for c, v in by_category.items()}, "entries": entries or {}}}
            },
            "assets": {"compliance": compliance or {}, "balance_sheets": sheets or {}},
        },
    }


BASE = [("SCOPE-1", "scope"), ("POL-1", "policy")]
NO_BOUNDARY = "the group names no scope record of its boundary"


def without_boundary_warning(findings):
    """These groups name no boundary record on purpose (group.boundary has its own tests below)."""
    assert [f for f in findings if f.rule == "group.boundary"][0].message.startswith(NO_BOUNDARY)
    return [f for f in findings if not f.message.startswith(NO_BOUNDARY)]


def write_group(tmp, entities, transfers=(), exports=None):
    lines = ["organization: {name: 集团, profile: ORG-G}", "subsystems: [A]", "group:", "  entities:"]
    for e in entities:
        lines.append("    - " + json.dumps(e, ensure_ascii=False))
    if transfers:
        lines.append("  transfers:")
        lines.extend("    - " + json.dumps(t) for t in transfers)
    (tmp / "cms.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp / "exports"
    out.mkdir()
    for eid, doc in (exports or {}).items():
        (out / f"{eid}.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return out


def test_each_approach_counts_its_share(tmp_path):
    exports = {
        "A": export("A", 1000.0, {"fuel_combustion": 1000.0}, records=BASE),
        "B": export("B", 400.0, {"fuel_combustion": 400.0}, records=BASE),
        "C": export("C", 250.0, {"process": 250.0}, records=BASE),
    }
    folder = write_group(
        tmp_path,
        [
            {"id": "A", "name": "a", "path": "a", "share": 0.6, "approach": "equity_share"},
            {"id": "B", "name": "b", "path": "b", "share": 0.3, "operational_control": False, "approach": "operational_control"},
            {"id": "C", "name": "c", "path": "c", "share": 0.2, "financial_control": True, "approach": "financial_control"},
        ],
        exports=exports,
    )
    g = grp.consume_exports(tmp_path, folder)
    e = dump(g.consolidation)["emissions"]["2025"]
    # A: equity 0.6 × 1000 = 600; B: no operational control -> 0 % of 400 = 0; C: financial control -> 100 % of 250
    assert e["by_entity"]["A"]["value"] == pytest.approx(600.0)
    assert e["by_entity"]["B"]["value"] == 0.0
    assert e["by_entity"]["C"]["value"] == pytest.approx(250.0)
    assert e["total"]["value"] == pytest.approx(850.0)  # 600 + 0 + 250
    assert e["by_category"]["fuel_combustion"]["value"]["value"] == pytest.approx(600.0)  # 600 + 0
    assert e["by_category"]["fuel_combustion"]["by_entity"]["A"]["value"] == pytest.approx(600.0)  # 0.6 × 1000
    assert {i["symbol"]: i["source"] for i in e["by_category"]["fuel_combustion"]["by_entity"]["A"]["inputs"]} == {
        "f": {"entity": "A", "setting": "group.entities"},
        "E_c": {"entity": "A", "result": "emissions.years.2025.by_category.fuel_combustion"},
    }
    assert [f.rule for f in without_boundary_warning(g.findings)] == []


def test_intra_group_electricity_is_eliminated_with_a_trace(tmp_path):
    entry = {"category": "purchased_electricity", "activity": {"value": 200.0, "unit": "MWh"}, "total": {"value": 114.0}}
    exports = {
        "GEN": export("gen", 5000.0, {"fuel_combustion": 5000.0}, records=BASE + [("PO-1", "product_output")]),
        "HQ": export("hq", 114.0, {"purchased_electricity": 114.0}, entries={"AD-E": entry}, records=BASE + [("AD-E", "activity_data")]),
    }
    folder = write_group(
        tmp_path,
        [{"id": "GEN", "name": "g", "path": "g"}, {"id": "HQ", "name": "h", "path": "h"}],
        transfers=[{"seller": "GEN", "buyer": "HQ", "energy": "electricity", "year": 2025, "quantity": 100, "seller_record": "PO-1", "buyer_record": "AD-E"}],
        exports=exports,
    )
    g = grp.consume_exports(tmp_path, folder)
    e = dump(g.consolidation)["emissions"]["2025"]
    # EF of the buyer = 114 / 200 = 0.57 t/MWh; removed = 1 × 100 × 0.57 = 57 t
    (elim,) = e["eliminations"]
    assert elim["value"] == pytest.approx(-57.0)
    assert {i["symbol"]: i["value"] for i in elim["inputs"]} == pytest.approx({"f": 1.0, "Q": 100, "EF": 0.57})
    assert "twice" in elim["notes"][0]
    assert e["gross"] == pytest.approx(5114.0)  # 5000 + 114
    assert e["total"]["value"] == pytest.approx(5057.0)  # 5114 - 57
    assert e["by_category"]["purchased_electricity"]["value"]["value"] == pytest.approx(57.0)  # 114 - 57
    hq = e["by_category"]["purchased_electricity"]["by_entity"]["HQ"]
    assert hq["formula"] == "E_g,c = f × E_c + Σ ΔE" and hq["steps"] == [elim]  # 1 × 114 − 57
    assert without_boundary_warning(g.findings) == []


def test_elimination_follows_the_buyers_share(tmp_path):
    entry = {"category": "purchased_electricity", "activity": {"value": 200.0, "unit": "MWh"}, "total": {"value": 114.0}}
    exports = {
        "GEN": export("gen", 5000.0, {}, records=BASE + [("PO-1", "product_output")]),
        "HQ": export("hq", 114.0, {"purchased_electricity": 114.0}, entries={"AD-E": entry}, records=BASE + [("AD-E", "activity_data")]),
    }
    folder = write_group(
        tmp_path,
        [
            {"id": "GEN", "name": "g", "path": "g", "share": 0.5, "approach": "equity_share"},
            {"id": "HQ", "name": "h", "path": "h", "share": 0.5, "approach": "equity_share"},
        ],
        transfers=[{"seller": "GEN", "buyer": "HQ", "energy": "electricity", "year": 2025, "quantity": 100, "seller_record": "PO-1", "buyer_record": "AD-E"}],
        exports=exports,
    )
    e = dump(grp.consume_exports(tmp_path, folder).consolidation)["emissions"]["2025"]
    # 0.5 × 5000 + 0.5 × 114 = 2557; removed 0.5 × 100 × 0.57 = 28.5; total 2528.5
    assert e["total"]["value"] == pytest.approx(2528.5)


def test_a_sale_the_buyer_does_not_record_is_a_finding_and_nothing_is_eliminated(tmp_path):
    exports = {"GEN": export("gen", 5000.0, {}, records=BASE), "HQ": export("hq", 0.0, {}, records=BASE)}
    folder = write_group(
        tmp_path,
        [{"id": "GEN", "name": "g", "path": "g"}, {"id": "HQ", "name": "h", "path": "h"}],
        transfers=[{"seller": "GEN", "buyer": "HQ", "energy": "electricity", "year": 2025, "quantity": 100, "seller_record": "PO-X", "buyer_record": "AD-E"}],
        exports=exports,
    )
    g = grp.consume_exports(tmp_path, folder)
    msgs = [f.message for f in g.findings if f.rule == "group.transfer"]
    assert any("does not hold" in m for m in msgs) and any("records no purchase" in m for m in msgs)
    assert all(f.file == "cms.yaml" and f.line > 1 for f in without_boundary_warning(g.findings))
    assert dump(g.consolidation)["emissions"]["2025"]["eliminations"] == []


def test_entity_without_its_system_in_place(tmp_path):
    doc = export("a", 1.0, {}, records=[("SCOPE-1", "scope")])
    doc["matrix"]["clauses"].append(clause("9.2", "nonconforming"))
    folder = write_group(tmp_path, [{"id": "A", "name": "a", "path": "a"}], exports={"A": doc})
    msgs = [f.message for f in grp.consume_exports(tmp_path, folder).findings if f.rule == "group.entity-system"]
    assert any("9.2" in m for m in msgs) and any("no policy record" in m for m in msgs)


def test_an_entity_with_starter_drafts_has_no_system_in_place(tmp_path):
    doc = export("a", 1.0, {}, records=BASE)
    doc["findings"] = [finding("todo.starter", "info", "starter", "risks/RR-001.yaml")]
    folder = write_group(tmp_path, [{"id": "A", "name": "a", "path": "a"}], exports={"A": doc})
    found = [f for f in grp.consume_exports(tmp_path, folder).findings if f.rule == "group.entity-system"]
    assert len(found) == 1 and found[0].severity == "error" and "1 starter draft(s)" in found[0].message


def test_a_purchase_in_another_unit_is_not_eliminated(tmp_path):
    entry = {"category": "purchased_heat", "activity": {"value": 200.0, "unit": "MWh"}, "total": {"value": 20.0}}
    exports = {
        "GEN": export("gen", 5000.0, {}, records=BASE + [("PO-1", "product_output")]),
        "HQ": export("hq", 20.0, {"purchased_heat": 20.0}, entries={"AD-H": entry}, records=BASE + [("AD-H", "activity_data")]),
    }
    folder = write_group(
        tmp_path,
        [{"id": "GEN", "name": "g", "path": "g"}, {"id": "HQ", "name": "h", "path": "h"}],
        transfers=[{"seller": "GEN", "buyer": "HQ", "energy": "heat", "year": 2025, "quantity": 100, "seller_record": "PO-1", "buyer_record": "AD-H"}],
        exports=exports,
    )
    g = grp.consume_exports(tmp_path, folder)
    assert any("in MWh, the sale's quantity is in GJ" in f.message for f in g.findings if f.rule == "group.transfer")
    assert dump(g.consolidation)["emissions"]["2025"]["eliminations"] == []
    assert dump(g.consolidation)["emissions"]["2025"]["total"]["value"] == pytest.approx(5020.0)  # 5000 + 20, nothing removed


def _ets_group(tmp_path):
    """A 40 % (A) and a 60 % (B) entity by equity share. ETS: A owes 1 000 t and surrendered
    850 allowances + 50 CCER (open), B owes 500 t and surrendered 500 (met). Balance sheets of
    2025: A positive 200 (one line) and negative 50, B positive 100 and none negative."""
    comp_a = {"ETS-1": {"due": {"value": 1000}, "allowances_surrendered": 850, "ccer_surrendered": 50, "computed_status": "open"}}
    comp_b = {"ETS-2": {"due": {"value": 500}, "allowances_surrendered": 500, "ccer_surrendered": 0, "computed_status": "met"}}
    sheet_a = {
        "2025": {
            "total_positive": {"value": 200.0},
            "total_negative": {"value": 50.0},
            "positive": [{"category": "surplus_allowances", "value": {"value": 200.0}}],
            "negative": [],
        }
    }
    sheet_b = {"2025": {"total_positive": {"value": 100.0}, "total_negative": {"value": 0.0}, "positive": [], "negative": []}}
    exports = {
        "A": export("a", 1.0, {}, records=BASE + [("ETS-1", "ets_compliance")], compliance=comp_a, sheets=sheet_a),
        "B": export("b", 1.0, {}, records=BASE + [("ETS-2", "ets_compliance")], compliance=comp_b, sheets=sheet_b),
    }
    entities = [
        {"id": "A", "name": "a", "path": "a", "share": 0.4, "approach": "equity_share"},
        {"id": "B", "name": "b", "path": "b", "share": 0.6, "approach": "equity_share"},
    ]
    folder = write_group(tmp_path, entities, exports=exports)
    return grp.consume_exports(tmp_path, folder)


def test_ets_and_assets_consolidated(tmp_path):
    c = dump(_ets_group(tmp_path).consolidation)
    ets = c["ets"]
    # ETS at 100 %, never by share (C.8.1.1): due 1 000 + 500, surrendered (850 + 50) + 500
    assert (ets["group"]["due"]["value"], ets["group"]["surrendered"]["value"]) == (1500, 1400)
    assert ets["group"]["due"]["formula"] == "D = Σ D_g" and [s["value"] for s in ets["group"]["due"]["steps"]] == [1000, 500]
    assert ets["group"]["open"] == {"A": [{"obligation": "ETS-1", "source": {"entity": "A", "record": "ETS-1"}}]}
    [row] = ets["by_entity"]["A"]
    assert row["surrendered"]["value"] == 900 and row["surrendered"]["formula"] == "S = S_A + S_CCER"
    assert [i["source"] for i in row["surrendered"]["inputs"]] == [
        {"entity": "A", "record": "ETS-1", "result": "assets.compliance.ETS-1.allowances_surrendered"},
        {"entity": "A", "record": "ETS-1", "result": "assets.compliance.ETS-1.ccer_surrendered"},
    ]
    assert row["source"] == {"entity": "A", "record": "ETS-1"} and row["status"] == "open"
    a = c["assets"]["2025"]
    # each entity by its share: A 0.4 × (200, 50) = (80, 20), B 0.6 × (100, 0) = (60, 0)
    assert (a["by_entity"]["A"]["positive"]["value"], a["by_entity"]["A"]["negative"]["value"], a["by_entity"]["A"]["net"]["value"]) == pytest.approx(
        (80.0, 20.0, 60.0)
    )
    assert a["by_entity"]["A"]["positive"]["inputs"][1]["source"] == {"entity": "A", "result": "assets.balance_sheets.2025.total_positive"}
    [line] = a["by_entity"]["A"]["lines"]
    assert line["value"]["value"] == pytest.approx(80.0) and line["value"]["inputs"][1]["source"]["result"] == "assets.balance_sheets.2025.positive.0.value"
    assert (a["positive"]["value"], a["negative"]["value"], a["net"]["value"]) == pytest.approx((140.0, 20.0, 120.0))


def test_a_broken_export_is_a_clear_error(tmp_path):
    folder = write_group(tmp_path, [{"id": "A", "name": "a", "path": "a"}])
    (folder / "A.json").write_text('{"as_of": "2026-06-30", "profile": "internal"}')
    with pytest.raises(grp.GroupError, match="A.json: key 'organization' missing"):
        grp.consume_exports(tmp_path, folder)
    (folder / "A.json").write_text("{not json")
    with pytest.raises(grp.GroupError, match="not JSON"):
        grp.consume_exports(tmp_path, folder)


# -- an entity's export is untrusted input (CONTRIBUTING: Trust) -------------------------------
def _hostile(tmp_path, change):
    """The group of one entity A whose export is changed by `change`; the GroupError's text."""
    doc = export("a", 1.0, {"fuel_combustion": 1.0}, records=BASE + [("ORG-A", "organization")])
    change(doc)
    folder = write_group(tmp_path, [{"id": "A", "name": "a", "path": "a"}], exports={"A": doc})
    with pytest.raises(grp.GroupError) as exc:
        grp.consume_exports(tmp_path, folder)
    return str(exc.value)


@pytest.mark.parametrize(
    "change, where",
    [
        (lambda d: d["matrix"]["clauses"][0].pop("number"), "matrix.clauses[0].number: Field required"),
        (
            lambda d: d["findings"].append({k: v for k, v in finding("x", "error", "m", "f.yaml").items() if k != "severity"}),
            "findings[0].severity: Field required",
        ),
        (lambda d: d["findings"].append(finding("x", "fatal", "m", "f.yaml")), "findings[0].severity: Input should be 'error', 'warning' or 'info'"),
        (lambda d: d["summary"].update(error="0"), "summary.error: Input should be a valid integer"),
        (lambda d: d["summary"].update(error=float("inf")), "summary.error: Input should be a valid integer"),
        (lambda d: d["records"][0].update(id=["SCOPE-1"]), "records[0].id: Input should be a valid string"),
        (lambda d: d["results"]["emissions"]["years"]["2025"]["total"].update(value="1e9"), "results.emissions.years.2025.total.value"),
        (lambda d: d["results"]["emissions"].update(years=[1]), "results.emissions.years: Input should be a valid dictionary"),
        (
            lambda d: d["results"]["assets"]["compliance"].update({"ETS-1": {"allowances_surrendered": True}}),
            "results.assets.compliance.ETS-1.allowances_surrendered",
        ),
        (lambda d: d.update(statuses={"SCOPE-1": {"status": 3}}), "statuses.SCOPE-1.status: Input should be a valid string"),
        (lambda d: d["organization"].update(profile=["ORG-A"]), "organization.profile: Input should be a valid string"),
        (lambda d: d["records"][2].update(data={"uscc": {"a": 1}}), "records[2].data.uscc: Input should be a valid string"),
    ],
)
def test_a_malformed_export_is_a_located_error(tmp_path, change, where):
    # what the group rules and the consolidation would have read as the wrong type (a KeyError,
    # a TypeError, a clause of no number): the file, the JSON path and how to write it again
    message = _hostile(tmp_path, change)
    assert message.startswith(f"{tmp_path / 'exports' / 'A.json'}: not an export of the shape of schemas/export/export.schema.json: "), message
    assert where in message, message
    assert "hint: write it again with 'cms export" in message and "written by" not in message  # the same version of cms


def test_an_export_of_another_version_says_so(tmp_path):
    def older(d):
        d["generator"]["version"] = "0.0.1"
        d["matrix"]["clauses"][0].pop("obligation")

    message = _hostile(tmp_path, older)
    assert "matrix.clauses[0].obligation: Field required" in message
    assert f"(written by cms '0.0.1', this is cms {__version__}: run the entity's job with the same version)" in message


def test_an_export_naming_no_version_says_so(tmp_path):
    message = _hostile(tmp_path, lambda d: (d.pop("generator"), d.pop("records")))
    assert "A.json: key 'records' missing or not a list" in message
    assert f"(the export names no cms version (generator.version); this is cms {__version__})" in message


def test_a_huge_or_deep_export_is_an_error_not_a_crash(tmp_path):
    folder = write_group(tmp_path, [{"id": "A", "name": "a", "path": "a"}])
    (folder / "A.json").write_text('{"as_of": ' + "9" * 5000 + "}")  # more digits than Python reads as an int
    with pytest.raises(grp.GroupError, match="A.json: not JSON"):
        grp.consume_exports(tmp_path, folder)
    (folder / "A.json").write_text("[" * 100_000 + "]" * 100_000)  # deeper than the parser recurses
    with pytest.raises(grp.GroupError, match="A.json: not JSON"):
        grp.consume_exports(tmp_path, folder)
    (folder / "A.json").write_text("{}")
    with pytest.raises(grp.GroupError, match="larger than 1 bytes"):
        grp.read_export(folder / "A.json", max_bytes=1)


def test_a_consolidation_of_the_wrong_shape_fails_where_it_is_made(tmp_path):
    # the consolidation's model (cms_build/group_model.py and the domains' sections) is checked
    # in consolidate: a section of another shape is a located GroupError, not a broken site later
    emissions = next(c for c in grp.consolidating() if "emissions" in c.consolidation.models)
    real = emissions.consolidation.sections

    def wrong(g):
        out = real(g)
        out["emissions"]["2025"]["gross"] = "5114"  # a number as text
        return out

    object.__setattr__(emissions.consolidation, "sections", wrong)  # api.Consolidation is frozen
    try:
        folder = write_group(tmp_path, [{"id": "A", "name": "a", "path": "a"}], exports={"A": export("a", 5114.0, {}, records=BASE)})
        with pytest.raises(grp.GroupError) as exc:
            grp.consume_exports(tmp_path, folder)
        # a number is an int or a float (results.Number): pydantic names the branch it tried
        assert (
            "consolidation.emissions.2025.gross.int: Input should be a valid integer; consolidation.emissions.2025.gross.float: Input should be a valid number"
            in str(exc.value)
        )
    finally:
        object.__setattr__(emissions.consolidation, "sections", real)
    assert dump(grp.consume_exports(tmp_path, folder).consolidation)["emissions"]["2025"]["gross"] == 5114.0


def test_cms_group_consolidate_reports_a_malformed_export_with_exit_2(tmp_path):
    doc = export("a", 1.0, {}, records=BASE)
    doc["matrix"]["clauses"][0].pop("number")
    folder = write_group(tmp_path, [{"id": "A", "name": "a", "path": "a"}], exports={"A": doc})
    done = cms("group", "consolidate", str(tmp_path), "--from-exports", str(folder), "--format", "json")
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr and "A.json: not an export of the shape" in done.stderr and "matrix.clauses[0].number" in done.stderr


def cms(*args, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "cms_build.cli", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin", "HOME": "/tmp"},
    )


def test_group_check_runs_the_shipped_example_and_consumes_its_export(tmp_path):
    (tmp_path / "cms.yaml").write_text(
        "organization: {name: 集团}\nsubsystems: [A]\ngroup:\n  entities:\n"
        f"    - {{id: BJP, name: 滨江发电, path: '{(REPO / 'records').as_posix()}'}}\n"
        "    - {id: MISSING, name: 缺, path: nowhere}\n",
        encoding="utf-8",
    )
    done = cms("check", str(tmp_path), "--as-of", "2026-06-30", "--format", "json")
    assert done.returncode == 1, done.stderr
    doc = json.loads(done.stdout)
    # the shipped example is clean; the missing one is not (and this group names no boundary record)
    assert [f["rule"] for f in doc["findings"]] == ["group.boundary", "group.invalid"]
    # the shipped example's 2025 total (cms export records: emissions.years.2025.total) counted at 100 %
    assert doc["consolidation"]["emissions"]["2025"]["total"]["value"] == pytest.approx(5945832.04, abs=0.01)
    exports = tmp_path / "exports"
    exports.mkdir()
    assert cms("export", str(REPO / "records"), "--as-of", "2026-06-30", "-o", str(exports / "BJP.json")).returncode == 0
    (exports / "MISSING.json").write_text((exports / "BJP.json").read_text())
    done = cms("group", "consolidate", str(tmp_path), "--from-exports", str(exports), "--as-of", "2026-06-30", "--format", "json")
    assert done.returncode == 0, done.stdout + done.stderr
    cons = json.loads(done.stdout)["consolidation"]
    # the same export twice: 2 × 5945832.04
    assert cons["emissions"]["2025"]["total"]["value"] == pytest.approx(2 * 5945832.04, abs=0.02)
    assert set(cons["matrix"]["summary"]) == {"BJP", "MISSING"}


def test_git_entity_is_fetched_at_its_pinned_commit_only_with_fetch(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "cms.yaml").write_text("organization: {name: 小厂}\nsubsystems: [A]\n", encoding="utf-8")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run(git + ["init", "-q", str(src)], check=True)
    subprocess.run(git + ["-C", str(src), "add", "."], check=True)
    subprocess.run(git + ["-C", str(src), "commit", "-qm", "one"], check=True)
    commit = subprocess.run(["git", "-C", str(src), "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()
    grp_dir = tmp_path / "g"
    grp_dir.mkdir()
    (grp_dir / "cms.yaml").write_text(
        f"organization: {{name: 集团}}\nsubsystems: [A]\ngroup:\n  entities:\n    - {{id: S, name: s, git: {{url: '{src}', commit: {commit}}}}}\n",
        encoding="utf-8",
    )
    import datetime as dt

    g = grp.run_group(grp_dir, dt.date(2026, 6, 30))
    assert [f.message for f in g.findings if f.rule == "group.invalid"][0].startswith("entity S: no records repository")
    g = grp.run_group(grp_dir, dt.date(2026, 6, 30), fetch=True)
    assert "S" in g.exports
    assert (grp_dir / ".cms-cache/entities/S/cms.yaml").is_file()
    # the entity's own findings, at paths relative to the group root and prefixed with the entity
    assert g.findings and all(f.file.startswith(".cms-cache/entities/S/") or f.rule.startswith("group.") for f in g.findings)
    assert any(f.message.startswith("[S] ") for f in g.findings)


def test_a_process_pool_gives_the_same_consolidation(tmp_path):
    import datetime as dt

    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "cms.yaml").write_text(f"organization: {{name: {name}}}\nsubsystems: [A]\n", encoding="utf-8")
    (tmp_path / "cms.yaml").write_text(
        "organization: {name: 集团}\nsubsystems: [A]\ngroup:\n  entities:\n    - {id: A, name: a, path: a}\n    - {id: B, name: b, path: b}\n", encoding="utf-8"
    )
    one = grp.run_group(tmp_path, dt.date(2026, 6, 30), jobs=1)
    two = grp.run_group(tmp_path, dt.date(2026, 6, 30), jobs=2)
    assert one.consolidation == two.consolidation
    assert [f.as_dict() for f in one.findings] == [f.as_dict() for f in two.findings]
    assert any(f.file.startswith("a/") and f.message.startswith("[A] ") for f in one.findings)


def test_a_bad_group_settings_file_is_a_located_error(tmp_path):
    (tmp_path / "cms.yaml").write_text(
        "organization: {name: 集团}\nsubsystems: [A]\ngroup:\n  entities:\n    - {id: A, name: a, path: a, approach: control}\n", encoding="utf-8"
    )
    done = cms("check", str(tmp_path), "--as-of", "2026-06-30")
    assert done.returncode == 2
    assert "cms.yaml:5:" in done.stderr and "control" in done.stderr and "Traceback" not in done.stderr


def test_an_entity_naming_another_parent_is_a_warning(tmp_path):
    doc = export("a", 1.0, {}, records=BASE + [("ORG-A", "organization")])
    doc["organization"]["profile"] = "ORG-A"
    doc["records"][-1]["data"] = {"parent": "ORG-OTHER"}
    folder = write_group(tmp_path, [{"id": "A", "name": "a", "path": "a"}], exports={"A": doc})
    (f,) = without_boundary_warning(grp.consume_exports(tmp_path, folder).findings)
    assert (f.rule, f.severity, f.file) == ("group.parent", "warning", "a/organization/ORG-A.yaml")
    doc["records"][-1]["data"] = {"parent": "ORG-G"}  # the group's own profile (write_group)
    (folder / "A.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    assert without_boundary_warning(grp.consume_exports(tmp_path, folder).findings) == []


def test_a_group_public_export_is_refused_not_run_as_an_organization(tmp_path):
    (tmp_path / "cms.yaml").write_text("organization: {name: 集团}\nsubsystems: [A]\ngroup:\n  entities:\n    - {id: A, name: a, path: a}\n", encoding="utf-8")
    done = cms("export", str(tmp_path), "--profile", "public")
    assert done.returncode == 2 and "internal profile only" in done.stderr


# -- group.boundary (4.3, 5.3.2 b) ------------------------------------------------------------
def boundary_group(tmp, listed, entities=("A", "B")):
    """Entities A (uscc ...0A) and B (...0B); A holds the scope record SCOPE-G listing `listed`."""
    exports = {}
    for eid in entities:
        doc = export(eid, 1.0, {}, records=BASE)
        doc["organization"]["uscc"] = f"9132000000000000{eid}{eid}".replace(eid + eid, "0" + eid)
        exports[eid] = doc
    exports["A"]["records"].append(record("SCOPE-G", "scope", {"group_entities": [{"uscc": u, "name": n} for u, n in listed]}))
    folder = write_group(tmp, [{"id": e, "name": e, "path": e.lower()} for e in entities], exports=exports)
    text = (tmp / "cms.yaml").read_text(encoding="utf-8").replace("group:\n", "group:\n  boundary: {entity: A, record: SCOPE-G}\n")
    (tmp / "cms.yaml").write_text(text, encoding="utf-8")
    return grp.consume_exports(tmp, folder).findings


def test_the_entity_list_matches_the_boundary(tmp_path):
    assert boundary_group(tmp_path, [("91320000000000000A", "甲"), ("91320000000000000B", "乙")]) == []


def test_an_entity_outside_the_boundary_and_a_boundary_entity_missing(tmp_path):
    found = boundary_group(tmp_path, [("91320000000000000A", "甲"), ("91320000000000000C", "丙")])
    assert {f.rule for f in found} == {"group.boundary"} and all(f.severity == "error" for f in found)
    by_file = {f.file: f.message for f in found}
    assert "entity B (91320000000000000B) is not inside the group's boundary" in by_file["cms.yaml"]
    assert "丙 (91320000000000000C) is inside the group's boundary" in by_file["a/scope/SCOPE-G.yaml"]
    assert all(f.clauses == ("4.3", "5.3.2 b") for f in found)


def test_a_boundary_record_that_is_not_there(tmp_path):
    boundary_group(tmp_path, [])
    text = (tmp_path / "cms.yaml").read_text(encoding="utf-8").replace("record: SCOPE-G", "record: SCOPE-X")
    (tmp_path / "cms.yaml").write_text(text, encoding="utf-8")
    (f,) = grp.consume_exports(tmp_path, tmp_path / "exports").findings
    assert f.rule == "group.boundary" and "A holds no scope record 'SCOPE-X'" in f.message and f.line == 4  # cms.yaml line 4: the boundary setting


# -- the example group (examples/group/) --------------------------------------------------------
def test_the_example_group_checks_clean_with_hand_worked_figures():
    done = cms("check", str(REPO / "examples/group"), "--as-of", "2026-06-30", "--format", "json")
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr
    doc = json.loads(done.stdout)
    assert doc["findings"] == []  # every entity clean, the boundary matches, the sale resolves
    e = doc["consolidation"]["emissions"]["2025"]
    # HQ: 1 500 MWh × 0.5703 tCO2/MWh (national grid factor for 2023-2025 reporting) = 855.45 t
    # GS: 12 000 MWh × 0.5703 = 6 843.6 t; BJP: the shipped example's 2025 total 5 945 832.04 t
    # operational control: each controlled, counted at 100 % (GS's 0.6 equity share plays no part)
    assert {k: v["value"] for k, v in e["by_entity"].items()} == pytest.approx({"HQ": 855.45, "BJP": 5945832.04, "GS": 6843.6}, abs=0.01)
    assert e["gross"] == pytest.approx(5953531.09, abs=0.01)  # 855.45 + 5 945 832.04 + 6 843.6
    (elim,) = e["eliminations"]
    # 8 000 MWh sold BJP -> GS: EF = 6 843.6 / 12 000 = 0.5703; ΔE = 1 × 8 000 × 0.5703 = 4 562.4 t
    assert elim["value"] == pytest.approx(-4562.4, abs=0.001)
    assert e["total"]["value"] == pytest.approx(5948968.69, abs=0.01)  # 5 953 531.09 - 4 562.4
    # purchased electricity of the group: HQ 855.45 + GS 6 843.6 + BJP's own - 4 562.4 eliminated
    bjp = e["by_category"]["purchased_electricity"]["by_entity"]["BJP"]["value"]
    assert e["by_category"]["purchased_electricity"]["value"]["value"] == pytest.approx(855.45 + 6843.6 + bjp - 4562.4, abs=0.01)
    assert e["by_category"]["purchased_electricity"]["by_entity"]["GS"]["value"] == pytest.approx(2281.2, abs=0.001)  # 6 843.6 - 4 562.4
    assert set(doc["consolidation"]["matrix"]["summary"]) == {"HQ", "BJP", "GS"}


def test_the_example_group_under_equity_share(tmp_path):
    """The same exports under equity share: GS counts 0.6 of its emissions and of the elimination."""
    src = (REPO / "examples/group/cms.yaml").read_text(encoding="utf-8")
    exports = tmp_path / "exports"
    exports.mkdir()
    for eid, path in (("HQ", "hq"), ("BJP", "../../records"), ("GS", "grinding")):
        assert cms("export", str((REPO / "examples/group" / path).resolve()), "--as-of", "2026-06-30", "-o", str(exports / f"{eid}.json")).returncode == 0
    shutil.copytree(REPO / "examples/group/hq", tmp_path / "hq")  # the boundary record is read from the export only
    (tmp_path / "cms.yaml").write_text(src.replace("approach: operational_control", "approach: equity_share"), encoding="utf-8")
    g = grp.consume_exports(tmp_path, exports)
    assert g.findings == []
    e = dump(g.consolidation)["emissions"]["2025"]
    # 1 × 855.45 + 1 × 5 945 832.04 + 0.6 × 6 843.6 (= 4 106.16) = 5 950 793.65
    assert e["gross"] == pytest.approx(5950793.65, abs=0.01)
    # the buyer's share: 0.6 × 8 000 × 0.5703 = 2 737.44
    assert e["eliminations"][0]["value"] == pytest.approx(-2737.44, abs=0.001)
    assert e["total"]["value"] == pytest.approx(5948056.21, abs=0.01)  # 5 950 793.65 - 2 737.44


def test_serve_and_pack_refuse_a_group_folder():
    for verb in ("pack", "serve"):
        done = cms(verb, str(REPO / "examples/group"), "--as-of", "2026-06-30")
        assert done.returncode == 2 and "is a group" in done.stderr and "Traceback" not in done.stderr, done.stderr


def test_digests_consolidate_as_whole_exports_and_the_streamed_export_is_the_same_text(tmp_path):
    """issue 20 §3: `cms check` of a group and the consume path keep each entity's digest, not its
    whole export. On the shipped example group (three real entities, an intra-group sale, a
    boundary record) the findings and the consolidation must be those of whole exports, and
    the group's export streamed from the files the same text as json.dumps of the whole."""
    import datetime as dt
    import io

    example = REPO / "examples" / "group"
    as_of = dt.date(2026, 6, 30)
    whole = grp.run_group(example, as_of, jobs=1)
    digests = grp.run_group(example, as_of, jobs=1, full=False)
    assert digests.consolidation == whole.consolidation
    assert [f.as_dict() for f in digests.findings] == [f.as_dict() for f in whole.findings]
    assert len(json.dumps(digests.exports)) < len(json.dumps(whole.exports)) / 5  # the traces, records' data and matrix texts left out

    folder = tmp_path / "exports"
    folder.mkdir()
    for eid, doc in whole.exports.items():
        (folder / f"{eid}.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    consumed = grp.consume_exports(example, folder, as_of, full=False)
    assert consumed.consolidation == grp.consume_exports(example, folder, as_of).consolidation
    assert sorted(consumed.sources) == sorted(whole.exports)
    streamed = io.StringIO()
    grp.write_export(consumed, streamed)
    expected = grp.consume_exports(example, folder, as_of)
    assert streamed.getvalue() == json.dumps(grp.export_group(expected), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
