"""The built sites in a real browser: Debian's Chromium driven by Playwright, offline.

Never downloads a browser: Chromium is /usr/bin/chromium (CMS_CHROMIUM to use another
path), installed by .ci/run from Debian. The sites are served on 127.0.0.1; every request
that would leave it is blocked and fails the test, and so does any console error.
Screenshots of the key pages go to $CMS_ARTIFACTS (default artifacts/screenshots/).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import threading
from pathlib import Path

import markupsafe
import pytest

from tests.conftest import REPO

from .conftest import HOSTILE, build

CHROMIUM = os.environ.get("CMS_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    # offline for sure: no host name resolves except the local server's address
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).is_file(), reason=f"no Chromium at {CHROMIUM} (.ci/run installs Debian's chromium; set CMS_CHROMIUM)"),
]
playwright_api = pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed")
url_config: dict[str, dict] = {}  # the served sites' search configuration, by server URL
served: dict[str, Path] = {}  # the served folder, by server URL


def artifacts() -> Path:
    folder = Path(os.environ.get("CMS_ARTIFACTS") or REPO / "artifacts") / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def server(tmp_path_factory, example_sites):
    """Six sites under one local server: the example (built once per session, see
    conftest.example_sites), a small organization and a hostile one, both profiles."""
    from tests.conftest import OrgRepo
    from .conftest import hostile_org, mini_org

    base = tmp_path_factory.mktemp("served")
    mini_root = mini_org(OrgRepo(tmp_path_factory.mktemp("mini") / "org"))
    hostile_root = hostile_org(OrgRepo(tmp_path_factory.mktemp("hostile") / "org"))
    for profile in ("internal", "public"):
        shutil.copytree(example_sites[profile], base / f"example-{profile}")
        build(mini_root, base / f"mini-{profile}", profile)
        build(hostile_root, base / f"hostile-{profile}", profile)
    from cms_build.site.serve import make_server

    httpd = make_server(base)  # what `cms serve` uses: 127.0.0.1, a free port
    httpd.base = base
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{httpd.server_address[1]}"
    # every site has the same search configuration (language, separator): what an empty index carries
    url_config[url] = json.loads((base / "example-internal/search/search_index.json").read_text("utf-8"))["config"]
    served[url] = base
    yield url
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def browser_context(server, tmp_path_factory):
    profile_dir = tmp_path_factory.mktemp("chromium-profile")  # a fresh user data dir
    with playwright_api.sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(profile_dir),
            executable_path=CHROMIUM,
            args=ARGS,
            headless=True,
            viewport={"width": 1280, "height": 900},
            locale="zh-CN",
            service_workers="block",
        )
        context.outside: list[str] = []  # every request that is not for the local server
        context.on("request", lambda req: None if req.url.startswith((server + "/", "data:", "blob:")) else context.outside.append(req.url))
        yield context
        context.close()


@pytest.fixture
def page(browser_context, server):
    """A new tab; after the test: no console error, no page error, no request off localhost."""
    tab = browser_context.new_page()
    # mkdocs-material rebuilds its 2 MB search index in a worker on every page load: minutes of
    # CPU per page on a loaded 2-core CI machine. Tests get a valid empty index; the two that
    # search ask for the real one with real_search(tab) before opening their page.
    empty = json.dumps({"config": url_config[server], "docs": []})
    tab.route("**/search/search_index.json", lambda route: route.fulfill(body=empty, content_type="application/json"))
    errors: list[str] = []
    tab.dialogs = []  # an alert() would mean a value ran as script
    tab.on("dialog", lambda dialog: (tab.dialogs.append(dialog.message), dialog.dismiss()))
    tab.on("console", lambda msg: errors.append(f"console {msg.type}: {msg.text}") if msg.type == "error" else None)
    tab.on("pageerror", lambda exc: errors.append(f"page error: {exc}"))
    tab.base = server
    yield tab
    tab.close()
    assert errors == []  # a CSP violation is a console error too: markup where text belonged
    assert tab.dialogs == []
    assert browser_context.outside == []


def real_search(tab):
    """Let this tab load the site's real search index."""
    tab.unroute("**/search/search_index.json")


def open_page(tab, path: str, wait: str = "networkidle"):
    tab.goto(f"{tab.base}/{path}", wait_until=wait)
    return tab


def shot(tab, name: str) -> None:
    tab.screenshot(path=str(artifacts() / f"{name}.png"), full_page=True)


