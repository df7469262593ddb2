"""Result type of the `neutrality` computation: footprints, claim balances, grades and statuses
(D.6.5.2.3, D.6.5.2.4, D.8.2.4-D.8.2.6, D.10).

Each model describes what the computation returns: its keys, nesting, maps, lists and value
types exactly (cms_build/results.py gives the conventions: strict, no unknown key, absent keys
stay absent). Every scalar may be null: many are read from a record's optional field and are
None when it is left out; make one non-null only where the computation guarantees a value.
The models were drafted from the results of the example and of every run in tests/checks/. A
class's docstring is where it sits in the result (`*` a key of a map, `[]` an item of a list).
A field's role is in its type (cms_build/results.py): `RecordId` where the value is a record's
id (`dict[RecordId, ...]`: filed by record id), `Label` for text that may quote a record's title,
`Classifier` and `Shape` for what only classifies a value; the public profile decides by them.
"""

from cms_build.api import Classifier, Label, Number, RecordId, ResultModel, StatusReason, TracedValue


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

    source: Label | None
    category: Classifier | None
    total: TracedValue


class FootprintResult(ResultModel):
    """neutrality.footprints.*"""

    record: RecordId
    subject: RecordId | None
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

    credit: RecordId | None
    grade: str | None
    reason: str | None
    category: Classifier | None
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
    computed: Classifier | None = None
    tone: str | None = None
    reasons: list[StatusReason] | None = None


class ClaimEvent(ResultModel):
    """neutrality.claims.*.events[]"""

    event: RecordId | None
    date: str | None
    deadline: str | None
    state: str | None
    corrected_on: str | None
    late_corrections: list[str | None]


class ClaimRetirement(ResultModel):
    """neutrality.claims.*.retirements[]"""

    credit: RecordId | None
    index: Number | None
    date: str | None
    quantity: Number | None
    certificate_ref: str | None


class ClaimResult(ResultModel):
    """neutrality.claims.*"""

    record: RecordId
    subject: RecordId | None
    footprint: RecordId | None
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
    superseded_by: RecordId | None


class SerialRetirementUse(ResultModel):
    """neutrality.serial_uses[]"""

    credit: RecordId | None
    retirement: Number | None
    claim: RecordId | None
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
    footprints: dict[RecordId, FootprintResult]
    claims: dict[RecordId, ClaimResult]
    serial_uses: list[SerialRetirementUse]


class ClaimPerformance(ResultModel):
    """neutrality_performance.claims.* (D.9, checks/neutrality/performance.py)"""

    record: RecordId | None
    year: int | None
    contribution: TracedValue
    credit_cost: TracedValue | None
    cost_per_tonne: TracedValue | None


class YearPerformance(ResultModel):
    """neutrality_performance.years.*: the claims ending in the year, with the assets domain's
    ETS compliance cost of that year beside the credit cost"""

    year: int | None
    claims: list[RecordId]
    contribution: TracedValue | None
    credit_cost: TracedValue | None
    ets_compliance_cost: TracedValue | None
    total_cost: TracedValue | None
    cost_per_tonne: TracedValue | None


class NeutralityPerformanceResult(ResultModel):
    """neutrality_performance (D.9): contribution and cost of the neutrality subsystem"""

    as_of: str | None
    claims: dict[RecordId, ClaimPerformance]
    years: dict[str, YearPerformance]
