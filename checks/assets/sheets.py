"""Workbook sheets of the assets domain (`cms export --format xlsx`): the carbon asset ledger by
period (C.6.1), the compliance position of each obligation (B.8.2.3) and the balance sheets of
Annex G (tables G.1 positive, G.2 negative assets)."""

from cms_build.api import is_restricted, sheet

from .results import AssetsResult

_FLOWS = ("opening", "allocation", "purchases", "sales", "surrenders", "retirements", "transfers", "financing")


@sheet("ledger", title="碳资产台账 Asset ledger", computations=["assets"], order=30)
def ledger(book):
    rows = [
        [
            book.t("账户", "Account"),
            book.t("市场", "Market"),
            book.t("产品", "Product"),
            book.t("年度", "Vintage"),
            book.t("期间", "Year"),
            book.t("起", "Start"),
            book.t("止", "End"),
            *[
                book.t(z, e)
                for z, e in (
                    ("期初", "Opening"),
                    ("分配", "Allocation"),
                    ("买入", "Purchases"),
                    ("卖出", "Sales"),
                    ("清缴", "Surrenders"),
                    ("注销", "Retirements"),
                    ("划转", "Transfers"),
                    ("融资", "Financing"),
                )
            ],
            book.t("期末（t）", "Closing (t)"),
        ]
    ]
    for account, assets in sorted(book.typed("assets", AssetsResult).ledger.items()):
        for _key, entry in sorted(assets.items()):
            if is_restricted(entry):
                continue  # the view withheld it: nothing of it to show
            asset = entry.asset
            for period in entry.periods:
                rows.append(
                    [
                        account,
                        asset.market,
                        asset.product,
                        book.year(asset.vintage),
                        book.year(period.year),
                        book.date(period.start),
                        book.date(period.end),
                        *[book.value(getattr(period, f)) for f in _FLOWS],
                        book.value(period.closing),
                    ]
                )
    return rows if len(rows) > 1 else None


@sheet("compliance", title="履约 Compliance position", computations=["assets"], order=31)
def compliance(book):
    rows = [
        [
            book.t("履约记录", "Obligation"),
            book.t("履约期", "Period"),
            book.t("截止日期", "Deadline"),
            book.t("应清缴（t）", "Due (t)"),
            book.t("已清缴（t）", "Surrendered (t)"),
            book.t("其中 CCER（t）", "of which CCER (t)"),
            book.t("CCER 上限（t）", "CCER limit (t)"),
            book.t("剩余（t）", "Remaining (t)"),
            book.t("持有可用（t）", "Cover (t)"),
            book.t("头寸（t）", "Position (t)"),
            book.t("价值（元）", "Value (CNY)"),
            book.t("状态", "Status"),
        ]
    ]
    for rid, ob in sorted(book.typed("assets", AssetsResult).compliance.items()):
        if is_restricted(ob):
            continue  # the view withheld it: nothing of it to show
        rows.append(
            [
                rid,
                ob.period,
                book.date(ob.deadline),
                book.value(ob.due),
                book.value(ob.surrendered),
                book.value(ob.ccer_surrendered),
                book.value(ob.ccer_limit),
                book.value(ob.remaining),
                book.value(ob.cover),
                book.value(ob.position),
                book.value(ob.value),
                book.status(ob.status, "obligation"),
            ]
        )
    return rows if len(rows) > 1 else None


@sheet("balance_sheets", title="资产负债 Balance sheets", computations=["assets"], order=32)
def balance_sheets(book):
    """Table G.1 (positive assets) and G.2 (negative assets), every year, with totals and the net."""
    out = {}
    for side, table_id, total in (("positive", "G.1", "total_positive"), ("negative", "G.2", "total_negative")):
        rows = [
            [
                book.t("年份", "Year"),
                book.t("估值日", "Valuation date"),
                book.t("分组", "Group"),
                book.t("项目", "Line"),
                book.t("说明", "Description"),
                book.t("数量（t）", "Quantity (t)"),
                book.t("金额（元）", "Amount (CNY)"),
                book.t("计算得出", "Computed"),
            ]
        ]
        for year, bs in sorted(book.typed("assets", AssetsResult).balance_sheets.items()):
            if is_restricted(bs):
                continue  # the view withheld it: nothing of it to show
            for line in getattr(bs, side):
                en = book.language == "en"
                rows.append(
                    [
                        book.year(year),
                        book.date(bs.valuation_date),
                        line.group_en if en else line.group_zh,
                        line.label_en if en else line.label_zh,
                        line.description,
                        book.value(line.quantity),
                        book.value(line.value),
                        line.computed,
                    ]
                )
            rows.append([book.year(year), book.date(bs.valuation_date), None, book.t("合计", "Total"), None, None, book.value(getattr(bs, total)), None])
            if side == "negative":
                rows.append(
                    [
                        book.year(year),
                        book.date(bs.valuation_date),
                        None,
                        book.t("净资产（G.1 − G.2）", "Net (G.1 − G.2)"),
                        None,
                        None,
                        book.value(bs.net),
                        None,
                    ]
                )
        if len(rows) > 1:
            out[f"{table_id} " + book.t("正资产" if side == "positive" else "负资产", "Positive assets" if side == "positive" else "Negative assets")] = rows
    return out
