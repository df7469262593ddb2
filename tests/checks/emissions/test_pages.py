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


def _source(reason, category=None, why="the result's own text"):
    from checks.emissions.results import EtsSourceComparison

    fields = {"source": "ES-1", "title": "t", "category": category, "in_ets": True, "why": why, "inventory": 1.0, "ets": 1.0, "difference": 0.0}
    return EtsSourceComparison.model_validate({**fields, **({"reason": reason, "reason_category": category} if reason else {})})


@pytest.mark.parametrize(
    ("reason", "category", "zh", "en"),
    [
        ("category_inside", "fuel_combustion", "化石燃料燃烧：属于发电设施核算边界", "fuel combustion: inside the boundary of a power generation facility"),
        ("category_outside", "desulfurization", "脱硫过程：不属于发电设施核算边界", "desulfurization: outside the boundary of a power generation facility"),
        (
            "flag_inside",
            None,
            "排放源记录标明在全国碳市场边界内（ets_boundary: true）",
            "the source record says it is inside the national ETS boundary (ets_boundary: true)",
        ),
        (
            "flag_outside",
            None,
            "排放源记录标明不在全国碳市场边界内（ets_boundary: false）",
            "the source record says it is outside the national ETS boundary (ets_boundary: false)",
        ),
        # a category the site has no word for keeps its key
        ("category_outside", "kiln_fuel", "kiln_fuel：不属于发电设施核算边界", "kiln_fuel: outside the boundary of a power generation facility"),
    ],
)
def test_the_ets_boundary_why_is_said_from_its_reason_code_in_the_sites_language(reason, category, zh, en):
    assert _page("zh").ets_why(_source(reason, category)) == zh
    assert _page("en").ets_why(_source(reason, category)) == en


def test_an_ets_entry_without_a_reason_code_shows_its_text():
    # the View withheld it beside a restricted value ("restricted"), or a result of an older engine
    assert _page("zh").ets_why(_source(None, why="restricted")) == "restricted"
    page = _page("zh")
    page.t["ets_why"] = {"flag_true": "an organization's own words of the old keys"}
    assert page.ets_why(_source("flag_inside")) == "the result's own text"
