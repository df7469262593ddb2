"""The group's site (cms_build/site/group_site.py): the overview with drill-down to each entity's
own site built in the same run, links checked by mkdocs strict, and the public profile per entity.

The group here is the example group's two small entities (examples/group/hq, grinding), copied so
that a marker can be put into a confidential field; the shipped power company is left out to keep
the test short (its site is built by tests/site/test_build.py)."""

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest

from cms_build.site.group_site import build_group_site

REPO = Path(__file__).resolve().parents[2]
AS_OF = dt.date(2026, 6, 30)
MARKER = "ZZMARKER7731"  # in confidential fields only: must never reach the public site


@pytest.fixture(scope="module")
def group(tmp_path_factory):
    root = tmp_path_factory.mktemp("group")
    for name in ("hq", "grinding"):
        shutil.copytree(REPO / "examples/group" / name, root / name)
    org = root / "grinding/organization/ORG-GS.yaml"
    # contact is x-confidentiality internal in a public record (organization.schema.json)
    org.write_text(org.read_text(encoding="utf-8").replace("name: 刘洋", f"name: 刘洋{MARKER}", 1), encoding="utf-8")
    ad = root / "grinding/activity/AD-2025-GS-ELEC.yaml"  # an internal record
    ad.write_text(ad.read_text(encoding="utf-8").replace("data_source: ", f"data_source: {MARKER} ", 1), encoding="utf-8")
    (root / "cms.yaml").write_text(
        "organization: {name: 滨江能源集团有限公司, profile: ORG-HQ}\nsubsystems: [A]\nlanguage: zh\ngroup:\n"
        "  boundary: {entity: HQ, record: SCOPE-HQ}\n  entities:\n"
        "    - {id: HQ, name: 滨江能源集团总部, path: hq}\n    - {id: GS, name: 滨江水泥粉磨站, path: grinding}\n",
        encoding="utf-8",
    )
    return root


def texts(site: Path):
    for p in sorted(site.rglob("*")):
        if p.is_file() and p.suffix in (".html", ".json", ".xml", ".js", ".csv", ".txt", ".md"):
            yield p, p.read_text(encoding="utf-8", errors="replace")


def test_internal_site_overview_and_drill_down(group, tmp_path):
    out = tmp_path / "site"
    report = build_group_site(group, AS_OF, out=out)
    assert report.entities == 2
    index = (out / "index.html").read_text(encoding="utf-8")
    # drill-down: every entity's own site was built in the same run, and the overview links to it
    for eid in ("HQ", "GS"):
        assert (out / f"entities/{eid}/index.html").is_file() and (out / f"entities/{eid}/matrix.html").is_file()
        assert f'href="entities/{eid}/index.html"' in index and f'href="entities/{eid}/matrix.html"' in index
        assert f'href="entities/{eid}/findings/index.html"' in index
    # every relative link of the overview resolves to a file of the built site (mkdocs strict checked
    # them in Markdown; this checks the HTML it wrote)
    for href in re.findall(r'href="([^"#:]+)(?:#[^"]*)?"', index):
        assert (out / href).resolve().is_file(), href
    # group totals: HQ 1 500 MWh × 0.5703 = 855.45 t; GS 12 000 MWh × 0.5703 = 6 843.6 t; 855.45 + 6 843.6 = 7 699.05 t
    assert "7,699.05" in index
    # the boundary lists 滨江发电, which is no entity here: the group finding is on the overview
    assert "group.boundary" in index and "913211007545678X9Q" in index
    # the internal profile shows the marker (so the public test below can fail)
    assert any(MARKER in text for _, text in texts(out))


def test_public_site_publishes_nothing_above_the_profile(group, tmp_path):
    out = tmp_path / "public"
    build_group_site(group, AS_OF, out=out, profile="public")
    leaks = [str(p.relative_to(out)) for p, text in texts(out) if MARKER in text]
    assert leaks == []
    index = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="entities/GS/index.html"' in index and (out / "entities/GS/index.html").is_file()
    # emissions are withheld by the entities' public profiles, so no group total is shown
    assert "7,699.05" not in index and "本公开版不包含" in index
    # the group rules' findings rest on internal records: not published
    assert "913211007545678X9Q" not in index and "集团规则的检查发现依据各实体的内部记录" in index
    assert "公开版" in (out / "entities/GS/index.html").read_text(encoding="utf-8")  # the entity's own public site