def search(tab, term: str) -> list[str]:
    """Type into mkdocs-material's search box; the result links."""
    box = tab.locator("input.md-search__input")
    box.click()
    box.fill("")
    tab.keyboard.type(term)
    tab.keyboard.press("End")  # material reads the query on keyup; typed Chinese sends none
    # a locator assertion, not wait_for_function: a string predicate is evaluated with eval, which
    # the site's Content-Security-Policy (script-src 'self') refuses once Playwright polls it
    from playwright.sync_api import expect

    expect(tab.locator(".md-search-result__meta")).not_to_have_text(re.compile("键入|Type to start"))
    # read in one evaluation: the theme re-renders the list as results arrive, so locators taken
    # one by one can point at an item that is gone a moment later (a 30 s wait for nth(2))
    return tab.locator("li.md-search-result__item > a").evaluate_all("els => els.map(e => e.getAttribute('href'))")


@pytest.mark.parametrize("profile", ["internal", "public"])
def test_home_page(page, profile):
    open_page(page, f"example-{profile}/index.html")
    assert "滨江发电有限公司" in page.locator("article").inner_text()
    assert page.locator("nav.md-tabs").count() == 1
    shot(page, f"home-{profile}")


@pytest.mark.parametrize("profile", ["internal", "public"])
def test_follow_the_matrix_to_a_record(page, profile):
    """From the overview to a clause group's page (issue 17 item 7), then to a record it cites."""
    open_page(page, f"example-{profile}/matrix.html")
    shot(page, f"matrix-{profile}")
    page.locator("article table a[href='matrix/5.html']").click()  # 5 leadership: the policy is public
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/matrix/5.html") and "5 领导作用" in page.locator("h1").inner_text()
    links = page.locator("article a[href*='records/']")
    assert links.count() > 0
    shot(page, f"matrix-group-{profile}")
    first = links.first
    record_id = first.inner_text().split()[0]
    first.click()
    page.wait_for_load_state("networkidle")
    assert "/records/" in page.url
    assert record_id in page.locator("h1").inner_text()
    shot(page, f"record-from-matrix-{profile}")


def test_open_a_calculation_trace_and_its_source(page):
    open_page(page, "mini-internal/computations/index.html")
    page.locator("article a", has_text="site-demo").click()
    page.wait_for_load_state("networkidle")
    article = page.locator("article").inner_text()
    assert "= 2,500.00 tCO2" in article and "2000 + 500 = 2500" in article  # the first level, open
    assert page.locator("#r-total-1").count() == 1 and page.locator("#r-total-2").count() == 1
    # the steps are collapsed (issue 17 item 7): hidden until their summary is clicked
    step = page.locator("details.cms-trace-step", has=page.locator("#r-total-1"))
    assert step.get_attribute("open") is None and not page.locator("#r-total-1").is_visible()
    step.locator("summary").first.click()
    assert page.locator("#r-total-1").is_visible()
    assert "E = AD × EF" in page.locator("article").inner_text()  # the step's formula, now shown
    shot(page, "trace")
    page.locator("article table a", has_text="POL-1").first.click()  # the input's source record
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("records/policy/POL-1.html")


def test_example_emissions_from_year_to_a_source_trace(page):
    open_page(page, "example-internal/emissions/index.html")
    assert page.locator("article img.cms-chart").count() >= 1
    assert page.evaluate("Array.from(document.querySelectorAll('img.cms-chart')).every(i => i.naturalWidth > 0)")
    shot(page, "emissions")
    page.locator("article table a", has_text="2024").first.click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("emissions/2024.html")
    link = page.locator("article table a[href^='#entry-']").first
    target = link.get_attribute("href")
    link.click()
    assert page.url.endswith(target)
    heading = page.locator(target)
    assert heading.is_visible() and "E = AD × EF" in page.locator("article").inner_text()
    shot(page, "emissions-trace")


@pytest.mark.parametrize("path", ["trading/index.html", "neutrality/index.html", "emissions/annex-e.html"])
def test_domain_pages_open_clean(page, path):
    open_page(page, f"example-internal/{path}")
    assert page.locator("article h2").count() >= 1
    shot(page, path.split("/")[0] + ("-annex-e" if "annex" in path else ""))


