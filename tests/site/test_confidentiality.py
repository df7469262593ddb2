"""The public site holds nothing that is not public: every output file is searched."""

from __future__ import annotations

import gzip
import re

from .conftest import MARKER_CONFIDENTIAL, MARKER_FIELD, MARKER_LISTED, build, mini_org

MARKERS = (MARKER_CONFIDENTIAL, MARKER_FIELD, MARKER_LISTED, "POL-SECRET")


def every_text(folder) -> dict[str, str]:
    """Each output file as text (sitemap.xml.gz unpacked), including the search index and JSON."""
    out = {}
    for path in sorted(folder.rglob("*")):
        if not path.is_file():
            continue
        data = path.read_bytes()
        if path.suffix == ".gz":
            data = gzip.decompress(data)
        out[path.relative_to(folder).as_posix()] = data.decode("utf-8", "replace")
    return out


def test_public_site_contains_nothing_left_out(org, tmp_path):
    root = mini_org(org)
    internal = every_text(build(root, tmp_path / "internal").out)
    public_report = build(root, tmp_path / "public", profile="public")
    public = every_text(public_report.out)
    for marker in MARKERS:
        # the internal site shows it (so the search below can find it) ...
        assert any(marker in text for text in internal.values()), marker
        # ... and no file of the public site has it: pages, search index, sitemap, JSON export
        assert [name for name, text in public.items() if marker in text] == [], marker
    # nor does the generated Markdown the public site was built from
    markdown = every_text(public_report.work / "docs")
    assert [name for name, text in markdown.items() if any(m in text for m in MARKERS)] == []
    assert {"search/search_index.json", "search/search_index.json.gz", "sitemap.xml", "sitemap.xml.gz", "data/export.json"} <= public.keys()
    # the compressed index is the public index, byte for byte (every_text unpacked it above)
    assert public["search/search_index.json.gz"] == public["search/search_index.json"]


def test_public_site_links_left_out_records_as_restricted(org, tmp_path):
    root = mini_org(org)
    site = build(root, tmp_path / "public", profile="public").out
    assert not (site / "records" / "policy" / "POL-SECRET.html").exists()
    pol = (site / "records" / "policy" / "POL-1.html").read_text(encoding="utf-8")
    assert 'class="cms-restricted"' in pol and "受限" in pol
    # the finding that quotes a confidential field is left out, the other one shown
    assert "方针内容需要在下次管理评审时复核" in pol and "is internal" not in pol
    org_page = (site / "records" / "organization" / "ORG-1.html").read_text(encoding="utf-8")
    assert "法定代表人" not in org_page  # the x-confidentiality field is left out, label and all


def test_public_example_names_no_unpublished_record_anywhere(example_sites):
    """Not even by id: references, results keyed by id, ids inside symbols and messages."""
    from cms_build.engine import run
    from cms_build.publish import View
    from tests.conftest import EXAMPLE

    from .conftest import AS_OF

    result = run(EXAMPLE, AS_OF)
    view = View(result, "public")
    hidden = set(result.index.by_id) - view.ids
    assert hidden and view.ids  # the example has both, so this test can fail
    public = every_text(example_sites["public"])
    pattern = re.compile(r"(?<![A-Za-z0-9._-])(" + "|".join(map(re.escape, sorted(hidden, key=len, reverse=True))) + r")(?![A-Za-z0-9_-])")
    found = {name: sorted(set(pattern.findall(text)))[:5] for name, text in public.items() if pattern.search(text)}
    assert found == {}
    internal = every_text(example_sites["internal"])
    assert any(pattern.search(text) for text in internal.values())


def test_sitemap_lists_the_pages_of_its_profile_at_its_address(org, tmp_path):
    import yaml

    root = mini_org(org)
    settings = yaml.safe_load((root / "cms.yaml").read_text(encoding="utf-8"))
    settings["site"] = {"urls": {"public": "https://www.example.com/carbon/", "internal": "https://cms.example.local/"}}
    org.write("cms.yaml", settings)
    public = every_text(build(root, tmp_path / "public", profile="public").out)
    internal = every_text(build(root, tmp_path / "internal").out)
    pub_urls = re.findall(r"<loc>([^<]+)</loc>", public["sitemap.xml"])
    int_urls = re.findall(r"<loc>([^<]+)</loc>", internal["sitemap.xml"])
    assert "https://www.example.com/carbon/records/policy/POL-1.html" in pub_urls
    assert all(u.startswith("https://www.example.com/carbon/") for u in pub_urls)
    assert not [u for u in pub_urls if "POL-SECRET" in u]
    assert "https://cms.example.local/records/policy/POL-SECRET.html" in int_urls
    assert gzip.decompress((tmp_path / "public" / "sitemap.xml.gz").read_bytes()).decode() == public["sitemap.xml"]
    assert '<link rel="canonical" href="https://www.example.com/carbon/records/policy/POL-1.html">' in public["records/policy/POL-1.html"]
    assert not [name for name, text in public.items() if "cms.example.local" in text]  # the internal address


def test_a_site_address_that_is_not_a_web_address_is_a_settings_finding(org, tmp_path):
    import yaml

    root = mini_org(org)
    settings = yaml.safe_load((root / "cms.yaml").read_text(encoding="utf-8"))
    settings["site"] = {"urls": {"public": "javascript:alert(1)//"}}
    org.write("cms.yaml", settings)
    found = [f for f in org.run().findings if f.rule == "settings.invalid"]
    assert found and "site.urls.public" in (found[0].path + found[0].message)