def test_the_example_group_builds(tmp_path):
    """examples/group/ as shipped: the three entities' sites and the overview, strict."""
    out = tmp_path / "site"
    report = build_group_site(REPO / "examples/group", AS_OF, out=out)
    assert report.entities == 3 and report.warnings == []
    index = (out / "index.html").read_text(encoding="utf-8")
    for href in re.findall(r'href="([^"#:]+)(?:#[^"]*)?"', index):
        assert (out / href).resolve().is_file(), href
    # the hand-worked 2025 figures of tests/cms_build/test_group.py: gross 5 953 531.09, eliminated
    # 8 000 MWh × 0.5703 = 4 562.4, group total 5 948 968.69 tCO2e
    assert "5,953,531.09" in index and "4,562.4" in index and "5,948,968.69" in index
    assert (out / "entities/BJP/matrix.html").is_file()


def test_an_entity_export_of_another_shape_is_a_located_error_not_a_traceback():
    from cms_build.site.build import BuildError
    from cms_build.site.group_site import entity_parts

    doc = {"records": [], "findings": [{"rule": "r"}], "summary": {"error": 0, "warning": 0, "info": 0}, "matrix": None}
    with pytest.raises(BuildError, match=r"^entity GS: its export is not of the shape 'cms export' writes: findings\[0\]\.severity: Field required"):
        entity_parts("GS", doc)
    doc = {"records": [], "findings": [], "summary": {"error": 0, "warning": 0, "info": 0}, "matrix": {"clauses": "none"}}
    with pytest.raises(BuildError, match=r"entity GS: .*matrix\.as_of: Field required"):
        entity_parts("GS", doc)


def test_the_public_overview_shows_a_figure_consolidated_from_a_confidential_one_as_restricted():
    """GS publishes its emissions but its 2025 total is restricted in its public export: the
    overview's emissions block (checks/emissions/_group.py render) shows HQ's 855.45 t and neither
    GS's 6 843.6 t, nor the group total 7 699.05 t, nor the gross, from which GS's would follow."""
    from cms_build.group import consolidating
    from cms_build.paths import bundled
    from cms_build.publish import group_results
    from cms_build.results import viewed
    from cms_build.site.group_site import GroupPage
    from cms_build.site.model import Strings, load_strings
    from tests.cms_build.test_publish import _group_consolidation, _public_export

    cons, model = _group_consolidation()
    restricted = {"unit": "tCO2e", "record": "restricted", "value": None, "restricted": True}
    public = {"HQ": _public_export({"value": 855.45}), "GS": _public_export(restricted)}
    shown = viewed(model, group_results(cons, model, public))
    t = Strings(load_strings(str(bundled("site")))["zh"])
    [emissions] = [c.consolidation for c in consolidating() if "emissions" in c.consolidation.models]
    body = "".join(str(s["body"]) for s in emissions.render(shown, GroupPage(t["group"], t, "zh"), False)).replace("&#46;", ".")  # the escaped point
    assert "855.45" in body and "受限" in body
    assert "6,843.6" not in body and "7,699.05" not in body
    # the near miss: both entities publish their totals, and the overview shows them
    public["GS"] = _public_export({"value": 6843.6})
    body = "".join(str(s["body"]) for s in emissions.render(viewed(model, group_results(cons, model, public)), GroupPage(t["group"], t, "zh"), False)).replace(
        "&#46;", "."
    )
    assert "6,843.6" in body and "7,699.05" in body and "受限" not in body


