"""The page registry (cms_build.api.page): a domain brings its own site pages.

The toy domain lives in one folder of an organization's repository, checks/toy/ (a kind's
schema must be in the organization's schemas/ folder: the engine reads schemas from
schemas/ only), and nothing of the engine is changed for it: a kind, a computation, a rule
and a page, and `cms build` shows the page in the navigation with the computed number,
`cms check` reports the rule's finding.
"""

from __future__ import annotations

import html
import re
import json
import subprocess
import sys

import pytest

from cms_build.site.build import BuildError
import yaml

from cms_build.paths import bundled
from cms_build.rules import RuleError, load_rules

from .conftest import build

SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://cms-as-code.org/schemas/refrigerant_refill.schema.json",
    "title": "制冷剂补充记录",
    "x-title-en": "Refrigerant refill",
    "description": "一次制冷剂补充（6.1.2 f）。",
    "x-description-en": "One refill of refrigerant (6.1.2 f).",
    "x-cms": {"kind": "refrigerant_refill", "subsystem": "A", "clauses": ["6.1.2 f"], "id_prefix": "RR", "folder": "refills"},
    "type": "object",
    "allOf": [{"$ref": "envelope.schema.json"}],
    "properties": {
        "kind": {"const": "refrigerant_refill"},
        "year": {"$ref": "defs.schema.json#/$defs/year", "title": "年度", "x-title-en": "Year"},
        "kg": {"type": "number", "minimum": 0, "title": "补充量 (kg)", "x-title-en": "Refilled (kg)"},
        "gwp": {"type": "number", "minimum": 0, "title": "全球变暖潜势", "x-title-en": "Global warming potential"},
    },
    "required": ["year", "kg", "gwp"],
    "unevaluatedProperties": False,
}

INIT = '"""A toy domain: refrigerant refills, their emissions, a rule and a page."""\n'

COMPUTE = """\
from cms_build.api import Traced, computation, record_source


@computation("toy", title="制冷剂排放 Refrigerant emissions", clauses=["6.1.2 f"])
def refills(ctx):
    years = {}
    for r in ctx.records("refrigerant_refill"):
        t = years.setdefault(str(r.get("year")), Traced(0.0, "tCO2e", label="E", formula="E = sum(kg * GWP) / 1000"))
        t.value += r.get("kg") * r.get("gwp") / 1000
        t.add(r.id, "kg * GWP", r.get("kg") * r.get("gwp"), "kgCO2e", record_source(r, "kg"))
    return {"years": {y: t.as_dict() for y, t in sorted(years.items())}, "refills": [r.id for r in ctx.records("refrigerant_refill")]}
"""

RULES = '''\
from cms_build.api import check


@check("toy.refill-large", title="补充量过大 Refill above 8 kg", clauses=["6.1.2 f"], severity="warning",
       kinds=["refrigerant_refill"])
def large(record, ctx):
    """A refill above 8 kg points at a leak to be repaired."""
    if record.get("kg") > 8:
        yield record.issue("kg", f"{record.get('kg')} kg refilled, above 8 kg", hint="find and repair the leak")
'''

PAGES = """\
from cms_build.api import page


@page("toy", title="制冷剂 Refrigerants", computations=["toy"], subsystems=["A"], order=40)
def refrigerants(site):
    res = site.results.get("toy") or {}
    for rid in res.get("refills") or []:
        site.link_record(rid, "制冷剂", site.path, site.id_anchor("refill", rid))
    blocks = []
    for year, total in sorted((res.get("years") or {}).items()):
        blocks.append(site.section(f"{year}", site.join([site.text("合计 "), site.tv(total)], ""),
                                   anchor_id=site.anchor("year", year)))
    for rid in res.get("refills") or []:
        blocks.append(site.section(rid, site.rec(rid, with_title=True), level=3, anchor_id=site.id_anchor("refill", rid)))
    site.write(blocks)
    if not res.get("years"):
        return None
    year, total = sorted(res["years"].items())[-1]
    return site.join([site.text(f"{year}: "), site.tv(total)], "")  # the home page's headline
"""


def toy_domain(org):
    org.settings(organization={"name": "测试组织"}, subsystems=["A"], language="zh")
    org.write("schemas/refrigerant_refill.schema.json", json.dumps(SCHEMA, ensure_ascii=False, indent=1))
    org.write("checks/toy/__init__.py", INIT)
    org.write("checks/toy/compute.py", COMPUTE)
    org.write("checks/toy/rules.py", RULES)
    org.write("checks/toy/pages.py", PAGES)
    org.add("refills/RR-1.yaml", org.record("refrigerant_refill", "RR-1", year=2025, kg=10, gwp=1430))
    org.add("refills/RR-2.yaml", org.record("refrigerant_refill", "RR-2", year=2025, kg=5, gwp=2088))
    return org


def cms(*args):
    proc = subprocess.run([sys.executable, "-m", "cms_build.cli", *map(str, args)], capture_output=True, text=True, timeout=600)
    assert "Traceback" not in proc.stdout + proc.stderr, proc.stderr
    return proc.returncode, proc.stdout, proc.stderr


