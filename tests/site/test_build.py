"""cms build: pages from every record, references both ways, history, strict and atomic output."""

from __future__ import annotations

import html
import json
import os
import re
import subprocess
import sys

import pytest
import yaml

from cms_build.site.build import MARKER, BuildError
from tests.conftest import REPO

from .conftest import AS_OF, build, mini_org, read_tree


def page(site, rel: str) -> str:
    return (site / rel).read_text(encoding="utf-8")


@pytest.fixture
def mini(org, tmp_path):
    return mini_org(org), tmp_path


def test_example_builds_in_both_profiles(example_sites):
    from cms_build.engine import run
    from cms_build.publish import View
    from tests.conftest import EXAMPLE

    result = run(EXAMPLE, AS_OF)
    for profile, site in example_sites.items():
        assert (site / "index.html").is_file() and (site / MARKER).is_file()
        for record in View(result, profile).records:  # every published record has its page
            assert (site / "records" / record.kind / f"{record.id}.html").is_file(), record.id
        home = page(site, "index.html")
        assert "滨江发电有限公司" in home and "2026-06-30" in home


def test_navigation_holds_sections_not_records(mini):
    root, tmp = mini
    report = build(root, tmp / "site")
    config = yaml.safe_load((report.work / "mkdocs.yml").read_text(encoding="utf-8"))
    flat = json.dumps(config["nav"], ensure_ascii=False)
    assert "records/policy/" not in flat  # record pages are listed on index pages only
    assert "records/policy.md" in flat and "findings/index.md" in flat and "matrix.md" in flat
    assert config["strict"] is True and config["theme"]["font"] is False
    assert config["validation"]["links"]["anchors"] == "warn"  # with strict: a broken anchor fails
    kind_page = page(report.out, "records/policy.html")
    assert 'href="policy/POL-1.html"' in kind_page and 'href="policy/POL-HOSTILE.html"' in kind_page


def test_record_page_shows_metadata_content_references_and_findings(mini):
    root, tmp = mini
    site = build(root, tmp / "site").out
    pol = page(site, "records/policy/POL-1.html")
    # metadata and content labels come from the schema titles (Chinese by default)
    for label in ("文件编号", "版本", "批准人", "批准日期", "密级", "方针内容", "发布人（最高管理者，人员编号）"):
        assert label in pol, label
    assert "推进燃料清洁化" in pol and "DOC-POL-1" in pol
    # the internal profile links the superseded confidential record
    assert 'href="POL-SECRET.html"' in pol
    # findings on the record name their rule; the scope page is linked from the organization's
    assert "site.review-due" in pol and "方针内容需要在下次管理评审时复核" in pol
    org_page = page(site, "records/organization/ORG-1.html")
    assert 'href="../scope/SCOPE-1.html"' in org_page  # referred to by
    scope = page(site, "records/scope/SCOPE-1.html")
    assert 'href="../organization/ORG-1.html"' in scope  # refers to
    findings = page(site, "findings/index.html")
    assert 'href="site.review-due.html"' in findings  # the summary links each rule's page
    rule = page(site, "findings/site.review-due.html")
    assert 'href="../records/policy/POL-1.html"' in rule and "方针内容需要在下次管理评审时复核" in rule


def test_english_site_takes_labels_from_x_title_en(mini):
    root, tmp = mini
    site = build(root, tmp / "site", language="en").out
    pol = html.unescape(page(site, "records/policy/POL-1.html"))
    assert "Statement" in pol and "Issued by (top management, person id)" in pol and "Document number" in pol
    assert "发布人（最高管理者，人员编号）" not in pol and "文件编号" not in pol
    assert '<html lang="en"' in page(site, "index.html")


def test_same_inputs_same_bytes(mini):
    root, tmp = mini
    first = read_tree(build(root, tmp / "a").out)
    second = read_tree(build(root, tmp / "b").out)
    assert first.keys() == second.keys()
    assert [k for k in first if first[k] != second[k]] == []
    assert "search/search_index.json" in first and "sitemap.xml.gz" in first
    assert "search/search_index.json.gz" in first  # deterministic: gzip without a time stamp