def test_the_public_overview_shows_a_category_consolidated_from_a_confidential_figure_as_restricted():
    """GS's purchased electricity (and so its total) is restricted in its public export, its
    fuel combustion public: the overview's category table (checks/emissions/_group.py render)
    shows the group's fuel combustion 156.4 t and not the purchased electricity 7 699.05 t
    (HQ 855.45 + GS 6 843.6), which would give GS's figure by subtraction."""
    from cms_build.group import consolidating
    from cms_build.paths import bundled
    from cms_build.publish import group_results
    from cms_build.results import viewed
    from cms_build.site.group_site import GroupPage
    from cms_build.site.model import Strings, load_strings
    from tests.cms_build.test_publish import RESTRICTED_FIGURE, _category_consolidation, _category_export

    cons, model = _category_consolidation()
    t = Strings(load_strings(str(bundled("site")))["zh"])
    [emissions] = [c.consolidation for c in consolidating() if "emissions" in c.consolidation.models]

    def categories(public) -> str:
        body = "".join(str(s["body"]) for s in emissions.render(viewed(model, group_results(cons, model, public)), GroupPage(t["group"], t, "zh"), False))
        return body.replace("&#46;", ".").split(t["group"]["by_category"])[-1]  # the category table, the last of the block

    hq = _category_export({"value": 855.45}, {"purchased_electricity": {"value": 855.45}})
    body = categories({"HQ": hq, "GS": _category_export(RESTRICTED_FIGURE, {"purchased_electricity": RESTRICTED_FIGURE, "fuel_combustion": {"value": 156.4}})})
    assert "156.4" in body and "受限" in body and "7,699.05" not in body
    # the near miss: GS publishes its purchased electricity, and the overview shows the sum
    body = categories({"HQ": hq, "GS": _category_export({"value": 7000.0}, {"purchased_electricity": {"value": 6843.6}, "fuel_combustion": {"value": 156.4}})})
    assert "156.4" in body and "7,699.05" in body and "受限" not in body


def test_the_public_overview_restricts_an_obligation_and_a_balance_sheet_the_entity_does_not_publish(tmp_path):
    """B's obligation ETS-2 is not in B's public export (a confidential record: its id replaced,
    its figures gone), and A's 2025 positive carbon assets are restricted in A's: the overview's
    ETS block (checks/assets/_group.py render) shows A's row (1 000 t due, 900 surrendered) and
    neither ETS-2, nor its 500 t, nor the group's 1 500 / 1 400 t from which it would follow; the
    balance sheets show B's 60 and not A's 80 nor the group's 140. Figures of
    tests/cms_build/test_group.py::_ets_group."""
    from cms_build.group import consolidating
    from cms_build.paths import bundled
    from cms_build.publish import group_results
    from cms_build.results import dump, viewed
    from cms_build.site.group_site import GroupPage
    from cms_build.site.model import Strings, load_strings
    from tests.cms_build.test_group import _ets_group

    cons = _ets_group(tmp_path).consolidation
    model, doc = type(cons), dump(cons)
    t = Strings(load_strings(str(bundled("site")))["zh"])
    [assets] = [c.consolidation for c in consolidating() if "ets" in c.consolidation.models]

    def overview(public) -> str:
        shown = viewed(model, group_results(doc, model, public))
        return "".join(str(s["body"]) for s in assets.render(shown, GroupPage(t["group"], t, "zh"), False)).replace("&#46;", ".").replace("&#45;", "-")

    def public_export(eid, obligation, shown, sheet):
        compliance = {obligation: shown} if shown else {"restricted-1": {"record": "restricted", "value": None, "restricted": True}}
        return {
            "records": [{"id": obligation}] if shown else [],
            "withheld_results": [],
            "results": {"assets": {"compliance": compliance, "balance_sheets": {"2025": sheet}}},
        }

    a_ets = {"due": {"value": 1000}, "allowances_surrendered": 850, "ccer_surrendered": 50}
    b_ets = {"due": {"value": 500}, "allowances_surrendered": 500, "ccer_surrendered": 0}
    a_sheet = {"total_positive": {"value": 200.0}, "total_negative": {"value": 50.0}, "positive": [{"value": {"value": 200.0}}], "negative": []}
    b_sheet = {"total_positive": {"value": 100.0}, "total_negative": {"value": 0.0}, "positive": [], "negative": []}
    restricted = {"value": None, "restricted": True, "record": "restricted"}
    body = overview({"A": public_export("A", "ETS-1", a_ets, {**a_sheet, "total_positive": restricted}), "B": public_export("B", "ETS-2", None, b_sheet)})
    assert "| A | ETS-1 | 1000 | 900 |" in body and "| B | 受限 | 受限 | 受限 |" in body
    assert "| **集团** |  | 受限 | 受限 | A&#58;ETS-1 |" in body  # 1 500 − 1 000 would give B's 500
    assert "ETS-2" not in body and "500" not in body and "1,400" not in body
    assert "| 2025 | B | 60 | 0 | 60 |" in body and "80" not in body and "140" not in body and "120" not in body
    # the near miss: both publish everything, and the overview shows every figure
    body = overview({"A": public_export("A", "ETS-1", a_ets, a_sheet), "B": public_export("B", "ETS-2", b_ets, b_sheet)})
    assert (
        all(
            x in body
            for x in (
                "| B | ETS-2 | 500 | 500 |",
                "| **集团** |  | 1,500 | 1,400 | A&#58;ETS-1 |",
                "| 2025 | A | 80 | 20 | 60 |",
                "| 2025 | **集团** | 140 | 20 | 120 |",
            )
        )
        and "受限" not in body
    )


