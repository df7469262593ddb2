"""Result type of the `neutrality` computation: footprints, claim balances, grades and statuses
(D.6.5.2.3, D.6.5.2.4, D.8.2.4-D.8.2.6, D.10).

Each model describes exactly what the computation returns (cms_build/results.py gives the
conventions: strict, no unknown key, absent keys stay absent). A class's docstring is where it
sits in the result (`*` a key of a map, `[]` an item of a list).
"""
from __future__ import annotations

from cms_build.results import Number, ResultModel, StatusReason, TracedValue


class NeutralitySettings(ResultModel):
    """neutrality.settings"""
    claim_max_validity_years: Number
    correction_window_months: Number
    silver_vintage_years: Number
    graded_standards: list[str]
    max_offset_kinds: Number
    offset_kind_basis: str
    expiring_soon_days: Number
    declared_tolerance_tco2e: Number
    reduction_evaluation_months: Number
    review_interval_months: Number


class Period(ResultModel):
    """neutrality.footprints.*.period"""
    start: str
    end: str


class FootprintLine(ResultModel):
    """neutrality.footprints.*.lines[]"""
    source: str
    category: str
    total: TracedValue


class FootprintResult(ResultModel):
    """neutrality.footprints.*"""
    record: str
    subject: str
    period: Period
    computed: bool
    total: TracedValue | None
    declared: Number
    by_category: dict[str, Number]
    lines: list[FootprintLine]


class ClaimBalance(ResultModel):
    """neutrality.claims.*.balance"""
    emissions: TracedValue
    reductions: TracedValue
    to_offset: TracedValue
    retired: TracedValue
    surplus: TracedValue


class CreditGrade(ResultModel):
    """neutrality.claims.*.grade.credits[]"""
    credit: str
    grade: str | None
    reason: str
    category: str
    offset_kind: str
    vintage_year: Number
    standard: str
    quantity: Number


class ClaimGrade(ResultModel):
    """neutrality.claims.*.grade"""
    grade: str | None
    reason: str
    credits: list[CreditGrade]
    # written by cms_build/statuses.py after the checks (absent in the computation's own result)
    computed_grade: str | None = None
    current: bool | None = None


class ClaimStatus(ResultModel):
    """neutrality.claims.*.status"""
    status: str
    reason: str
    last_valid_day: str
    deadline: str | None
    days_left: Number | None
    withdraw_from: str | None
    # written by cms_build/statuses.py after the checks (absent in the computation's own result)
    computed: str | None = None
    tone: str | None = None
    reasons: list[StatusReason] | None = None


class ClaimEvent(ResultModel):
    """neutrality.claims.*.events[]"""
    event: str
    date: str
    deadline: str | None
    state: str
    corrected_on: str | None
    late_corrections: list[str]


class ClaimRetirement(ResultModel):
    """neutrality.claims.*.retirements[]"""
    credit: str
    index: Number
    date: str
    quantity: Number
    certificate_ref: str | None


class ClaimResult(ResultModel):
    """neutrality.claims.*"""
    record: str
    subject: str
    footprint: str
    period: Period
    achieved_on: str
    valid_from: str
    valid_until: str
    max_last_valid_day: str
    balance: ClaimBalance
    covered: bool
    reduction_share: TracedValue
    grade: ClaimGrade
    offset_kinds: list[str]
    status: ClaimStatus
    events: list[ClaimEvent]
    retirements: list[ClaimRetirement]
    superseded_by: str | None


class SerialRetirementUse(ResultModel):
    """neutrality.serial_uses[]"""
    credit: str
    retirement: Number
    claim: str
    date: str
    block: str
    first: Number
    last: Number
    text: str
    path: str


class NeutralityResult(ResultModel):
    """neutrality"""
    as_of: str
    settings: NeutralitySettings
    footprints: dict[str, FootprintResult]
    claims: dict[str, ClaimResult]
    serial_uses: list[SerialRetirementUse]