def test_the_example_gives_the_same_bytes_twice(tmp_path, example_sites):
    """With charts, traces, Annex E tables and the search index: nothing depends on the clock.
    The first build is the session's (conftest.example_sites, built earlier), the second now."""
    from tests.conftest import EXAMPLE

    first = read_tree(example_sites["internal"])
    second = read_tree(build(EXAMPLE, tmp_path / "b", "internal").out)
    assert any(name.startswith("charts/") for name in first)
    assert [k for k in first if first.get(k) != second.get(k)] == [] and first.keys() == second.keys()


def test_mkdocs_runs_after_the_runs_result_is_let_go(mini, monkeypatch):
    """mkdocs holds every page's HTML, the build's peak memory (issue 19): the run's records and
    findings and the site model are freed before it starts, so it reuses their memory; a caller
    that passed its own result keeps it."""
    import gc

    from cms_build.engine import Result, run
    from cms_build.site import build as site_build
    from cms_build.site.model import SiteModel

    root, tmp = mini
    alive: list[tuple[int, int]] = []
    real = site_build.run_mkdocs

    def counting(*args, **kw):
        gc.collect()
        objects = gc.get_objects()
        alive.append((sum(isinstance(o, Result) for o in objects), sum(isinstance(o, SiteModel) for o in objects)))
        return real(*args, **kw)

    monkeypatch.setattr(site_build, "run_mkdocs", counting)
    report = build(root, tmp / "a")
    assert alive == [(0, 0)]
    assert report.records > 0 and report.pages > report.records
    kept = run(root, AS_OF)
    build(root, tmp / "b", result=kept)
    assert alive[1] == (1, 0)  # the caller's, untouched
    assert read_tree(tmp / "a") == read_tree(tmp / "b")


def test_attached_files_are_copied_under_names_the_site_chooses(mini):
    root, tmp = mini
    (root / "policy" / "evidence").mkdir()
    (root / "policy" / "evidence" / "会议纪要 <x>.pdf").write_bytes(b"%PDF-1.4 minutes")
    (root / "policy" / "evidence" / "page.html").write_text("<script>alert(1)</script>", encoding="utf-8")
    (root / "policy" / "POL-ATT.yaml").write_text(
        yaml.safe_dump(
            {
                "kind": "policy",
                "id": "POL-ATT",
                "title": "附件",
                "status": "approved",
                "confidentiality": "public",
                "statement": "见附件",
                "issued_by": "总经理",
                "attachments": [{"path": "evidence/会议纪要 <x>.pdf", "title": "纪要"}, {"path": "evidence/page.html"}],
            },
            allow_unicode=True,
        ),
        encoding="utf-8",
    )
    site = build(root, tmp / "site").out
    assert (site / "files/POL-ATT/1.pdf").read_bytes() == b"%PDF-1.4 minutes"
    assert (site / "files/POL-ATT/2.bin").is_file()  # never served as a page that could run
    assert not list(site.rglob("page.html")) and not list(site.rglob("*会议纪要*"))
    pol = page(site, "records/policy/POL-ATT.html")
    assert 'href="../../files/POL-ATT/1.pdf"' in pol and 'href="../../files/POL-ATT/2.bin"' in pol
    assert "会议纪要 <x>.pdf" in html.unescape(pol) and "<x>" not in pol


def test_failed_build_leaves_the_last_good_site(mini):
    root, tmp = mini
    out = tmp / "site"
    build(root, out)
    before = read_tree(out)
    # an organization's template with a broken link: strict mkdocs refuses it
    (root / "site" / "templates").mkdir(parents=True)
    (root / "site" / "templates" / "home.md.j2").write_text("# 首页\n\n[坏链接](no-such-page.md)\n", encoding="utf-8")
    with pytest.raises(BuildError, match="no-such-page.md"):
        build(root, out)
    assert read_tree(out) == before
    assert [p.name for p in tmp.iterdir() if ".tmp-" in p.name or ".old-" in p.name] == []