def test_a_rebuild_in_a_new_process_gives_the_same_search_index(group, tmp_path):
    """The group's overview is indexed by the theme's own search plugin, which cuts Chinese with
    the process-wide jieba: a rebuild into the same --out takes every entity's texts from its
    memo, so nothing in that process had added the standard's terms, and the index split 碳排放
    and 碳中和 where the first build kept them whole (the site differed, byte for byte). Each
    build is its own process, as a user runs them."""
    import os
    import subprocess
    import sys

    out = tmp_path / "site"
    env = {k: v for k, v in os.environ.items() if k != "CMS_NO_CACHE"}

    def build() -> bytes:
        run = subprocess.run(
            [sys.executable, "-m", "cms_build.cli", "build", str(group), "--as-of", AS_OF.isoformat(), "--out", str(out)],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
        )
        assert run.returncode == 0, run.stderr[-2000:]
        assert "Prefix dict" not in run.stderr and "Loading model" not in run.stderr  # jieba's own chatter
        return (out / "search/search_index.json").read_bytes()

    first = build()
    import json

    overview = next(d for d in json.loads(first)["docs"] if d["location"] == "index.html#_3")
    assert overview["title"] == "集团\u200b碳排放\u200b合并"  # 碳排放 kept whole (search.TERMS)
    assert build() == first


def test_the_public_overview_restricts_a_claim_the_entity_does_not_publish(tmp_path):
    """A publishes its claim NCL-A on subject NS-A; B's claim NCL-B on subject NS-SECRET is not in
    B's public export: the overview's neutrality block (checks/neutrality/_group.py render) lists
    A's claim, and B's as restricted, neither its id nor its subject's."""
    from cms_build import group as grp
    from cms_build.group import consolidating
    from cms_build.paths import bundled
    from cms_build.publish import group_results
    from cms_build.results import dump, viewed
    from cms_build.site.group_site import GroupPage
    from cms_build.site.model import Strings, load_strings
    from tests.cms_build.test_group import BASE, export, write_group

    exports = {}
    for eid, claim, subject in (("A", "NCL-A", "NS-A"), ("B", "NCL-B", "NS-SECRET")):
        doc = export(eid.lower(), 1.0, {}, records=BASE + [(claim, "neutrality_claim")])
        doc["results"]["neutrality"] = {"claims": {claim: {"subject": subject, "status": {"computed": "valid"}, "period": "2025"}}}
        exports[eid] = doc
    folder = write_group(tmp_path, [{"id": "A", "name": "a", "path": "a"}, {"id": "B", "name": "b", "path": "b"}], exports=exports)
    cons = grp.consume_exports(tmp_path, folder).consolidation
    assert {e: [(c.subject, c.claim) for c in cs] for e, cs in cons.neutrality.items()} == {"A": [("NS-A", "NCL-A")], "B": [("NS-SECRET", "NCL-B")]}
    model, doc = type(cons), dump(cons)
    t = Strings(load_strings(str(bundled("site")))["zh"])
    [neutrality] = [c.consolidation for c in consolidating() if "neutrality" in c.consolidation.models]

    def overview(public) -> str:
        shown = viewed(model, group_results(doc, model, public))
        return "".join(str(s["body"]) for s in neutrality.render(shown, GroupPage(t["group"], t, "zh"), False)).replace("&#45;", "-").replace("&#58;", ":")

    def public_export(claim):
        return {"records": [{"id": claim}] if claim else [], "withheld_results": [], "results": {"neutrality": {"claims": {}}}}

    body = overview({"A": public_export("NCL-A"), "B": public_export(None)})
    assert "NCL-A" in body and "NS-A" in body and "B:受限" in body
    assert "NCL-B" not in body and "NS-SECRET" not in body
    body = overview({"A": public_export("NCL-A"), "B": public_export("NCL-B")})  # the near miss
    assert "NCL-B" in body and "NS-SECRET" in body and "受限" not in body
