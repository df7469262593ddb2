"""cms build: pages from every record, references both ways, history, strict and atomic output."""
from __future__ import annotations

import html
import json
import os
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
    for label in ("文件编号", "版本", "批准人", "批准日期", "密级", "方针内容", "发布人（最高管理者）"):
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
    assert "Statement" in pol and "Issued by (top management)" in pol and "Document number" in pol
    assert "发布人（最高管理者）" not in pol and "文件编号" not in pol
    assert '<html lang="en"' in page(site, "index.html")


def test_same_inputs_same_bytes(mini):
    root, tmp = mini
    first = read_tree(build(root, tmp / "a").out)
    second = read_tree(build(root, tmp / "b").out)
    assert first.keys() == second.keys()
    assert [k for k in first if first[k] != second[k]] == []
    assert "search/search_index.json" in first and "sitemap.xml.gz" in first


def test_the_example_gives_the_same_bytes_twice(tmp_path):
    """With charts, traces, Annex E tables and the search index: nothing depends on the clock."""
    from tests.conftest import EXAMPLE
    first = read_tree(build(EXAMPLE, tmp_path / "a", "internal").out)
    second = read_tree(build(EXAMPLE, tmp_path / "b", "internal").out)
    assert any(name.startswith("charts/") for name in first)
    assert [k for k in first if first.get(k) != second.get(k)] == [] and first.keys() == second.keys()


def test_attached_files_are_copied_under_names_the_site_chooses(mini):
    root, tmp = mini
    (root / "policy" / "evidence").mkdir()
    (root / "policy" / "evidence" / "会议纪要 <x>.pdf").write_bytes(b"%PDF-1.4 minutes")
    (root / "policy" / "evidence" / "page.html").write_text("<script>alert(1)</script>", encoding="utf-8")
    (root / "policy" / "POL-ATT.yaml").write_text(yaml.safe_dump({
        "kind": "policy", "id": "POL-ATT", "title": "附件", "status": "approved", "confidentiality": "public",
        "statement": "见附件", "issued_by": "总经理",
        "attachments": [{"path": "evidence/会议纪要 <x>.pdf", "title": "纪要"}, {"path": "evidence/page.html"}]},
        allow_unicode=True), encoding="utf-8")
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
    (root / "site" / "templates" / "home.md.j2").write_text("# 首页\n\n[矩阵](matrix.md#no-such-anchor)\n",
                                                             encoding="utf-8")
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
    env = {**os.environ, "GIT_AUTHOR_NAME": "周敏", "GIT_AUTHOR_EMAIL": "zm@example.cn",
           "GIT_COMMITTER_NAME": "周敏", "GIT_COMMITTER_EMAIL": "zm@example.cn",
           "GIT_AUTHOR_DATE": "2025-03-01T10:00:00+08:00", "GIT_COMMITTER_DATE": "2025-03-01T10:00:00+08:00"}
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, env=env)


def test_revision_history_from_git(mini):
    root, tmp = mini
    _git(root, "init", "-q")
    _git(root, "add", ".")
    _git(root, "commit", "-q", "-m", "方针第一版 <b>初稿</b>")
    sha = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True).stdout.strip()
    (root / "policy" / "POL-1.yaml").write_text((root / "policy" / "POL-1.yaml").read_text(encoding="utf-8")
                                                + "# edited\n", encoding="utf-8")
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
        return " ".join(d["title"] + " " + d["text"] for d in docs
                        if d["location"].split("#")[0] == location).replace("\u200b", "")

    org_page, scope_page, policy_page = (text_of(f"records/{p}.html")
                                         for p in ("organization/ORG-1", "scope/SCOPE-1", "policy/POL-1"))
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
    proc = subprocess.run([sys.executable, "-m", "cms_build.cli", "build", str(root), "--as-of", as_of, "--out",
                           str(tmp / "far")], capture_output=True, text=True, cwd=REPO)
    assert proc.returncode == 2 and "1970-01-02 to 2106-02-06" in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp / "far").exists()


def test_invalid_settings_are_not_built_into_a_site(mini):
    root, tmp = mini
    (root / "cms.yaml").write_text("organization: [unclosed\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "cms_build.cli", "build", str(root), "--as-of", "2026-06-30",
                           "--out", str(tmp / "bad")], capture_output=True, text=True, cwd=REPO)
    assert proc.returncode == 2 and "settings are invalid" in proc.stderr and "cms.yaml:" in proc.stderr
    assert not (tmp / "bad").exists()


def test_referenced_by_lists_references_made_inside_lists(example_sites):
    """A reference inside a list (credits' retirements[i].claim, an activity line's instrument)
    is listed on the target's page with the field that makes it."""
    site = example_sites["internal"]
    claim = page(site, "records/neutrality_claim/NC-HQ-2025.html")
    section = claim[claim.index('id="被以下记录引用"'):] if 'id="被以下记录引用"' in claim else claim
    for credit in ("OC-2025-FS", "OC-2025-WIND"):
        assert f"../offset_credit/{credit}.html" in section, credit
    instrument = page(site, "records/measuring_instrument/MI-BJ1-BS-1.html")
    assert "../activity_data/AD-2025-BJ1-U1-COAL.html" in instrument