def test_broken_anchor_fails_the_build(mini):
    root, tmp = mini
    (root / "site" / "templates").mkdir(parents=True)
    (root / "site" / "templates" / "home.md.j2").write_text("# 首页\n\n[矩阵](matrix.md#no-such-anchor)\n", encoding="utf-8")
    with pytest.raises(BuildError, match="no-such-anchor"):
        build(root, tmp / "site")


def test_output_folder_that_could_hold_sources_is_refused(mini):
    root, tmp = mini
    with pytest.raises(BuildError, match="overwrite sources"):
        build(root, root)
    with pytest.raises(BuildError, match="overwrite sources"):
        build(root, root.parent)
    with pytest.raises(BuildError, match="inside the records folder"):
        build(root, root / "policy")
    other = tmp / "not-a-site"
    other.mkdir()
    (other / "keep.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(BuildError, match="not a site built by cms"):
        build(root, other)
    assert (other / "keep.txt").read_text(encoding="utf-8") == "mine"
    build(root, root / "_site")  # the git-ignored default folder inside the repository is fine


def _git(root, *args):
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "周敏",
        "GIT_AUTHOR_EMAIL": "zm@example.cn",
        "GIT_COMMITTER_NAME": "周敏",
        "GIT_COMMITTER_EMAIL": "zm@example.cn",
        "GIT_AUTHOR_DATE": "2025-03-01T10:00:00+08:00",
        "GIT_COMMITTER_DATE": "2025-03-01T10:00:00+08:00",
    }
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, env=env)


def test_revision_history_from_git(mini):
    root, tmp = mini
    _git(root, "init", "-q")
    _git(root, "add", ".")
    _git(root, "commit", "-q", "-m", "方针第一版 <b>初稿</b>")
    sha = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True).stdout.strip()
    (root / "policy" / "POL-1.yaml").write_text((root / "policy" / "POL-1.yaml").read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    internal = build(root, tmp / "internal").out
    pol = page(internal, "records/policy/POL-1.html")
    assert sha[:10] in pol and "2025-03-01" in pol and "周敏" in pol
    assert "<b>初稿" not in pol and "方针第一版 <b>初稿</b>" in html.unescape(pol)  # the message is text
    assert "未提交" in pol  # the working copy differs from the last commit: said so
    assert "未提交" not in page(internal, "records/scope/SCOPE-1.html")
    public = build(root, tmp / "public", profile="public").out
    pub = page(public, "records/policy/POL-1.html")
    assert sha[:10] in pub and "2025-03-01" in pub
    assert "周敏" not in pub and "方针第一版" not in pub  # authors and messages stay internal


def test_no_git_repository_is_said_not_failed(mini):
    root, tmp = mini
    site = build(root, tmp / "site").out
    assert "不在 git 版本库中" in page(site, "records/policy/POL-1.html")


def test_chinese_words_are_in_the_search_index(mini):
    root, tmp = mini
    site = build(root, tmp / "site").out
    index = json.loads(page(site, "search/search_index.json"))
    assert index["config"]["lang"] == ["zh"]
    docs = [d for d in index["docs"] if d["location"].startswith("records/policy/POL-1.html")]
    text = " ".join(d["text"] for d in docs)
    # jieba has cut the Chinese text into words, with zero-width spaces between them
    assert "\u200b" in text and "清洁" in text.replace("\u200b", "")


def test_search_indexes_what_a_record_holds_not_what_links_to_it(mini):
    """References, findings and git history repeat other records' words: searching them would
    list every record that mentions a word, and the browser rebuilds the index on each load."""
    root, tmp = mini
    site = build(root, tmp / "site").out
    docs = json.loads(page(site, "search/search_index.json"))["docs"]

    def text_of(location: str) -> str:
        return " ".join(d["title"] + " " + d["text"] for d in docs if d["location"].split("#")[0] == location).replace("\u200b", "")

    org_page, scope_page, policy_page = (text_of(f"records/{p}.html") for p in ("organization/ORG-1", "scope/SCOPE-1", "policy/POL-1"))
    assert "体系范围" in scope_page and "体系范围" not in org_page  # SCOPE-1 references ORG-1
    assert "燃料清洁化" in policy_page and "下次管理评审时复核" not in policy_page  # content yes, its finding no
    assert "修订历史" not in policy_page and "引用的记录" not in policy_page
    assert "下次管理评审时复核" in page(site, "records/policy/POL-1.html")  # still on the page itself


def test_cli_build_and_exit_codes(mini):
    root, tmp = mini
    cmd = [sys.executable, "-m", "cms_build.cli", "build", str(root), "--as-of", "2026-06-30", "--out"]
    ok = subprocess.run([*cmd, str(tmp / "cli-site"), "--profile", "public"], capture_output=True, text=True, cwd=REPO)
    assert ok.returncode == 0, ok.stderr
    assert "public" in ok.stdout and (tmp / "cli-site" / "index.html").is_file()
    refused = subprocess.run([*cmd, str(root)], capture_output=True, text=True, cwd=REPO)
    assert refused.returncode == 2 and "overwrite sources" in refused.stderr


@pytest.mark.parametrize("as_of", ["1900-01-01", "2999-12-31"])
def test_an_as_of_date_a_site_cannot_carry_is_a_usage_error(mini, as_of):
    root, tmp = mini
    proc = subprocess.run(
        [sys.executable, "-m", "cms_build.cli", "build", str(root), "--as-of", as_of, "--out", str(tmp / "far")], capture_output=True, text=True, cwd=REPO
    )
    assert proc.returncode == 2 and "1970-01-02 to 2106-02-06" in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp / "far").exists()