MARK_COUNTERPARTY = "ZQX-COUNTERPARTY-5521"  # a cell of the x-confidentiality column counterparty
MARK_ACCOUNT = "ZQX-CPACCOUNT-6630"  # counterparty_account (confidential)
MARK_INVOICE = "ZQX-INVOICE-7741"  # invoice_no (internal)
MARK_UNKNOWN = "ZQX-UNKNOWN-COLUMN-8852"  # a column the row schema does not know: not published either


def test_public_example_publishes_an_attached_table_without_its_confidential_columns(org, tmp_path):
    """The example with its 2025 trade ledger made public and markers planted in the columns the
    trade schema marks x-confidentiality: no file of the public site has any of them."""
    import csv
    import io

    org.copy_example()
    ledger = org.root / "trading" / "TL-CEA-2025.yaml"
    ledger.write_text(ledger.read_text(encoding="utf-8").replace("confidentiality: internal", "confidentiality: public"), encoding="utf-8")
    table = org.root / "trading" / "data" / "trades-2025.csv"
    rows = list(csv.reader(io.StringIO(table.read_text(encoding="utf-8"), newline="")))
    header = rows[0]
    rows[1][header.index("counterparty")] = MARK_COUNTERPARTY
    rows[1][header.index("counterparty_account")] = MARK_ACCOUNT
    rows[1][header.index("invoice_no")] = MARK_INVOICE
    rows = [row + [MARK_UNKNOWN if i else "side_note"] for i, row in enumerate(rows)]
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    table.write_text(buf.getvalue(), encoding="utf-8")
    markers = (MARK_COUNTERPARTY, MARK_ACCOUNT, MARK_INVOICE, MARK_UNKNOWN)
    report = build(org.root, tmp_path / "public", profile="public")
    public = every_text(report.out)
    assert "records/trade_ledger/TL-CEA-2025.html" in public  # the ledger is published ...
    found = {m: [name for name, text in public.items() if m in text] for m in markers}
    assert found == {m: [] for m in markers}  # ... and no page, index, sitemap or file has a marker
    markdown = every_text(report.work / "docs")
    assert [name for name, text in markdown.items() if any(m in text for m in markers)] == []
    # the trades table is published, cut to the columns the public profile shows, rows intact
    [published] = [name for name, text in public.items() if name.startswith("files/TL-CEA-2025/") and text.startswith("trade_id,")]
    got = list(csv.reader(io.StringIO(public[published], newline="")))
    assert got[0] == ["trade_id", "order_id", "time", "market", "product", "vintage", "side", "quantity", "trade_type"]
    assert len(got) == len(rows) and got[1][0] == rows[1][0] and got[1][7] == rows[1][header.index("quantity")]
    page = public["records/trade_ledger/TL-CEA-2025.html"]
    assert f'href="../../{published}"' in page
    # the orders table loses its price column (x-confidentiality: internal) the same way
    [orders] = [text for name, text in public.items() if name.startswith("files/TL-CEA-2025/") and text.startswith("order_id,")]
    assert orders.splitlines()[0] == "order_id,time,market,product,vintage,side,quantity,trade_type,status,filled_quantity,cancelled_at"


def test_files_no_profile_publishes(org, tmp_path):
    """A record's YAML, a hidden file, and (in the public edition) a file a confidential record
    attaches too: never copied into the site, shown as restricted."""
    root = mini_org(org)
    org.add("policy/secret.pdf", b"%PDF ZQX-SECRET-PDF-3310")
    org.add("policy/.env", "ZQX-DOTENV-4420=1")
    org.add("policy/evidence.pdf", b"%PDF ZQX-OPEN-PDF-5530")
    import yaml

    pol = yaml.safe_load((root / "policy" / "POL-SECRET.yaml").read_text(encoding="utf-8"))
    pol["attachments"] = [{"path": "secret.pdf"}]
    org.write("policy/POL-SECRET.yaml", pol)
    pub = yaml.safe_load((root / "policy" / "POL-HOSTILE.yaml").read_text(encoding="utf-8"))
    pub["attachments"] = [{"path": "secret.pdf"}, {"path": ".env"}, {"path": "POL-SECRET.yaml"}, {"path": "evidence.pdf"}]
    org.write("policy/POL-HOSTILE.yaml", pub)
    public = every_text(build(root, tmp_path / "public", profile="public").out)
    internal = every_text(build(root, tmp_path / "internal").out)
    never = ("ZQX-DOTENV-4420", "statement: 保密内容")  # the hidden file and POL-SECRET's YAML
    # POL-SECRET's own source view (issue 17 item 8) shows its YAML in the internal edition, which
    # shows confidential records; as an attachment of another record it is copied nowhere
    assert [n for n, text in {**public, **internal}.items() if any(m in text for m in never)] == ["sources/policy/POL-SECRET.html"]
    assert not any(n.startswith("sources/") for n in public)
    assert [n for n, text in public.items() if "ZQX-SECRET-PDF-3310" in text] == []
    assert any("ZQX-SECRET-PDF-3310" in text for n, text in internal.items() if n.startswith("files/POL-HOSTILE/"))
    assert sum("ZQX-OPEN-PDF-5530" in text for text in public.values()) == 1  # its own evidence is published
    page = public["records/policy/POL-HOSTILE.html"]
    assert page.count('class="cms-restricted"') >= 3 and "secret.pdf" in page
