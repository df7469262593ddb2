"""The value of the carbon assets a review states, against the computed balance sheet (6.1.4 f, G.2, G.3).

An asset review (asset_review) periodically assesses the value of the carbon assets
(6.1.4 f) and states it under valuation: {date, value, figure}. The computation "assets"
(checks/assets/compute.py) computes the Annex G balance sheet at each year end (and at the
as-of date in the current year): positive assets P (table G.1), negative assets N (table
G.2), net P − N. The stated value is a stated figure like those of stated_figures
(checks/management/stated_figures.py) and is compared the same way: it names the result
assets.balance_sheets.<year>.<figure> (figure: net, the default, total_positive or
total_negative) and agrees when it is within half a unit of its last stated decimal.

Rules
- assets.valuation-mismatch (6.1.4 f, 7.3.1): the stated value differs from the computed
  figure of the balance sheet of the same date (error); a valuation dated on a day with no
  computed balance sheet, or stated in a currency other than CNY, cannot be checked
  (warning). A review not yet approved at the as-of date, or valuing a day after it, is
  not judged.
- assets.valuation-price-stale (6.1.4 f, G.2, G.3): a balance sheet line valued at a close
  older than trading.max_price_age_days before the valuation date (warning).
"""

from __future__ import annotations

from cms_build.api import check, dates, known_by

from ..management import stated_figures as sf
from ..trading import records as trc
from .compute import price_age

FIGURES = {"net": "net carbon assets P − N", "total_positive": "positive assets P (G.1)", "total_negative": "negative assets N (G.2)"}


@check(
    "assets.valuation-mismatch",
    title="评审陈述的碳资产价值与计算的资产负债表一致 The value an asset review states agrees with the computed balance sheet",
    clauses=["6.1.4 f", "7.3.1"],
    severity="error",
    kinds=["asset_review"],
)
def valuation_mismatch(record, ctx):
    """6.1.4 f, 7.3.1: the carbon asset value an asset review states (valuation.value, of
    valuation.figure: net by default, or total_positive, total_negative) is the one the
    balance sheet of valuation.date computes, to its stated rounding."""
    valuation = record.get("valuation")
    if record.status == "withdrawn" or not isinstance(valuation, dict) or not known_by(record, ctx.as_of):
        return
    money = valuation.get("value")
    stated = money.get("value") if isinstance(money, dict) else None
    day = dates.parse(valuation.get("date"))
    if not sf._number(stated) or day is None or day > ctx.as_of:
        return
    currency = money.get("currency") or "CNY"
    if currency != "CNY":
        yield record.issue(
            ("valuation", "value", "currency"),
            f"the valuation is stated in {currency}; the balance sheet is computed in CNY, so it cannot be checked",
            severity="warning",
            hint="state the value in CNY",
        )
        return
    which = valuation.get("figure") or "net"
    sheets = (ctx.results.get("assets") or {}).get("balance_sheets") if isinstance(ctx.results.get("assets"), dict) else None
    if not isinstance(sheets, dict) or which not in FIGURES:
        return  # the assets computation reports why it has no sheets; the schema reports an unknown figure
    sheet = sheets.get(str(day.year))
    if not isinstance(sheet, dict) or sheet.get("valuation_date") != day.isoformat():
        yield record.issue(
            ("valuation", "date"),
            f"no balance sheet is computed for {day} (one is computed at each year end, and at the as-of date in "
            "the current year): the stated value cannot be checked",
            severity="warning",
            hint=f"value the carbon assets at a year end ({day.year}-12-31 or {day.year - 1}-12-31), or leave valuation.value out",
        )
        return
    figure = {"result": f"assets.balance_sheets.{day.year}.{which}", "value": stated, "unit": "CNY"}
    computed, _, _ = sf.computed(ctx, figure)
    if not sf._number(computed):
        return
    places = sf._decimals(figure)
    tolerance = 0.5 * 10 ** (-places) * (1 + 1e-9) + 1e-12 * abs(computed)
    if abs(computed - stated) <= tolerance:
        return
    rounded = round(computed, places)
    unvalued = sheet.get("unvalued") or []
    yield record.issue(
        ("valuation", "value", "value"),
        f"states {sf._show(stated)} CNY as the {FIGURES[which]} on {day}, but the balance sheet of that date "
        f"({sf._what(figure)}) computes {sf._show(computed)} CNY ({sf._show(rounded)} to {places} decimals); "
        f"they differ by {sf._show(abs(computed - stated))}" + (f" (lines without a price are not in its totals: {', '.join(unvalued)})" if unvalued else ""),
        hint=f"state {sf._show(rounded)}, name the figure stated (valuation.figure: net, total_positive, total_negative), "
        "or correct the data the balance sheet reads",
    )


@check(
    "assets.valuation-price-stale",
    title="资产负债表按近期价格计量 The balance sheet is valued at recent prices",
    clauses=["6.1.4 f", "G.2", "G.3"],
    severity="warning",
    subsystem="C",  # it judges the asset computation's balance sheets: without annex C it looks at nothing, so it is no evidence of 6.1.4
)
def valuation_price_stale(ctx):
    """6.1.4 f, G.2, G.3: a line of a balance sheet valued at quantity × price uses the last
    close on or before the valuation date; a close older than trading.max_price_age_days
    (default 92 days, a setting of this project, not a national figure) before that date
    is not the market of the day: the value is stale. Reported at the price used, naming its
    date, the sheet and the line; a line of 0 t values nothing and is not reported."""
    res = ctx.results.get("assets")
    sheets = res.get("balance_sheets") if isinstance(res, dict) else None
    most = trc.setting(ctx, "max_price_age_days")
    if not isinstance(sheets, dict) or not isinstance(most, int):
        return
    for year, sheet in sorted(sheets.items()):
        v = dates.parse(sheet.get("valuation_date"))
        if v is None:
            continue
        for entry in (sheet.get("positive") or []) + (sheet.get("negative") or []):
            age = price_age(entry, v)
            if age is None or age <= most:
                continue
            value = entry.get("value") or {}
            price = next((i for i in value.get("inputs") or [] if i.get("symbol") == "price"), {})
            yield trc.issue_at(
                ctx,
                price.get("source") or {},
                f"the balance sheet of {v} values {entry.get('label_en')} ({entry.get('description')}, "
                f"{sf._show(entry['quantity'])} t) at {price.get('value'):.2f} CNY/t, the close of {entry['price_date']}, "
                f"{age} days before the valuation date (older than trading.max_price_age_days, {most})",
                hint="record a recent close or reference price of the asset (market_price), or state the valuation price "
                "in the year's asset_statement (setting trading.valuation_price: statement)",
            )