def test_invalid_settings_are_not_built_into_a_site(mini):
    root, tmp = mini
    (root / "cms.yaml").write_text("organization: [unclosed\n", encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "cms_build.cli", "build", str(root), "--as-of", "2026-06-30", "--out", str(tmp / "bad")],
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    assert proc.returncode == 2 and "settings are invalid" in proc.stderr and "cms.yaml:" in proc.stderr
    assert not (tmp / "bad").exists()


def test_referenced_by_lists_references_made_inside_lists(example_sites):
    """A reference inside a list (credits' retirements[i].claim, an activity line's instrument)
    is listed on the target's page with the field that makes it."""
    site = example_sites["internal"]
    claim = page(site, "records/neutrality_claim/NCL-HQ-2025.html")
    section = claim[claim.index('id="被以下记录引用"') :] if 'id="被以下记录引用"' in claim else claim
    for credit in ("OC-2025-FS", "OC-2025-WIND"):
        assert f"../offset_credit/{credit}.html" in section, credit
    instrument = page(site, "records/measuring_instrument/MI-BJ1-BS-1.html")
    assert "../activity_data/AD-2025-BJ1-U1-COAL.html" in instrument


def test_a_nonconformity_links_its_clause_to_the_matrix(example_sites):
    # records/improvement/NC-2025-01.yaml says clause: 9.1.1 (issue 17 item 12): on the page of
    # clause group 9 (issue 17 item 7)
    nc = page(example_sites["internal"], "records/nonconformity/NC-2025-01.html")
    assert "../../matrix/9.html#clause-9-1-1" in nc and "matrix.html#" not in nc


def _overview_rows(site) -> dict[str, list[str]]:
    """The matrix overview's table: the group page each row links to -> the row's cells as text."""
    rows = {}
    for tr in re.findall(r"<tr>(.*?)</tr>", page(site, "matrix.html"), re.S):
        cells = re.findall(r"<td[^>]*>(.*?)</td>", tr, re.S)
        link = re.search(r'href="(matrix/[^"#]+\.html)"', cells[0]) if cells else None
        if link:
            assert link.group(1) not in rows, link.group(1)
            rows[link.group(1)] = [html.unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in cells]
    return rows