def test_public_site_withholds_a_result_computed_from_unpublished_records(page):
    # the internal site shows the trace; its gas input comes from the confidential POL-SECRET
    open_page(page, "mini-internal/computations/site-demo.html")
    assert page.locator("#r-total-2").count() == 1
    open_page(page, "mini-public/computations/site-demo.html")
    text = page.locator("article").inner_text()
    assert "本公开版不发布该计算结果" in text and "2500" not in text and "2,500" not in text
    assert page.locator("#r-total-2").count() == 0 and page.locator("a", has_text="POL-SECRET").count() == 0


def test_search_finds_a_chinese_word(page):
    real_search(page)
    open_page(page, "example-internal/index.html")
    hrefs = search(page, "清洁化")
    assert any("records/policy/POL-001.html" in h for h in hrefs), hrefs
    shot(page, "search-zh")
    page.locator("li.md-search-result__item > a[href*='POL-001']").first.click()
    page.wait_for_load_state("networkidle")
    assert "POL-001" in page.locator("h1").inner_text()


def test_search_finds_a_record_id_exactly_and_first(page):
    """Issue 17 item 9: an id holds hyphens, which lunr's query lexer took for separators (and
    the query for "NC OR 2025 OR 02*"): the record comes first, and every result holds the id.
    The page fixture fails the test on any console error."""
    real_search(page)
    open_page(page, "example-internal/index.html")
    hrefs = search(page, "NC-2025-02")
    assert hrefs and "records/nonconformity/NC-2025-02.html" in hrefs[0], hrefs
    assert len({h.split("?")[0] for h in hrefs}) <= 10, hrefs  # the pages naming it, not 239
    assert not any("NC-2025-01" in h for h in hrefs), hrefs
    texts = page.locator("li.md-search-result__item").all_inner_texts()
    assert all("NC-2025-02" in t for t in texts[:1]), texts
    shot(page, "search-id")


def test_search_ranks_the_neutrality_claims_first_for_carbon_neutrality(page):
    """Issue 17 item 9: 碳中和 is in the titles of a policy, an obligation, a plan, a subject, a
    review and the claims; the claims (neutrality_claim, x-cms.search_boost) come first, and a
    claim's id returns that claim's record first."""
    real_search(page)
    open_page(page, "example-internal/index.html")
    hrefs = search(page, "碳中和")
    assert hrefs and "records/neutrality_claim/NCL-HQ-" in hrefs[0], hrefs
    assert any("records/compliance_obligation/CO-009.html" in h for h in hrefs), hrefs  # still found, below
    shot(page, "search-neutrality")
    open_page(page, "example-internal/index.html")  # a fresh box: search() waits for the first results
    hrefs = search(page, "NCL-HQ-2024")
    assert hrefs and "records/neutrality_claim/NCL-HQ-2024.html" in hrefs[0], hrefs
    assert not any("NCL-HQ-2025" in h for h in hrefs[:1]), hrefs


def test_public_search_finds_only_what_the_public_pages_show(page):
    """The public index is built from the public View: the example's confidential records are
    not in it, and a word only they hold finds nothing on the public site."""
    real_search(page)
    open_page(page, "mini-public/index.html")
    assert not any("POL-SECRET" in h for h in search(page, "POL-SECRET"))
    open_page(page, "mini-internal/index.html")
    assert any("POL-SECRET" in h for h in search(page, "POL-SECRET"))


def test_untrusted_text_is_shown_as_text_and_never_runs(page):
    real_search(page)
    open_page(page, "mini-internal/records/policy/POL-HOSTILE.html")
    assert page.evaluate("typeof window.__pwned") == "undefined"
    text = page.locator("article").inner_text()
    for piece in (
        "<script>window.__pwned=1</script>",
        "[点我](javascript:window.__pwned=2)",
        '<img src=x onerror="window.__pwned=3">',
        "{{ 7*7 }}",
        "{% raw %}",
        "<b>总经理</b>",
    ):
        assert piece in text, piece
    assert page.locator("a[href^='javascript']").count() == 0
    assert page.locator("article img, article script, article b").count() == 0
    shot(page, "untrusted-text")
    # the search results show the same text: still text
    hrefs = search(page, "不可信文本")
    assert any("POL-HOSTILE" in h for h in hrefs)
    page.wait_for_timeout(300)
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.locator(".md-search-result img, .md-search-result script").count() == 0
    assert HOSTILE  # the fixture's text, used above piece by piece


def test_public_profile_hides_and_restricts(page):
    open_page(page, "mini-public/records/policy/POL-1.html")
    assert page.locator(".cms-restricted").count() >= 2  # supersedes, in metadata and references
    assert "受限" in page.locator("article").inner_text()
    shot(page, "public-restricted")
    response = page.request.get(f"{page.base}/mini-public/records/policy/POL-SECRET.html")
    assert response.status == 404


