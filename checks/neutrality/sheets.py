"""Workbook sheet of the neutrality domain (`cms export --format xlsx`): each carbon neutrality
claim with its balance (D.6.5.2.4), grade and status."""

from cms_build.api import sheet

from .results import NeutralityResult


@sheet("claims", title="碳中和声明 Neutrality claims", computations=["neutrality"], order=40)
def claims(book):
    header = [
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

    def claim_row(rid, claim):
        period, balance, grade = claim.period, claim.balance, claim.grade
        return [
            [
                rid,
                claim.subject,
                claim.footprint,
                book.date(period.start if period else None),
                book.date(period.end if period else None),
                book.date(claim.achieved_on),
                book.date(claim.valid_from),
                book.value(balance.emissions),
                book.value(balance.reductions),
                book.value(balance.retired),
                book.value(balance.surplus),
                book.enum("neutrality_review", "offset_kinds.grade", grade.grade or grade.computed_grade),  # D.8.2.5-D.8.2.6
                book.status(claim.status.status, "claim"),
            ]
        ]

    return book.table(header, book.typed("neutrality", NeutralityResult).claims, claim_row)