@pytest.mark.parametrize("profile", ["internal", "public"])
def test_the_matrix_is_an_overview_and_a_page_per_clause_group(example_sites, profile):
    """Issue 17 item 7: every clause of the matrix this profile publishes (the rows of the old
    single page) is on exactly one group page, its group's, with its anchor; the overview links
    every group page once and holds no clause row; every link to a clause reaches its anchor."""
    from cms_build.matrix import STATUSES, clause_group
    from cms_build.site import urls

    site = example_sites[profile]
    matrix = json.loads(page(site, "data/export.json"))["matrix"]  # the View's matrix, as the pages show it
    pages = sorted(p.relative_to(site).as_posix() for p in (site / "matrix").glob("*.html"))
    where: dict[str, list[str]] = {}
    for rel in pages:
        for anchor_id in re.findall(r'id="(clause-[^"]+)"', page(site, rel)):
            where.setdefault(anchor_id, []).append(rel)
    for c in matrix["clauses"]:
        assert where.pop(urls.anchor("clause", c["number"])) == [urls.matrix_group_page(clause_group(c["number"]))[:-3] + ".html"], c["number"]
    assert where == {}  # no clause twice, none that is not in the matrix
    assert 'id="clause-' not in page(site, "matrix.html")
    rows = _overview_rows(site)
    assert sorted(rows) == pages and len(pages) == 22  # CLAUSE_GROUPS: 1 + 6 + 2 + 4 * 3 + 1 (clauses 4, 5, 7-10; 6 in two)
    # the overview's counts by status add up to the matrix's summary, column by column
    for i, status in enumerate(STATUSES, start=1):
        assert sum(int(cells[i]) for cells in rows.values()) == matrix["summary"][status], status
    # every link of the site to a clause of the matrix points at a page and anchor that exist
    for path in site.rglob("*.html"):
        for target in re.findall(r'href="([^"]*matrix[^"]*#clause-[^"]+)"', path.read_text(encoding="utf-8")):
            rel, anchor_id = target.split("#")
            dest = (path.parent / rel).resolve()
            assert dest.parent.name == "matrix" and f'id="{anchor_id}"' in dest.read_text(encoding="utf-8"), (path, target)


def test_the_matrix_overview_counts_a_group(example_sites):
    """The overview's row of clause group 9 (internal example), worked out from the clauses of
    its page: conforming 9.3.1, 9.3.3, 9.3.4 (3); documented (not verified) 9.1.1, 9.1.2, 9.2.1,
    9.2.2, 9.3.2 (5); the headings 9, 9.1, 9.2, 9.3 informative (4); none nonconforming, without
    evidence or not applicable. Items verified/documented/nonconforming/reviewer/missing, clause
    by clause 6/6/0/0/0 (9.1.1 e, when monitoring results are evaluated, is verified since the
    monitoring plans record it and mon.evaluation-timing-missing checks it, issue 21; 9.1.1 b by
    emissions.instrument-not-in-plan and d by emissions.samples-period-missing), 4/3, 1/3,
    6/1, 1/0, 7/1, 1/0, 1/0: verified 6+4+1+6+1+7+1+1 = 27, documented 6+3+3+1+0+1+0+0 = 14,
    missing 0. The example has no findings (0)."""
    rows = _overview_rows(example_sites["internal"])
    assert rows["matrix/9.html"] == ["9 绩效评价", "3", "5", "0", "0", "0", "4", "27/14/0/0/0", "0"]
    group = html.unescape(page(example_sites["internal"], "matrix/9.html"))
    for number, items in (("9.1.1", "6/6/0/0/0"), ("9.1.2", "4/3/0/0/0"), ("9.3.2", "7/1/0/0/0")):
        assert re.search(rf'href="#clause-{number.replace(".", "-")}">{re.escape(number)}</a></td>.*?<td[^>]*>{re.escape(items)}</td>', group, re.S), number
    # the group's page links back to the overview and to its neighbours
    assert 'href="../matrix.html"' in group and 'href="8.html"' in group and 'href="10.html"' in group