def hrefs(tab, selector: str) -> list[str]:
    return tab.locator(selector).evaluate_all("links => links.map(a => a.getAttribute('href'))")


@pytest.mark.parametrize("profile", ["internal", "public"])
def test_every_kind_page_and_a_record_of_each_open_clean(page, profile):
    """Every kind's index page and its first record: no console error, no request off-host."""
    open_page(page, f"example-{profile}/records/index.html")
    # the kind column (not the clauses column) and the number of records the profile shows
    kinds = page.locator("article table tbody tr").evaluate_all(
        "rows => rows.map(r => [r.cells[0].querySelector('a').getAttribute('href'), r.cells[2].innerText])"
    )
    assert len(kinds) >= 40 and all(re.fullmatch(r"[a-z0-9_]+\.html", k) for k, _ in kinds), kinds
    for kind_href, count in kinds:
        open_page(page, f"example-{profile}/records/{kind_href}", wait="load")
        assert page.locator("h1").count() == 1
        records = hrefs(page, "article table tbody td:first-child a")
        assert len(records) == int(count), kind_href
        for href in records[:1]:
            open_page(page, f"example-{profile}/records/{re.sub(r'^[.]/', '', href)}", wait="load")
            assert href.removesuffix(".html").rsplit("/", 1)[-1] in page.locator("h1").inner_text()
    assert sum(int(count) > 0 for _, count in kinds) >= (40 if profile == "internal" else 5)


@pytest.mark.parametrize("profile", ["internal", "public"])
def test_hostile_values_never_run_and_every_page_has_its_policy(page, server, profile):
    """The hostile organization (conftest.hostile_org: payloads in the site title, record
    titles and fields, rule and computation texts, navigation words, git authors and
    messages): every page of the site opens with no dialog, no console error (a blocked
    inline script would be one), the Content-Security-Policy meta, and the payloads as text."""
    from cms_build.site.security import CSP

    from .conftest import PAYLOAD

    site = served[server] / f"hostile-{profile}"
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))
    assert len(pages) >= 80 and "records/policy/POL-X.html" in pages and "404.html" in pages
    # 404.html links the site's files from the server's root (it answers for any path), so it
    # is not opened in a site served from a sub-folder: its policy is checked in the file
    assert f'<meta http-equiv="Content-Security-Policy" content="{markupsafe.escape(CSP)}">' in (site / "404.html").read_text(encoding="utf-8")
    for rel in (p for p in pages if p != "404.html"):
        open_page(page, f"hostile-{profile}/{rel}", wait="load")
        policies = page.locator('meta[http-equiv="Content-Security-Policy"]')
        assert policies.count() == 1 and policies.get_attribute("content") == CSP, rel
        assert page.evaluate("document.querySelectorAll('script:not([src]):not([type=\\'application/json\\'])').length") == 0, rel
        assert page.locator("[onerror], [onload], a[href^='javascript']").count() == 0, rel
        assert page.dialogs == [], rel
    open_page(page, f"hostile-{profile}/records/policy/POL-X.html")
    shown = PAYLOAD.replace("\u202e", "⟨U+202E⟩")
    assert page.title() == f"POL-X 标题 {shown} - 站点 {shown}"
    assert shown in page.locator("header").inner_text() and shown in page.locator("article h1").inner_text()
    assert shown in page.locator("nav.md-tabs").inner_text()  # the organization's words for the sections
    # the payload as the search shows it: still text
    real_search(page)
    open_page(page, f"hostile-{profile}/index.html")
    hrefs = search(page, "标题")
    assert any("POL-X" in h for h in hrefs), hrefs
    page.wait_for_timeout(300)
    assert page.dialogs == [] and page.locator(".md-search-result img, .md-search-result svg[onload]").count() == 0
    shot(page, f"hostile-{profile}")


# Issue 17 item 2: at 1280 px a table either fits its box or that box scrolls with a scrollbar
# one can see (material's own scrollbar is transparent until hovered: a clip with no cue).
CLIPPED = """() => Array.from(document.querySelectorAll('article table')).filter(t => {
  const box = t.closest('.md-typeset__scrollwrap') || t.parentElement;
  const cut = el => el.scrollWidth > el.clientWidth + 1;
  if (!cut(t) && !cut(box)) return false;
  const scroller = cut(t) ? t : box, style = getComputedStyle(scroller);
  const scrolls = ['auto', 'scroll'].includes(style.overflowX);
  const bar = scroller.offsetHeight - scroller.clientHeight;  // a scrollbar takes height when shown
  return !(scrolls && bar > 0);
}).map(t => t.innerText.slice(0, 60))"""


