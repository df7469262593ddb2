"""Workbook sheet of the neutrality domain (`cms export --format xlsx`): each carbon neutrality
claim with its balance (D.6.5.2.4), grade and status."""

from cms_build.api import sheet

from .results import NeutralityResult

# The columns of this domain's sheet: column id -> (中文, English), each written once (issue 13);
# id, subject, grade and status are the common ones (cms_build/workflow/xlsx.py COMMON_HEADERS).
HEADERS = {
    "claim": ("声明", "Claim"),
    "footprint": ("碳足迹", "Footprint"),
    "start": ("期间起", "Period start"),
    "end": ("期间止", "Period end"),
    "achieved_on": ("实现日期", "Achieved on"),
    "valid_from": ("生效日期", "Valid from"),
    "emissions": ("排放（tCO2e）", "Emissions (tCO2e)"),
    "reductions": ("减排（tCO2e）", "Reductions (tCO2e)"),
    "retired": ("注销抵消（tCO2e）", "Retired (tCO2e)"),
    "surplus": ("盈余（tCO2e）", "Surplus (tCO2e)"),
}


@sheet("claims", title="碳中和声明 Neutrality claims", computations=["neutrality"], order=40)
def claims(book):
    columns = book.header(
        HEADERS,
        "claim",
        "subject",
        "footprint",
        "start",
        "end",
        "achieved_on",
        "valid_from",
        "emissions",
        "reductions",
        "retired",
        "surplus",
        "grade",
        "status",
    )

    def claim_row(rid, claim):
        period, balance, grade = claim.period, claim.balance, claim.grade
        return [
            {
                "claim": rid,
                "subject": claim.subject,
                "footprint": claim.footprint,
                "start": book.date(period.start if period else None),
                "end": book.date(period.end if period else None),
                "achieved_on": book.date(claim.achieved_on),
                "valid_from": book.date(claim.valid_from),
                "emissions": book.value(balance.emissions),
                "reductions": book.value(balance.reductions),
                "retired": book.value(balance.retired),
                "surplus": book.value(balance.surplus),
                "grade": book.enum("neutrality_review", "offset_kinds.grade", grade.grade or grade.computed_grade),  # D.8.2.5-D.8.2.6
                "status": book.status(claim.status.status, "claim"),
            }
        ]

    return book.table(columns, book.typed("neutrality", NeutralityResult).claims, claim_row)