@pytest.mark.parametrize("profile", ["internal", "public"])
def test_hostile_values_reach_no_page_as_markup(org, tmp_path, profile):
    """Every page of the hostile organization (conftest.hostile_org) in its files: the payloads
    only as escaped text, the Content-Security-Policy meta before any script, no inline script,
    and no theme feature that turns an attribute back into HTML (content.tooltips did)."""
    import re

    import markupsafe

    from cms_build.site.security import CSP

    from .conftest import PAYLOAD, hostile_org

    report = build(hostile_org(org), tmp_path / "site", profile)
    pages = {p.relative_to(report.out).as_posix(): p.read_text(encoding="utf-8") for p in report.out.rglob("*.html")}
    meta = f'<meta http-equiv="Content-Security-Policy" content="{markupsafe.escape(CSP)}">'
    raw = ("<script>alert", "<img src=x", "<svg onload", "javascript:alert('xss-4')\"", "\u202e")
    for rel, text in sorted(pages.items()):
        assert text.count(meta) == 1 and text.index(meta) < text.index("<script"), rel
        assert [s for s in re.findall(r"<script([^>]*)>", text) if "src=" not in s and "application/json" not in s] == [], rel
        assert [r for r in raw if r in text] == [], rel
    shown = PAYLOAD.replace("\u202e", "⟨U+202E⟩")
    page = pages["records/policy/POL-X.html"]
    # the record's title and the site name, each escaped once: the browser shows the payload
    title = re.search(r"<title>POL-X 标题 ([^<]*) - 站点 ([^<]*)</title>", page)
    assert html.unescape(title.group(1)) == html.unescape(title.group(2)) == shown
    assert f'aria-label="站点 {html.escape(shown, quote=True)}"' in page
    config = yaml.safe_load((report.work / "mkdocs.yml").read_text(encoding="utf-8"))
    assert "content.tooltips" not in config["theme"]["features"]


# -- where a build writes, one build at a time, and what a killed one leaves ---------------------
def test_the_markdown_is_written_under_the_records_folder_never_beside_out(mini):
    root, tmp = mini
    web_root = tmp / "www"
    report = build(root, web_root / "site")
    assert report.work.parent == (root / ".cms-build").resolve()
    assert (report.work / "docs" / "index.md").is_file()
    assert sorted(p.name for p in web_root.iterdir()) == [".site.lock", "site"]  # no .cms-build, no Markdown
    assert not list((web_root / "site").rglob("*.md"))
    from cms_build.engine import run

    assert not [r for r in run(root, AS_OF, stages="validate").records if ".cms-build" in r.rel]


def test_a_second_build_into_the_same_out_is_refused_while_one_runs(mini):
    import fcntl

    root, tmp = mini
    out = tmp / "site"
    build(root, out)
    before = read_tree(out)
    with open(tmp / ".site.lock", "w") as held:  # what a running build holds
        fcntl.flock(held, fcntl.LOCK_EX)
        with pytest.raises(BuildError) as err:
            build(root, out)
    assert str(err.value) == (f"another cms build is writing into {out} (it holds {tmp / '.site.lock'}); wait for it to end, or build into another --out")
    assert read_tree(out) == before
    build(root, out)  # the lock is the kernel's: released with the file, never stale


def test_two_builds_at_once_never_corrupt_the_site(mini):
    root, tmp = mini
    out = tmp / "site"
    cmd = [sys.executable, "-m", "cms_build.cli", "build", str(root), "--as-of", AS_OF.isoformat(), "--out", str(out)]
    procs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    done = [(p.wait(timeout=300), p.stderr.read()) for p in procs]
    for code, err in done:
        assert "Traceback" not in err and "FileNotFoundError" not in err
        assert code == 0 or (code == 2 and "another cms build is writing into" in err), err
    assert 0 in [code for code, _ in done]
    assert (out / MARKER).is_file() and (out / "index.html").is_file()
    assert [p.name for p in tmp.iterdir() if ".tmp-" in p.name or ".old-" in p.name] == []


