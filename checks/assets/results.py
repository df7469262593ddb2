"""Result type of the `assets` computation: asset ledger, compliance positions, P&L, balance sheets
and statements (C.8.1.1, 8.2.3 a, B.8.2.3 b, G.2, G.3).

Each model describes exactly what the computation returns (cms_build/results.py gives the
conventions: strict, no unknown key, absent keys stay absent). A class's docstring is where it
sits in the result (`*` a key of a map, `[]` an item of a list).
"""
from __future__ import annotations

from cms_build.results import Number, ResultModel, Source, StatusReason, TracedValue

from ..emissions.results import EtsSourceComparison


class AssetsSettings(ResultModel):
    """assets.settings"""
    valuation_price: str
    cost_method: str
    ccer_max_share: Number
    balance_tolerance_t: Number


class AssetKey(ResultModel):
    """assets.ledger.*.*.asset"""
    key: str
    market: str
    product: str
    vintage: Number | None


class LedgerPeriod(ResultModel):
    """assets.ledger.*.*.periods[]"""
    year: Number
    start: str
    end: str
    opening: Number
    allocation: Number
    purchases: Number
    sales: Number
    surrenders: Number
    retirements: Number
    transfers: Number
    financing: Number
    closing: TracedValue


class LedgerMinimum(ResultModel):
    """assets.ledger.*.*.min"""
    value: Number
    date: str | None


class LedgerPosition(ResultModel):
    """assets.ledger.*.*"""
    asset: AssetKey
    account: str
    periods: list[LedgerPeriod]
    balance: Number
    own: Number
    books: dict[str, Number]
    away: dict[str, Number]
    encumbered: Number
    available: Number
    status: dict[str, Number]
    min: LedgerMinimum


class AssetsProblem(ResultModel):
    """assets.problems[]"""
    type: str
    account: str
    asset: str
    date: str
    quantity: Number
    available: Number | None
    source: Source
    movement: str | None = None
    balance: Number | None = None
    label: str | None = None
    encumbered: Number | None = None
    books: dict[str, Number] | None = None
    contract: str | None = None


class SerialUse(ResultModel):
    """assets.serials[]"""
    block: str
    first: Number
    last: Number
    text: str
    use: str
    date: str
    record: str
    path: str
    account: str


class SerialRange(ResultModel):
    """assets.serial_clashes[].range"""
    block: str
    first: Number
    last: Number
    label: str
    size: Number


class SerialClash(ResultModel):
    """assets.serial_clashes[]"""
    type: str
    range: SerialRange
    first: SerialUse
    second: SerialUse
    source: Source
    first_source: Source


class LateSurrender(ResultModel):
    """assets.compliance.*.late[]"""
    date: str
    quantity: Number
    source: Source


class CompliancePrice(ResultModel):
    """assets.compliance.*.price"""
    value: Number | None
    date: str | None
    source: Source


class FilledYear(ResultModel):
    """assets.compliance.*.filled[]"""
    year: Number
    value: Number
    basis: str


class VerifiedCheck(ResultModel):
    """assets.compliance.*.verified_check[]"""
    year: Number
    stated: Number
    verified: Number
    verification: str
    source: Source


class EtsCheck(ResultModel):
    """assets.compliance.*.ets_check[]"""
    year: Number
    stated: Number
    ets: Number
    inventory: Number
    by_source: dict[str, EtsSourceComparison]
    source: Source


class CompliancePosition(ResultModel):
    """assets.compliance.*"""
    closed: bool
    deadline: str
    due: TracedValue
    ccer_limit: TracedValue
    surrendered: TracedValue
    remaining: TracedValue
    cover: TracedValue
    position: TracedValue
    value: TracedValue | None
    allowances_surrendered: Number
    ccer_surrendered: Number
    ccer_over_limit: Number
    late: list[LateSurrender]
    on_time: Number
    short: bool
    record: str
    period: str
    years: list[Number]
    ccer_share: Number
    price: CompliancePrice
    shared_cover: list[str]
    filled: list[FilledYear]
    verified_check: list[VerifiedCheck]
    ets_check: list[EtsCheck]
    # written by cms_build/statuses.py after the checks (absent in the computation's own result)
    status: str | None = None
    computed_status: str | None = None
    tone: str | None = None
    reasons: list[StatusReason] | None = None


class SaleValue(ResultModel):
    """assets.pnl.sales[].value"""
    proceeds: Number
    cost: Number
    pnl: TracedValue


class Sale(ResultModel):
    """assets.pnl.sales[]"""
    asset: str
    date: str
    quantity: Number
    record: str
    source: Source
    value: SaleValue


class CostPool(ResultModel):
    """assets.pnl.pools.*"""
    quantity: Number
    cost: Number
    average: Number | None


class AssetsPnl(ResultModel):
    """assets.pnl"""
    method: str
    sales: list[Sale]
    by_product: dict[str, dict[str, TracedValue]]
    pools: dict[str, CostPool]
    compliance_cost: dict[str, Number]


class BalanceSheetLine(ResultModel):
    """assets.balance_sheets.*.positive[]"""
    category: str
    group_zh: str
    group_en: str
    label_zh: str
    label_en: str
    description: str
    computed: bool
    quantity: Number | None
    value: TracedValue


class BalanceSheet(ResultModel):
    """assets.balance_sheets.*"""
    positive: list[BalanceSheetLine]
    negative: list[BalanceSheetLine]
    unvalued: list[str]
    total_positive: TracedValue
    total_negative: TracedValue
    net: TracedValue
    valuation_date: str


class StatementDue(ResultModel):
    """assets.statements.*"""
    record: str | None
    due: str
    required: bool


class Reconciliation(ResultModel):
    """assets.reconciliation[]"""
    what: str
    record: str
    account: str
    asset: str
    date: str
    stated: Number
    computed: Number
    source: Source


class PositionCrossing(ResultModel):
    """assets.exchange_positions.*.*.crossings[]"""
    date: str
    holding: Number


class ExchangePosition(ResultModel):
    """assets.exchange_positions.*.*"""
    max: Number
    max_date: str
    over_limit: list[str]
    crossings: list[PositionCrossing]
    limit: Number | None
    threshold: Number | None


class BookEntry(ResultModel):
    """assets.books[]"""
    contract: str
    type: str
    book: str | None
    start: str
    source: Source


class AssetsResult(ResultModel):
    """assets"""
    as_of: str
    settings: AssetsSettings
    ledger: dict[str, dict[str, LedgerPosition]]
    problems: list[AssetsProblem]
    serials: list[SerialUse]
    serial_clashes: list[SerialClash]
    compliance: dict[str, CompliancePosition]
    pnl: AssetsPnl
    balance_sheets: dict[str, BalanceSheet]
    statements: dict[str, StatementDue]
    reconciliation: list[Reconciliation]
    exchange_positions: dict[str, dict[str, ExchangePosition]]
    books: list[BookEntry]
