"""Workbook sheets of the assets domain (`cms export --format xlsx`): the carbon asset ledger by
period (C.6.1), the compliance position of each obligation (B.8.2.3) and the balance sheets of
Annex G (tables G.1 positive, G.2 negative assets)."""

from cms_build.api import sheet

from .results import AssetsResult

# The columns of this domain's sheets: column id -> (中文, English), each written once (issue 13);
# year and status are the common ones (cms_build/workflow/xlsx.py COMMON_HEADERS).
HEADERS = {
    "account": ("账户", "Account"),
    "market": ("市场", "Market"),
    "product": ("产品", "Product"),
    "vintage": ("年度", "Vintage"),
    "period": ("期间", "Year"),
    "start": ("起", "Start"),
    "end": ("止", "End"),
    # the flows of a period, in the ledger's order (C.6.1: opening + ... = closing)
    "opening": ("期初", "Opening"),
    "allocation": ("分配", "Allocation"),
    "purchases": ("买入", "Purchases"),
    "sales": ("卖出", "Sales"),
    "surrenders": ("清缴", "Surrenders"),
    "retirements": ("注销", "Retirements"),
    "transfers": ("划转", "Transfers"),
    "financing": ("融资", "Financing"),
    "closing": ("期末（t）", "Closing (t)"),
    "obligation": ("履约记录", "Obligation"),
    "compliance_period": ("履约期", "Period"),
    "deadline": ("截止日期", "Deadline"),
    "due": ("应清缴（t）", "Due (t)"),
    "surrendered": ("已清缴（t）", "Surrendered (t)"),
    "ccer_surrendered": ("其中 CCER（t）", "of which CCER (t)"),
    "ccer_limit": ("CCER 上限（t）", "CCER limit (t)"),
    "remaining": ("剩余（t）", "Remaining (t)"),
    "cover": ("持有可用（t）", "Cover (t)"),
    "position": ("头寸（t）", "Position (t)"),
    "value": ("价值（元）", "Value (CNY)"),
    "valuation_date": ("估值日", "Valuation date"),
    "group": ("分组", "Group"),
    "line": ("项目", "Line"),
    "description": ("说明", "Description"),
    "quantity": ("数量（t）", "Quantity (t)"),
    "amount": ("金额（元）", "Amount (CNY)"),
    "computed": ("计算得出", "Computed"),
}
_FLOWS = ("opening", "allocation", "purchases", "sales", "surrenders", "retirements", "transfers", "financing")  # fields of a ledger period


@sheet("ledger", title="碳资产台账 Asset ledger", computations=["assets"], order=30)
def ledger(book):
    columns = book.header(HEADERS, "account", "market", "product", "vintage", "period", "start", "end", *_FLOWS, "closing")
    by_account = book.typed("assets", AssetsResult).ledger
    # account -> asset -> entry as one mapping by (account, asset): sorted, the same order
    entries = {(account, key): entry for account, assets in by_account.items() for key, entry in assets.items()}

    def periods(at, entry):
        asset = entry.asset
        return [
            {
                "account": at[0],
                "market": asset.market,
                "product": asset.product,
                "vintage": book.year(asset.vintage),
                "period": book.year(period.year),
                "start": book.date(period.start),
                "end": book.date(period.end),
                **{flow: book.value(getattr(period, flow)) for flow in _FLOWS},
                "closing": book.value(period.closing),
            }
            for period in entry.periods
        ]

    return book.table(columns, entries, periods)


@sheet("compliance", title="履约 Compliance position", computations=["assets"], order=31)
def compliance(book):
    columns = book.header(
        HEADERS,
        "obligation",
        "compliance_period",
        "deadline",
        "due",
        "surrendered",
        "ccer_surrendered",
        "ccer_limit",
        "remaining",
        "cover",
        "position",
        "value",
        "status",
    )
    return book.table(
        columns,
        book.typed("assets", AssetsResult).compliance,
        lambda rid, ob: [
            {
                "obligation": rid,
                "compliance_period": ob.period,
                "deadline": book.date(ob.deadline),
                "due": book.value(ob.due),
                "surrendered": book.value(ob.surrendered),
                "ccer_surrendered": book.value(ob.ccer_surrendered),
                "ccer_limit": book.value(ob.ccer_limit),
                "remaining": book.value(ob.remaining),
                "cover": book.value(ob.cover),
                "position": book.value(ob.position),
                "value": book.value(ob.value),
                "status": book.status(ob.status, "obligation"),
            }
        ],
    )


@sheet("balance_sheets", title="资产负债 Balance sheets", computations=["assets"], order=32)
def balance_sheets(book):
    """Table G.1 (positive assets) and G.2 (negative assets), every year, with totals and the net."""
    out = {}
    sheets = book.typed("assets", AssetsResult).balance_sheets
    columns = book.header(HEADERS, "year", "valuation_date", "group", "line", "description", "quantity", "amount", "computed")
    en = book.language == "en"
    for side, table_id, total in (("positive", "G.1", "total_positive"), ("negative", "G.2", "total_negative")):

        def lines(year, bs, side=side, total=total):
            dated = {"year": book.year(year), "valuation_date": book.date(bs.valuation_date)}
            rows = [
                {
                    **dated,
                    "group": line.group_en if en else line.group_zh,
                    "line": line.label_en if en else line.label_zh,
                    "description": line.description,
                    "quantity": book.value(line.quantity),
                    "amount": book.value(line.value),
                    "computed": line.computed,
                }
                for line in getattr(bs, side)
            ]
            rows.append({**dated, "line": book.t("合计", "Total"), "amount": book.value(getattr(bs, total))})
            if side == "negative":
                rows.append({**dated, "line": book.t("净资产（G.1 − G.2）", "Net (G.1 − G.2)"), "amount": book.value(bs.net)})
            return rows

        rows = book.table(columns, sheets, lines)
        if rows:
            out[f"{table_id} " + book.t("正资产" if side == "positive" else "负资产", "Positive assets" if side == "positive" else "Negative assets")] = rows
    return out
