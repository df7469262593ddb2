"""A rebuild into the same --out renders only the pages whose Markdown changed, and writes the
bytes a cold build of the same inputs writes (cms_build/site/incremental.py)."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest
import yaml

from cms_build.site import incremental
from cms_build.site.build import BuildError

from .conftest import AS_OF, build, mini_org, read_tree


@pytest.fixture
def mini(org, tmp_path):
    return mini_org(org), tmp_path


def same_as_cold(root, tmp, out, profile="internal", as_of=AS_OF):
    """The incremental site at out equals a cold build of the same inputs into another folder."""
    cold = build(root, tmp / "cold", profile, as_of, full=True)
    assert cold.rendered == cold.pages  # full: every page rendered
    a, b = read_tree(out), read_tree(cold.out)
    assert a.keys() == b.keys()
    assert [k for k in a if a[k] != b[k]] == []
    shutil.rmtree(cold.out)


def edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_a_rebuild_without_changes_renders_no_page(mini):
    root, tmp = mini
    first = build(root, tmp / "site")
    assert first.rendered == first.pages > 0  # nothing to reuse the first time
    second = build(root, tmp / "site")
    assert second.rendered == 0 and second.pages == first.pages
    same_as_cold(root, tmp, second.out)


def test_one_field_renders_only_the_pages_that_show_it(mini):
    root, tmp = mini
    first = build(root, tmp / "site")
    edit(root / "scope" / "SCOPE-1.yaml", "燃煤发电", "燃煤与燃气发电")
    second = build(root, tmp / "site")
    # the record's own page and its source page at least, never the whole site
    assert 2 <= second.rendered <= first.pages // 4
    same_as_cold(root, tmp, second.out)


def test_full_renders_every_page(mini):
    root, tmp = mini
    build(root, tmp / "site")
    again = build(root, tmp / "site", full=True)
    assert again.rendered == again.pages


@pytest.mark.parametrize(
    "change",
    ["title", "delete", "add", "as_of", "template"],
)
def test_every_kind_of_change_gives_the_cold_build(mini, change):
    root, tmp = mini
    as_of = AS_OF
    build(root, tmp / "site")
    if change == "title":  # a title shows on the kind page, the index and every page that links to it
        edit(root / "policy" / "POL-1.yaml", "碳管理方针", "碳管理方针（修订）")
    elif change == "delete":
        (root / "policy" / "POL-HOSTILE.yaml").unlink()
    elif change == "add":
        shutil.copyfile(root / "policy" / "POL-HOSTILE.yaml", root / "policy" / "POL-NEW.yaml")
        edit(root / "policy" / "POL-NEW.yaml", "POL-HOSTILE", "POL-NEW")
    elif change == "as_of":
        as_of = AS_OF - dt.timedelta(days=1)
    elif change == "template":  # the organization's own template of one page
        (root / "site" / "templates").mkdir(parents=True)
        (root / "site" / "templates" / "home.md.j2").write_text("# 首页\n\n本组织的首页。\n", encoding="utf-8")
    again = build(root, tmp / "site", as_of=as_of)
    same_as_cold(root, tmp, again.out, as_of=as_of)


def test_the_public_profile_rebuilds_as_its_cold_build(mini):
    root, tmp = mini
    build(root, tmp / "pub", "public")
    edit(root / "scope" / "SCOPE-1.yaml", "燃煤发电", "燃煤与燃气发电")
    again = build(root, tmp / "pub", "public")
    assert 0 < again.rendered < again.pages
    same_as_cold(root, tmp, again.out, "public")


def test_a_public_build_never_reuses_an_internal_builds_page(mini):
    """The same --out built internal, then public: nothing of the internal site is reused (each
    profile has its work folder and record, and the profile is in the site-wide digest), and the
    public site is its cold build, byte for byte."""
    root, tmp = mini
    build(root, tmp / "site")
    public = build(root, tmp / "site", "public")
    assert public.rendered == public.pages
    same_as_cold(root, tmp, public.out, "public")
    # and back: the internal build's record is read again, and a page is taken from --out (the
    # public site) only where its HTML has the digest the internal build wrote, the same bytes
    internal = build(root, tmp / "site")
    same_as_cold(root, tmp, internal.out)


def test_a_page_edited_in_the_output_is_rendered_again(mini):
    root, tmp = mini
    first = build(root, tmp / "site")
    page = first.out / "records" / "policy" / "POL-1.html"
    page.write_text(page.read_text(encoding="utf-8").replace("碳管理方针", "篡改"), encoding="utf-8")
    again = build(root, tmp / "site")
    assert again.rendered == 1
    same_as_cold(root, tmp, again.out)


def test_a_record_not_signed_by_this_user_is_no_record(mini):
    root, tmp = mini
    first = build(root, tmp / "site")
    manifest = first.work / incremental.MANIFEST
    mac, _, payload = manifest.read_bytes().partition(b"\n")
    manifest.write_bytes(b"0" * len(mac) + b"\n" + payload)  # a planted or copied file
    assert build(root, tmp / "site").rendered == first.pages


def test_a_failed_build_leaves_no_record_to_reuse(mini):
    root, tmp = mini
    first = build(root, tmp / "site")
    (root / "site" / "templates").mkdir(parents=True)
    (root / "site" / "templates" / "home.md.j2").write_text("# 首页\n\n[坏链接](no-such-page.md)\n", encoding="utf-8")
    with pytest.raises(BuildError):
        build(root, tmp / "site")
    (root / "site" / "templates" / "home.md.j2").unlink()
    assert build(root, tmp / "site").rendered == first.pages


def test_an_anchor_lost_by_a_changed_page_fails_as_a_cold_build_does(mini):
    """home.md is unchanged and reused; the page it links into (a record's source view, a line
    anchor a line) loses the anchor. mkdocs checks a page's links only when it reads it, so
    without incremental's own check the rebuild would succeed where a cold build fails."""
    root, tmp = mini
    source = root / "policy" / "POL-1.yaml"
    last = len(source.read_text(encoding="utf-8").splitlines())
    templates = root / "site" / "templates"
    templates.mkdir(parents=True)
    (templates / "home.md.j2").write_text(f"# 首页\n\n[方针](sources/policy/POL-1.md#L{last})\n", encoding="utf-8")
    build(root, tmp / "site")
    # the same record on one line: its source view has the anchor L1 only
    source.write_text(
        yaml.safe_dump(yaml.safe_load(source.read_text(encoding="utf-8")), allow_unicode=True, default_flow_style=True, width=10**6), encoding="utf-8"
    )
    with pytest.raises(BuildError, match=f"L{last}"):
        build(root, tmp / "site")


def test_the_example_rebuilds_as_its_cold_build(tmp_path):
    """The example (charts, traces, tables of attached CSVs): one field of one record, then one
    month of a gas meter's CSV. That month brings a finding (trading.due-not-ets-boundary) with a
    page of its own: another set of pages, so a full render (the site-wide digest names every
    file)."""
    from tests.conftest import EXAMPLE

    root = tmp_path / "example"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns(".cms-build", ".cms-cache", "_site"))
    first = build(root, tmp_path / "site")
    edit(root / "training" / "TRN-2025-01.yaml", "author: 综合管理部 马骏\n", "author: 综合管理部 马骏（代）\n")
    again = build(root, tmp_path / "site")
    assert 0 < again.rendered <= 5  # the record's page and its source view (measured: 2 of 595)
    same_as_cold(root, tmp_path, again.out)
    edit(root / "activity" / "2025" / "gas-2025.csv", "2025-02,1302.6,", "2025-02,1302.7,")
    again = build(root, tmp_path / "site")
    assert again.pages == first.pages + 1 and again.rendered == again.pages
    same_as_cold(root, tmp_path, again.out)
