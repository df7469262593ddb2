"""Annex E (informative): the power sector's data collection tables E.1-E.6, as a computation.

The tables are computed once from the emissions results (checks/emissions/annex_e_tables.py says what
each holds), so that `cms export`, the site and the workbook show the same figures, and a
public build publishes them only when everything the emissions were computed from is public
(the tables read the emissions result: publish.View follows that).
"""

from __future__ import annotations

from cms_build.api import computation
from .annex_e_tables import tables
from .results import AnnexEResult


@computation("annex_e", title="附录E 数据采集表 Annex E data collection tables", clauses=["E.1", "E.2", "E.3", "E.4"], after=["emissions"], subsystem="A")
def annex_e(ctx):
    emissions = ctx.results.get("emissions")
    if not isinstance(emissions, dict):
        return None
    years = sorted(int(y) for y in (emissions.get("years") or {}) if str(y).isdigit())
    return AnnexEResult.model_validate({"years": years, "tables": tables(emissions, years) if years else {}})
