"""Result type of the `assets` computation: asset ledger, compliance positions, P&L, balance sheets
and statements (C.8.1.1, 8.2.3 a, B.8.2.3 b, G.2, G.3).

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

from cms_build.api import Classifier, Label, Number, RecordId, ResultModel, Shape, Source, StatusReason, TracedValue

from ..emissions.results import EtsSourceComparison


class AssetsSettings(ResultModel):
    """assets.settings"""

    valuation_price: str | None
    cost_method: str | None
    ccer_max_share: Number | None
    balance_tolerance_t: Number | None
    max_price_age_days: Number | None


class AssetKey(ResultModel):
    """assets.ledger.*.*.asset"""

    key: str | None
    market: Classifier | None
    product: Classifier | None
    vintage: Number | None


class LedgerPeriod(ResultModel):
    """assets.ledger.*.*.periods[]"""

    year: Number | None
    start: str | None
    end: str | None
    opening: Number | None
    allocation: Number | None
    purchases: Number | None
    sales: Number | None
    surrenders: Number | None
    retirements: Number | None
    transfers: Number | None
    financing: Number | None
    closing: TracedValue


class LedgerMinimum(ResultModel):
    """assets.ledger.*.*.min"""

    value: Number | None
    date: str | None


class LedgerPosition(ResultModel):
    """assets.ledger.*.*"""

    asset: AssetKey
    account: RecordId | None
    periods: list[LedgerPeriod]
    balance: Number | None
    own: Number | None
    books: dict[str, Number | None]
    away: dict[str, Number | None]
    encumbered: Number | None
    available: Number | None
    status: dict[str, Number | None]
    min: LedgerMinimum


class AssetsProblem(ResultModel):
    """assets.problems[]"""

    type: str | None
    account: RecordId | None
    asset: str | None
    date: str | None
    quantity: Number | None
    available: Number | None
    source: Source
    movement: str | None = None
    balance: Number | None = None
    label: Label | None = None
    encumbered: Number | None = None
    books: dict[str, Number | None] | None = None
    contract: RecordId | None = None


class SerialUse(ResultModel):
    """assets.serials[]"""

    block: str | None
    first: Number | None
    last: Number | None
    text: str | None
    use: str | None
    date: str | None
    record: RecordId | None
    path: str | None
    account: RecordId | None


class SerialRange(ResultModel):
    """assets.serial_clashes[].range"""

    block: str | None
    first: Number | None
    last: Number | None
    label: Label | None
    size: Number | None


class SerialClash(ResultModel):
    """assets.serial_clashes[]"""

    type: str | None
    range: SerialRange
    first: SerialUse
    second: SerialUse
    source: Source
    first_source: Source


class LateSurrender(ResultModel):
    """assets.compliance.*.late[]"""

    date: str | None
    quantity: Number | None
    source: Source


class CompliancePrice(ResultModel):
    """assets.compliance.*.price"""

    value: Number | None
    date: str | None
    source: Source


class FilledYear(ResultModel):
    """assets.compliance.*.filled[]"""

    year: Number | None
    value: Number | None
    basis: str | None


class VerifiedCheck(ResultModel):
    """assets.compliance.*.verified_check[]"""

    year: Number | None
    stated: Number | None
    verified: Number | None
    verification: RecordId | None
    source: Source


class EtsCheck(ResultModel):
    """assets.compliance.*.ets_check[]"""

    year: Number | None
    stated: Number | None
    ets: Number | None
    inventory: Number | None
    by_source: dict[RecordId, EtsSourceComparison]
    source: Source


class CompliancePosition(ResultModel):
    """assets.compliance.*"""

    closed: bool | None
    deadline: str | None
    due: TracedValue
    ccer_limit: TracedValue
    surrendered: TracedValue
    remaining: TracedValue
    cover: TracedValue
    position: TracedValue
    value: TracedValue | None
    allowances_surrendered: Number | None
    ccer_surrendered: Number | None
    ccer_over_limit: Number | None
    late: list[LateSurrender]
    on_time: Number | None
    short: bool | None
    record: RecordId
    period: str | None
    years: list[Number | None]
    ccer_share: Number | None
    price: CompliancePrice
    shared_cover: list[RecordId | None]
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

    proceeds: Number | None
    cost: Number | None
    pnl: TracedValue


class Sale(ResultModel):
    """assets.pnl.sales[]"""

    asset: str | None
    date: str | None
    quantity: Number | None
    record: RecordId | None
    source: Source
    value: SaleValue


class CostPool(ResultModel):
    """assets.pnl.pools.*"""

    quantity: Number | None
    cost: Number | None
    average: Number | None


class AssetsPnl(ResultModel):
    """assets.pnl"""

    method: Shape | None
    sales: list[Sale]
    by_product: dict[str, dict[str, TracedValue]]
    pools: dict[str, CostPool]
    compliance_cost: dict[str, Number | None]


class BalanceSheetLine(ResultModel):
    """assets.balance_sheets.*.positive[]"""

    category: Classifier | None
    group_zh: Classifier | None
    group_en: Classifier | None
    label_zh: Classifier | None
    label_en: Classifier | None
    description: Label | None
    computed: bool | None
    quantity: Number | None
    value: TracedValue
    price_date: str | None = None


class BalanceSheet(ResultModel):
    """assets.balance_sheets.*"""

    positive: list[BalanceSheetLine]
    negative: list[BalanceSheetLine]
    unvalued: list[str | None]
    total_positive: TracedValue
    total_negative: TracedValue
    net: TracedValue
    valuation_date: str | None


class StatementDue(ResultModel):
    """assets.statements.*"""

    record: RecordId | None
    due: str | None
    required: bool | None


class Reconciliation(ResultModel):
    """assets.reconciliation[]"""

    what: str | None
    record: RecordId | None
    account: RecordId | None
    asset: str | None
    date: str | None
    stated: Number | None
    computed: Number | None
    source: Source


class PositionCrossing(ResultModel):
    """assets.exchange_positions.*.*.crossings[]"""

    date: str | None
    holding: Number | None


class ExchangePosition(ResultModel):
    """assets.exchange_positions.*.*"""

    max: Number | None
    max_date: str | None
    over_limit: list[str | None]
    crossings: list[PositionCrossing]
    limit: Number | None
    threshold: Number | None


class BookEntry(ResultModel):
    """assets.books[]"""

    contract: RecordId | None
    type: str | None
    book: str | None
    start: str | None
    source: Source


class AssetsResult(ResultModel):
    """assets"""

    as_of: str
    settings: AssetsSettings
    ledger: dict[RecordId, dict[str, LedgerPosition]]
    problems: list[AssetsProblem]
    serials: list[SerialUse]
    serial_clashes: list[SerialClash]
    compliance: dict[RecordId, CompliancePosition]
    pnl: AssetsPnl
    balance_sheets: dict[str, BalanceSheet]
    statements: dict[str, StatementDue]
    reconciliation: list[Reconciliation]
    exchange_positions: dict[str, dict[str, ExchangePosition]]
    books: list[BookEntry]