@pytest.mark.parametrize(
    "path",
    [
        "neutrality/index.html",
        "emissions/index.html",
        "emissions/2025.html",
        "trading/index.html",
        "matrix.html",
        "matrix/6.2-6.5.html",
        "matrix/B.7-B.8.html",
        "findings/index.html",
        "records/target/TGT-2026-ORG.html",
        "records/neutrality_claim/NCL-HQ-2025.html",
    ],
)
def test_no_table_is_clipped_at_1280_px(page, path):
    if not (served[page.base] / "example-internal" / path).is_file():
        pytest.skip(f"the example has no {path}")
    open_page(page, f"example-internal/{path}")
    assert page.evaluate("window.innerWidth") == 1280
    assert page.evaluate(CLIPPED) == []


def test_a_claim_lists_the_credits_retired_for_it(page):
    open_page(page, "example-internal/records/neutrality_claim/NCL-HQ-2025.html")
    text = page.locator("article").inner_text()
    assert "OC-2025-FS" in text and "OC-2025-WIND" in text  # both retire credits for it (records/neutrality/)
    shot(page, "claim")


def test_a_trace_citation_opens_the_cited_line_of_the_records_yaml(page):
    """Issue 17 item 8: one click from a trace's file:line to that line, shown and marked."""
    open_page(page, "example-internal/emissions/2025.html")
    link = page.locator("article a[href$='sources/activity_data/AD-2025-BJ2-GAS.html#L37']").first
    # the NCV is an input of a step, collapsed below the first level (issue 17 item 7): the auditor
    # opens the steps that hold it, then follows the citation
    link.evaluate("el => { for (let d = el.closest('details'); d; d = d.parentElement.closest('details')) d.open = true; }")
    assert link.inner_text() == "activity/2025/AD-2025-BJ2-GAS.yaml:37"
    link.click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("sources/activity_data/AD-2025-BJ2-GAS.html#L37")
    line = page.locator("#L37")
    assert line.is_visible() and line.inner_text().endswith("value: 357.8")  # the NCV the trace cites
    # the :target rule marks it: its background differs from the next line's
    marked = page.evaluate(
        "[getComputedStyle(document.getElementById('L37')).backgroundColor, getComputedStyle(document.getElementById('L38')).backgroundColor]"
    )
    assert marked[0] != marked[1]
    shot(page, "source-view")


MATRIX_PAGE_MAX_PX = 15_000  # issue 17 item 7: the single matrix page was 46,000 px (67,785 px with its item tables)


@pytest.mark.parametrize("profile", ["internal", "public"])
def test_no_matrix_page_is_too_long_and_each_clause_is_on_one(page, profile):
    """The overview and every clause group's page at 1280 px are at most 15,000 px high, and each
    clause of the matrix this profile publishes (data/export.json, the old page's rows) has its
    anchor on exactly one group page, its group's."""
    from cms_build.matrix import clause_group
    from cms_build.site import urls

    site = served[page.base] / f"example-{profile}"
    clauses = json.loads((site / "data/export.json").read_text(encoding="utf-8"))["matrix"]["clauses"]
    groups = sorted(p.relative_to(site).as_posix() for p in (site / "matrix").glob("*.html"))
    assert len(groups) == 22
    heights, where = {}, {}
    for rel in ["matrix.html", *groups]:
        open_page(page, f"example-{profile}/{rel}", wait="load")
        assert page.evaluate("window.innerWidth") == 1280
        heights[rel] = page.evaluate("document.documentElement.scrollHeight")
        for anchor_id in page.locator("article [id^='clause-']").evaluate_all("els => els.map(e => e.id)"):
            where.setdefault(anchor_id, []).append(rel)
    assert {rel: h for rel, h in heights.items() if h > MATRIX_PAGE_MAX_PX} == {}, heights
    assert len(clauses) > 200 and "clause-9-1-1" in where  # the example's catalogue; a nonconformity's clause
    for c in clauses:
        assert where.pop(urls.anchor("clause", c["number"])) == [urls.matrix_group_page(clause_group(c["number"]))[:-3] + ".html"], c["number"]
    assert where == {}
