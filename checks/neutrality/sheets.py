"""Workbook sheet of the neutrality domain (`cms export --format xlsx`): each carbon neutrality
claim with its balance (D.6.5.2.4), grade and status."""

from cms_build.api import sheet


@sheet("claims", title="碳中和声明 Neutrality claims", computations=["neutrality"], order=40)
def claims(book):
    rows = [
        [
            book.t("声明", "Claim"),
            book.t("对象", "Subject"),
            book.t("碳足迹", "Footprint"),
            book.t("期间起", "Period start"),
            book.t("期间止", "Period end"),
            book.t("实现日期", "Achieved on"),
            book.t("生效日期", "Valid from"),
            book.t("排放（tCO2e）", "Emissions (tCO2e)"),
            book.t("减排（tCO2e）", "Reductions (tCO2e)"),
            book.t("注销抵消（tCO2e）", "Retired (tCO2e)"),
            book.t("盈余（tCO2e）", "Surplus (tCO2e)"),
            book.t("等级", "Grade"),
            book.t("状态", "Status"),
        ]
    ]
    for rid, claim in sorted((book.results["neutrality"].get("claims") or {}).items()):
        period, balance = claim.get("period") or {}, claim.get("balance") or {}
        grade, status = claim.get("grade") or {}, claim.get("status") or {}
        rows.append(
            [
                rid,
                claim.get("subject"),
                claim.get("footprint"),
                book.date(period.get("start")),
                book.date(period.get("end")),
                book.date(claim.get("achieved_on")),
                book.date(claim.get("valid_from")),
                book.value(balance.get("emissions")),
                book.value(balance.get("reductions")),
                book.value(balance.get("retired")),
                book.value(balance.get("surplus")),
                book.enum("neutrality_review", "offset_kinds.grade", grade.get("grade") or grade.get("computed_grade")),  # D.8.2.5-D.8.2.6
                book.status(status.get("status"), "claim"),
            ]
        )
    return rows if len(rows) > 1 else None