def test_a_killed_builds_leftovers_are_removed_and_a_half_swapped_site_put_back(mini):
    from cms_build.site.build import _clean_leftovers

    root, tmp = mini
    out = tmp / "site"
    old = tmp / ".site.old-4242"  # killed between the two renames of a swap: no site, the last good one here
    old.mkdir()
    (old / MARKER).write_text("cms evidence site\n", encoding="utf-8")
    (old / "index.html").write_text("last good", encoding="utf-8")
    (tmp / ".site.tmp-4343").mkdir()
    (tmp / ".site.tmp-4343" / "half.html").write_text("half written", encoding="utf-8")
    _clean_leftovers(out)
    assert (out / "index.html").read_text(encoding="utf-8") == "last good"
    assert sorted(p.name for p in tmp.iterdir() if p.name != "org") == ["site"]
    (tmp / ".site.tmp-4444").mkdir()
    build(root, out)
    assert sorted(p.name for p in tmp.iterdir() if p.name != "org") == [".site.lock", "site"]
    assert "last good" not in page(out, "index.html")


def test_the_swap_exchanges_the_folders_in_one_step(tmp_path, monkeypatch):
    from cms_build.site import build as build_module

    out, new = tmp_path / "site", tmp_path / ".site.tmp-1"
    for folder, text in ((out, "old"), (new, "new")):
        folder.mkdir()
        (folder / "index.html").write_text(text, encoding="utf-8")
    probe_a, probe_b = tmp_path / "a", tmp_path / "b"
    probe_a.mkdir(), probe_b.mkdir()
    if not build_module._exchange(probe_a, probe_b):
        pytest.skip("this system cannot exchange two folders in one step")

    def no_rename(*args):
        raise AssertionError("a rename would leave a moment without a site")

    monkeypatch.setattr(build_module.os, "replace", no_rename)
    build_module.swap(new, out)
    assert (out / "index.html").read_text(encoding="utf-8") == "new" and not new.exists()


def test_a_full_disk_is_reported_as_such(mini, monkeypatch):
    import errno
    from cms_build.site import build as build_module

    root, tmp = mini

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", str(tmp / "x"))

    monkeypatch.setattr(build_module, "write_config", full)
    with pytest.raises(BuildError) as err:
        build(root, tmp / "site")
    assert str(err.value) == f"the disk is full (No space left on device: {tmp / 'x'}); free some space and build again"
    assert [p.name for p in tmp.iterdir() if ".tmp-" in p.name or ".old-" in p.name] == []


def test_out_inside_the_work_folder_is_refused(mini):
    root, tmp = mini
    with pytest.raises(BuildError, match=r"is inside .*\.cms-build, where builds keep their work"):
        build(root, root / ".cms-build" / "site")


@pytest.mark.parametrize(
    "source, line, says",
    [
        ("# 首页\n\n{{ no_such_value }}\n", 3, "UndefinedError: 'no_such_value' is undefined"),
        ("# 首页\n\n{% if %}\n", 3, "TemplateSyntaxError: Expected an expression, got 'end of statement block'"),
        ("# 首页\n{% for x in [1] %}\n{{ x / 0 }}\n{% endfor %}\n", 3, "ZeroDivisionError: division by zero"),
    ],
)
def test_an_organization_template_error_names_its_file_and_line(mini, source, line, says):
    root, tmp = mini
    (root / "site" / "templates").mkdir(parents=True)
    (root / "site" / "templates" / "home.md.j2").write_text(source, encoding="utf-8")
    with pytest.raises(BuildError) as err:
        build(root, tmp / "site")
    assert str(err.value) == (
        f"site/templates/home.md.j2:{line}: the organization's template home.md.j2 failed: {says}; correct it, or remove it to use the bundled one"
    )
    assert not (tmp / "site").exists()


def test_matrix_and_home_pages_count_items(mini):
    """The matrix page shows each clause's items with their status, the overview counts them
    (verified/documented/nonconforming/reviewer-only/missing), and the home page gives the totals."""
    from cms_build.engine import run
    from cms_build.matrix import build_matrix

    root, tmp = mini
    matrix = build_matrix(run(root, AS_OF))
    rows = {r["number"]: r for r in matrix["clauses"]}
    site = build(root, tmp / "site").out
    # the clauses 4.3 and 5.1 are on the pages of their groups (issue 17 item 7)
    text = html.unescape(page(site, "matrix/4.html") + page(site, "matrix/5.html"))
    assert "条目（已验证/有记录/不符合/仅评审员判断/缺失）" in text and "有记录未验证" in text  # the weaker status, by name
    counts = rows["4.3"]["item_counts"]
    assert (f"{counts['verified']}/{counts['documented']}/{counts['nonconforming']}/{counts['reviewer']}/{counts['missing']}") in text
    # an item only a reviewer can judge shows the reason in place of the rules (5.1 c, issue 21)
    assert "仅评审员判断" in text and "体系要求是否融入业务过程只能在业务流程中观察" in text
    assert "4.3 s2" in text and 'class="cms-badge cms-item-verified"' in text
    home = html.unescape(page(site, "index.html"))
    shall = matrix["item_summary"]["shall"]
    for status, name in (("verified", "已验证"), ("documented", "有记录"), ("reviewer", "仅评审员判断"), ("missing", "缺失")):
        assert f"{name}</span> {shall[status]}" in home, status


