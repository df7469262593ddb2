"""The emissions domain's pages (checks/emissions/pages.py): what the site says in its language."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from checks.emissions.pages import Emissions
from cms_build.paths import bundled
from cms_build.site.model import Strings, load_strings


def _page(lang: str) -> Emissions:
    site = SimpleNamespace(lang=lang, t=Strings(load_strings(str(bundled("site")))[lang]), traces=lambda: None)
    return Emissions(site)


@pytest.mark.parametrize(
    ("why", "zh"),
    [
        ("fuel_combustion: inside the boundary of a power generation facility", "化石燃料燃烧：属于发电设施核算边界"),
        ("desulfurization: outside the boundary of a power generation facility", "脱硫过程：不属于发电设施核算边界"),
        ("ets_boundary: true", "排放源记录标明在全国碳市场边界内（ets_boundary: true）"),
        ("ets_boundary: false", "排放源记录标明不在全国碳市场边界内（ets_boundary: false）"),
        # a category the site has no word for keeps its key; a text of no known reason stays as it is
        ("kiln_fuel: outside the boundary of a power generation facility", "kiln_fuel：不属于发电设施核算边界"),
        ("restricted", "restricted"),
    ],
)
def test_the_ets_boundary_why_is_said_in_chinese_on_the_chinese_site(why, zh):
    assert _page("zh").ets_why(why) == zh
    assert _page("en").ets_why(why) == why  # the English site: the result's own English
