"""Result type of the `neutrality` computation: footprints, claim balances, grades and statuses
(D.6.5.2.3, D.6.5.2.4, D.8.2.4-D.8.2.6, D.10).

Each model describes what the computation returns: its keys, nesting, maps, lists and value
types exactly (cms_build/results.py gives the conventions: strict, no unknown key, absent keys
stay absent). Every scalar may be null: many are read from a record's optional field and are
None when it is left out; make one non-null only where the computation guarantees a value.
The models were drafted from the results of the example and of every run in tests/checks/. A
class's docstring is where it sits in the result (`*` a key of a map, `[]` an item of a list).
"""

from __future__ import annotations

from cms_build.api import Number, ResultModel, StatusReason, TracedValue


class NeutralitySettings(ResultModel):
    """neutrality.settings"""

    claim_max_validity_years: Number | None
    correction_window_months: Number | None
    silver_vintage_years: Number | None
    graded_standards: list[str | None]
    max_offset_kinds: Number | None
    offset_kind_basis: str | None
    expiring_soon_days: Number | None
    declared_tolerance_tco2e: Number | None
    reduction_evaluation_months: Number | None
    review_interval_months: Number | None


class Period(ResultModel):
    """neutrality.footprints.*.period"""

    start: str | None
    end: str | None


class FootprintLine(ResultModel):
    """neutrality.footprints.*.lines[]"""

    source: str | None
    category: str | None
    total: TracedValue


class FootprintResult(ResultModel):
    """neutrality.footprints.*"""

    record: str
    subject: str | None
    period: Period
    computed: bool
    total: TracedValue | None
    declared: Number | None
    by_category: dict[str, Number | None]
    by_stage: dict[str, TracedValue]  # A.8.2.1 a-e life-cycle stages, when the lines name them
    per_functional_unit: TracedValue | None  # A.8.2.1, ISO 14067: when the product gives its output
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

    credit: str | None
    grade: str | None
    reason: str | None
    category: str | None
    offset_kind: str | None
    vintage_year: Number | None
    standard: str | None
    quantity: Number | None


class ClaimGrade(ResultModel):
    """neutrality.claims.*.grade"""

    grade: str | None
    reason: str | None
    credits: list[CreditGrade]
    # written by cms_build/statuses.py after the checks (absent in the computation's own result)
    computed_grade: str | None = None
    current: bool | None = None


class ClaimStatus(ResultModel):
    """neutrality.claims.*.status"""

    status: str | None
    reason: str | None
    last_valid_day: str | None
    deadline: str | None
    days_left: Number | None
    withdraw_from: str | None
    # written by cms_build/statuses.py after the checks (absent in the computation's own result)
    computed: str | None = None
    tone: str | None = None
    reasons: list[StatusReason] | None = None


class ClaimEvent(ResultModel):
    """neutrality.claims.*.events[]"""

    event: str | None
    date: str | None
    deadline: str | None
    state: str | None
    corrected_on: str | None
    late_corrections: list[str | None]


class ClaimRetirement(ResultModel):
    """neutrality.claims.*.retirements[]"""

    credit: str | None
    index: Number | None
    date: str | None
    quantity: Number | None
    certificate_ref: str | None


class ClaimResult(ResultModel):
    """neutrality.claims.*"""

    record: str
    subject: str | None
    footprint: str | None
    period: Period | None
    achieved_on: str | None
    valid_from: str | None
    valid_until: str | None
    max_last_valid_day: str | None
    balance: ClaimBalance
    covered: bool | None
    reduction_share: TracedValue
    reduction_efficiency: TracedValue | None  # D.6.2 b, when the claim states its output
    grade: ClaimGrade
    offset_kinds: list[str | None]
    status: ClaimStatus
    events: list[ClaimEvent]
    retirements: list[ClaimRetirement]
    superseded_by: str | None


class SerialRetirementUse(ResultModel):
    """neutrality.serial_uses[]"""

    credit: str | None
    retirement: Number | None
    claim: str | None
    date: str | None
    block: str | None
    first: Number | None
    last: Number | None
    text: str | None
    path: str | None


class NeutralityResult(ResultModel):
    """neutrality"""

    as_of: str
    settings: NeutralitySettings
    footprints: dict[str, FootprintResult]
    claims: dict[str, ClaimResult]
    serial_uses: list[SerialRetirementUse]
