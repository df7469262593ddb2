"""Workbook sheets of the assets domain (`cms export --format xlsx`): the carbon asset ledger by
period (C.6.1), the compliance position of each obligation (B.8.2.3) and the balance sheets of
Annex G (tables G.1 positive, G.2 negative assets)."""

from cms_build.api import sheet

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
    for account, assets in sorted((book.results["assets"].get("ledger") or {}).items()):
        for _key, entry in sorted(assets.items()):
            asset = entry.get("asset") or {}
            for period in entry.get("periods") or []:
                rows.append(
                    [
                        account,
                        asset.get("market"),
                        asset.get("product"),
                        book.year(asset.get("vintage")),
                        book.year(period.get("year")),
                        book.date(period.get("start")),
                        book.date(period.get("end")),
                        *[book.value(period.get(f)) for f in _FLOWS],
                        book.value(period.get("closing")),
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
    for rid, ob in sorted((book.results["assets"].get("compliance") or {}).items()):
        rows.append(
            [
                rid,
                ob.get("period"),
                book.date(ob.get("deadline")),
                book.value(ob.get("due")),
                book.value(ob.get("surrendered")),
                book.value(ob.get("ccer_surrendered")),
                book.value(ob.get("ccer_limit")),
                book.value(ob.get("remaining")),
                book.value(ob.get("cover")),
                book.value(ob.get("position")),
                book.value(ob.get("value")),
                book.status(ob.get("status"), "obligation"),
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
        for year, bs in sorted((book.results["assets"].get("balance_sheets") or {}).items()):
            for line in bs.get(side) or []:
                rows.append(
                    [
                        book.year(year),
                        book.date(bs.get("valuation_date")),
                        line.get("group_en" if book.language == "en" else "group_zh"),
                        line.get("label_en" if book.language == "en" else "label_zh"),
                        line.get("description"),
                        book.value(line.get("quantity")),
                        book.value(line.get("value")),
                        line.get("computed"),
                    ]
                )
            rows.append([book.year(year), book.date(bs.get("valuation_date")), None, book.t("合计", "Total"), None, None, book.value(bs.get(total)), None])
            if side == "negative":
                rows.append(
                    [
                        book.year(year),
                        book.date(bs.get("valuation_date")),
                        None,
                        book.t("净资产（G.1 − G.2）", "Net (G.1 − G.2)"),
                        None,
                        None,
                        book.value(bs.get("net")),
                        None,
                    ]
                )
        if len(rows) > 1:
            out[f"{table_id} " + book.t("正资产" if side == "positive" else "负资产", "Positive assets" if side == "positive" else "Negative assets")] = rows
    return out
