"""Links between pages (cms_build/site/urls.py)."""

from __future__ import annotations

import itertools
import posixpath

from cms_build.site import urls

PARTS = ["records", "policy", "POL-1.md", "index.md", "a.b", ".", "..", ""]


def test_relative_links_are_those_posixpath_gives():
    """_relpath answers plain paths itself (no os.getcwd per link) and must give, for every path,
    what posixpath.relpath gives: every combination of up to three parts, ., .. and empty ones."""
    paths = {"/".join(p) for n in range(4) for p in itertools.product(PARTS, repeat=n)}
    checked = 0
    for target, base in itertools.product(sorted(paths), sorted(p for p in paths if len(p.split("/")) <= 2)):
        if not target:
            continue
        assert urls._relpath(target, base) == posixpath.relpath(target, base or "."), (target, base)
        checked += 1
    assert checked > 10_000


def test_a_link_from_a_record_page():
    assert urls.relative("records/policy/POL-1.md", "index.md") == "../../index.md"
    assert urls.relative("records/policy/POL-1.md", "records/policy/POL-2.md#x") == "POL-2.md#x"
    assert urls.relative("index.md", "index.md#top") == "#top"
    assert urls.relative("records/policy/POL-1.md", "records/policy") == "."