def _enum_keys() -> set:
    """Every snake_case string enum value of the bundled schemas (coal_fired_unit, fuel_combustion...)."""
    import json as _json
    from cms_build.paths import bundled

    keys: set = set()

    def walk(node):
        if isinstance(node, dict):
            if isinstance(node.get("enum"), list):
                keys.update(v for v in node["enum"] if isinstance(v, str) and "_" in v)
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    for path in sorted(bundled("schemas").glob("*.schema.json")):
        walk(_json.loads(path.read_text(encoding="utf-8")))
    return keys


def test_no_enum_key_is_the_whole_text_of_a_table_cell_on_the_chinese_site(example_sites):
    """Issue 17 item 1: a cell shows 燃煤机组, not coal_fired_unit; a market key such as
    national_ets:CEA:2021 shows its scheme in words."""
    from html.parser import HTMLParser

    keys = _enum_keys()
    assert {"fuel_combustion", "internal_audit", "forest_sink", "emission_factor"} <= keys

    class Cells(HTMLParser):
        def __init__(self):
            super().__init__()
            self.depth, self.text, self.cells = 0, [], []

        def handle_starttag(self, tag, attrs):
            if tag in ("td", "th"):
                self.depth, self.text = 1, []

        def handle_endtag(self, tag):
            if tag in ("td", "th") and self.depth:
                self.cells.append("".join(self.text).strip())
                self.depth = 0

        def handle_data(self, data):
            if self.depth:
                self.text.append(data)

    site = example_sites["internal"]
    raw = []
    for html_file in sorted(site.rglob("*.html")):
        parser = Cells()
        parser.feed(html_file.read_text(encoding="utf-8"))
        for cell in parser.cells:
            head = cell.split(":", 1)[0]
            if cell in keys or (":" in cell and head in keys and " " not in cell):
                raw.append(f"{html_file.relative_to(site)}: {cell}")
    assert raw == [], f"{len(raw)} cells show a raw key, first: {raw[:10]}"


def test_the_search_index_is_precompressed_and_ids_stay_whole(mini):
    """cms_build/site/search.py: search_index.json.gz beside the index (gzip, mtime 0), and the
    theme's worker splits queries as the index is split, so an id is one term."""
    import gzip
    import re as re_

    root, tmp = mini
    site = build(root, tmp / "site").out
    raw = (site / "search/search_index.json").read_bytes()
    packed = (site / "search/search_index.json.gz").read_bytes()
    assert gzip.decompress(packed) == raw
    assert packed[:3] == b"\x1f\x8b\x08" and packed[4:8] == b"\0\0\0\0"  # magic, deflate; mtime 0
    assert packed[3] & 0x08 == 0  # no file name stored
    [worker] = (site / "assets/javascripts/workers").glob("search.*.min.js")
    assert "QueryLexer.termSeparator=/\\s+/" in worker.read_text(encoding="utf-8")
    # the index's separator (a JavaScript RegExp; this one reads the same in Python): an id keeps
    # its hyphens, a dash between words or at a word's edge still separates
    separator = json.loads(raw)["config"]["separator"]
    tokens = [t for t in re_.split(separator, "NC-2025-02 的\u200b整改 - 完成 a- -b") if t]
    assert tokens == ["NC-2025-02", "的", "整改", "完成", "a", "b"]
