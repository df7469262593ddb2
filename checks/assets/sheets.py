"""Workbook sheets of the assets domain (`cms export --format xlsx`): the carbon asset ledger by
period (C.6.1), the compliance position of each obligation (B.8.2.3) and the balance sheets of
Annex G (tables G.1 positive, G.2 negative assets)."""

from cms_build.api import sheet

from .results import AssetsResult

_FLOWS = ("opening", "allocation", "purchases", "sales", "surrenders", "retirements", "transfers", "financing")


@sheet("ledger", title="碳资产台账 Asset ledger", computations=["assets"], order=30)
def ledger(book):
    header = [
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
    by_account = book.typed("assets", AssetsResult).ledger
    # account -> asset -> entry as one mapping by (account, asset): sorted, the same order
    entries = {(account, key): entry for account, assets in by_account.items() for key, entry in assets.items()}

    def periods(at, entry):
        asset = entry.asset
        return [
            [
                at[0],
                asset.market,
                asset.product,
                book.year(asset.vintage),
                book.year(period.year),
                book.date(period.start),
                book.date(period.end),
                *[book.value(getattr(period, f)) for f in _FLOWS],
                book.value(period.closing),
            ]
            for period in entry.periods
        ]

    return book.table(header, entries, periods)


@sheet("compliance", title="履约 Compliance position", computations=["assets"], order=31)
def compliance(book):
    header = [
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
    return book.table(
        header,
        book.typed("assets", AssetsResult).compliance,
        lambda rid, ob: [
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
        ],
    )


@sheet("balance_sheets", title="资产负债 Balance sheets", computations=["assets"], order=32)
def balance_sheets(book):
    """Table G.1 (positive assets) and G.2 (negative assets), every year, with totals and the net."""
    out = {}
    sheets = book.typed("assets", AssetsResult).balance_sheets
    header = [
        book.t("年份", "Year"),
        book.t("估值日", "Valuation date"),
        book.t("分组", "Group"),
        book.t("项目", "Line"),
        book.t("说明", "Description"),
        book.t("数量（t）", "Quantity (t)"),
        book.t("金额（元）", "Amount (CNY)"),
        book.t("计算得出", "Computed"),
    ]
    en = book.language == "en"
    for side, table_id, total in (("positive", "G.1", "total_positive"), ("negative", "G.2", "total_negative")):

        def lines(year, bs, side=side, total=total):
            rows = [
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
                for line in getattr(bs, side)
            ]
            rows.append([book.year(year), book.date(bs.valuation_date), None, book.t("合计", "Total"), None, None, book.value(getattr(bs, total)), None])
            if side == "negative":
                net = book.t("净资产（G.1 − G.2）", "Net (G.1 − G.2)")
                rows.append([book.year(year), book.date(bs.valuation_date), None, net, None, None, book.value(bs.net), None])
            return rows

        rows = book.table(header, sheets, lines)
        if rows:
            out[f"{table_id} " + book.t("正资产" if side == "positive" else "负资产", "Positive assets" if side == "positive" else "Negative assets")] = rows
    return out