def test_a_toy_domain_in_one_folder_has_its_page_number_and_finding(org, tmp_path):
    toy_domain(org)
    # cms check reports the rule's finding at the record's field
    code, out, _ = cms("check", org.root, "--as-of", "2026-06-30", "--format", "json")
    findings = [f for f in json.loads(out)["findings"] if f["rule"] == "toy.refill-large"]
    assert [(f["record"], f["file"], f["line"], f["path"], f["severity"]) for f in findings] == [
        ("RR-1", "refills/RR-1.yaml", 15, "kg", "warning")
    ]  # kg: the 15th line of the record's YAML
    assert "10 kg refilled, above 8 kg" in findings[0]["message"]
    # cms build: the page is in the navigation, after the bundled domains (order 40)
    site = tmp_path / "site"
    code, out, err = cms("build", org.root, "--as-of", "2026-06-30", "--out", site)
    assert code == 0, err
    work = next((org.root / ".cms-build").glob("site-*-internal"))
    nav = yaml.safe_load((work / "mkdocs.yml").read_text(encoding="utf-8"))["nav"]
    labels = [next(iter(entry)) for entry in nav]
    assert {"制冷剂": "toy/index.md"} in nav and labels.index("制冷剂") == labels.index("碳中和") + 1
    page = html.unescape((site / "toy/index.html").read_text(encoding="utf-8"))
    # E = (10 kg * 1430 + 5 kg * 2088) / 1000 = (14300 + 10440) / 1000 = 24.74 tCO2e
    assert "合计 24.74 tCO2e" in page
    assert 'href="../records/refrigerant_refill/RR-1.html"' in page
    # the home page shows its headline, the record page links to where it is computed, the
    # computation page to the domain's page
    assert "2025: 24.74 tCO2e" in html.unescape((site / "index.html").read_text(encoding="utf-8"))
    record = (site / "records/refrigerant_refill/RR-1.html").read_text(encoding="utf-8")
    assert 'href="../../toy/index.html#refill-RR-1"' in record
    assert 'href="../toy/index.html"' in (site / "computations/toy.html").read_text(encoding="utf-8")


def test_the_public_build_shows_the_page_only_what_the_profile_publishes(org, tmp_path):
    toy_domain(org)  # the refills are internal records: the public View withholds the result
    report = build(org.root, tmp_path / "public", profile="public")
    page = html.unescape((report.out / "toy/index.html").read_text(encoding="utf-8"))
    assert "24.74" not in page and "RR-1" not in page
    assert "本公开版不发布该计算结果" in page  # the page's intro says so (site.write)


def test_a_page_that_raises_stops_the_build_at_its_line(org, tmp_path):
    # results are typed at their computation, so a page that fails is a bug in the page: the
    # build stops and names it at its own line; no generic layout hides it, nothing half-written
    toy_domain(org)
    org.write("checks/toy/pages.py", PAGES.replace("    site.write(blocks)\n", "    site.write(blocks)\n    raise KeyError('surprise')\n"))
    line = PAGES.splitlines().index("    site.write(blocks)") + 2  # the raise, after site.write
    with pytest.raises(BuildError, match=re.escape(f"the toy page (checks/toy/pages.py:{line}) could not be written: KeyError: 'surprise'")):
        build(org.root, tmp_path / "site")
    assert not (tmp_path / "site").exists()


@pytest.mark.parametrize(
    "body, message",
    [
        ("    site.render('index.md', title='x', intro='', blocks=[])\n", "may write only pages in its folder toy/"),
        ("    return None\n", "it did not write its page toy/index.md"),
    ],
)
def test_a_page_writes_only_its_own_folder(org, tmp_path, body, message):
    toy_domain(org)
    org.write("checks/toy/pages.py", f"from cms_build.api import page\n\n\n@page('toy', title='玩具 Toy', computations=['toy'])\ndef toy(site):\n{body}")
    with pytest.raises(BuildError, match=r"the toy page \(checks/toy/pages.py:\d+\) could not be written: .*" + re.escape(message)):
        build(org.root, tmp_path / "site")


def test_a_headline_in_plain_text_is_escaped(org, tmp_path):
    toy_domain(org)
    org.write(
        "checks/toy/pages.py",
        "from cms_build.api import page\n\n\n"
        "@page('toy', title='玩具 Toy', computations=['toy'])\n"
        "def toy(site):\n    site.write([])\n    return '<b>bold</b> 标题'\n",
    )
    report = build(org.root, tmp_path / "site")
    home = (report.out / "index.html").read_text(encoding="utf-8")
    assert "标题" in home and "<b>bold</b>" not in home and "&#60;b&#62;bold" in home


def test_page_ids_are_unique_and_never_a_folder_of_the_site(org):
    org.write("checks/a.py", "from cms_build.api import page\n\n@page('emissions', title='x')\ndef p(site):\n    pass\n")
    with pytest.raises(RuleError, match="page id 'emissions' is already used by emissions/pages.py"):
        load_rules([bundled("checks"), org.root / "checks"])
    org.write("checks/a.py", "from cms_build.api import page\n\n@page('records', title='x')\ndef p(site):\n    pass\n")
    errors: list = []
    load_rules([org.root / "checks"], errors)
    [e] = errors
    assert (e.path.name, e.line) == ("a.py", 3) and "'records'" in e.message


def test_pages_are_collected_in_order_and_once(org):
    org.write("checks/b.py", "from cms_build.api import page\n\n@page('beta', title='乙 Beta', order=5)\ndef p(site):\n    pass\n")
    org.write(
        "checks/c.py", "from cms_build.api import page\nfrom .b import p  # noqa: F401\n\n@page('alpha', title='甲 Alpha', order=5)\ndef q(site):\n    pass\n"
    )
    pages: list = []
    load_rules([org.root / "checks"], pages=pages)
    assert [(p.id, p.path, p.module) for p in pages] == [("alpha", "alpha/index.md", "c"), ("beta", "beta/index.md", "b")]
