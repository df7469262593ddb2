"""Result types of the trading computations: `trading` (trade ledgers, conduct per item of B.8.2.2.1,
B.6.4, B.9.1) and `surveillance` (the conduct surveillance table per item a-l).

Each model describes exactly what the computation returns (cms_build/results.py gives the
conventions: strict, no unknown key, absent keys stay absent). A class's docstring is where it
sits in the result (`*` a key of a map, `[]` an item of a list).
"""
from __future__ import annotations

from pydantic import Field

from cms_build.results import JsonValue, Number, ResultModel, Source


class TradingSettings(ResultModel):
    """trading.settings"""
    price_band_listed: Number
    price_band_block: Number
    block_threshold_t: Number
    price_tick: Number
    self_trade_max_count: Number
    cancel_ratio_max: Number
    cancel_min_orders: Number
    reverse_trade_price_tolerance: Number
    reverse_trade_max_gap_days: Number
    reverse_trade_min_pairs: Number


class TradingAccount(ResultModel):
    """trading.accounts.*"""
    role: str
    exchange: str | None
    markets: list[str]
    controlled: bool
    ledger: str


class TradingCounts(ResultModel):
    """trading.counts"""
    trades: Number
    orders: Number
    ledgers: Number
    priced_orders: Number
    unpriced_orders: Number


class SelfTrade(ResultModel):
    """trading.self_trades[]"""
    trade_id: str
    date: str
    account: str
    counterparty: str
    record: str
    source: Source


class PriceBandValue(ResultModel):
    """trading.price_band[].value"""
    price: Number
    prev_close: Number
    prev_close_date: str
    low: Number
    high: Number


class PriceBandHit(ResultModel):
    """trading.price_band[]"""
    what: str
    id: str
    date: str
    asset: str
    class_: str = Field(alias="class")  # a Python keyword: stored as "class"
    band: Number
    record: str
    source: Source
    stale_close_days: Number | None
    value: PriceBandValue


class TypeMismatch(ResultModel):
    """trading.type_mismatch[]"""
    what: str
    id: str
    date: str
    declared: str
    class_: str = Field(alias="class")  # a Python keyword: stored as "class"
    quantity: Number
    threshold: Number
    record: str
    source: Source


class CancelRatio(ResultModel):
    """trading.cancel_ratios[]"""
    account: str
    date: str
    placed: Number
    cancelled: Number
    ratio: Number
    sources: list[Source]
    flagged: bool


class TradeLeg(ResultModel):
    """trading.reverse_pairs[].value.first"""
    date: str
    side: str
    price: Number
    quantity: Number
    trade_id: str
    source: Source


class ReversePairLegs(ResultModel):
    """trading.reverse_pairs[].value"""
    first: TradeLeg
    second: TradeLeg


class ReversePair(ResultModel):
    """trading.reverse_pairs[]"""
    account: str
    second_account: str
    asset: str
    price_diff_pct: Number
    source: Source
    value: ReversePairLegs
    record: str


class TradingProblem(ResultModel):
    """trading.problems[]"""
    message: str
    source: Source


class ConductHit(ResultModel):
    """trading.conduct.*.hits[]"""
    item: str
    rule: str
    date: str
    ledgers: list[str]
    record: str
    source: Source
    also: list[Source]
    ids: list[str]
    text: str
    value: dict[str, JsonValue]
    severity: str | None = None


class ConductItem(ResultModel):
    """trading.conduct.*"""
    checked: bool
    why_not: str | None
    data: dict[str, JsonValue]
    hits: list[ConductHit]
    note: str | None = None


class TradingResult(ResultModel):
    """trading"""
    settings: TradingSettings
    accounts: dict[str, TradingAccount]
    counts: TradingCounts
    self_trades: list[SelfTrade]
    price_band: list[PriceBandHit]
    type_mismatch: list[TypeMismatch]
    cancel_ratios: list[CancelRatio]
    reverse_pairs: list[ReversePair]
    problems: list[TradingProblem]
    conduct: dict[str, ConductItem]


class SurveillanceHit(ResultModel):
    """surveillance.items.*.hits[]"""
    item: str
    rule: str
    date: str
    ledgers: list[str]
    record: str
    source: Source
    ids: list[str]
    text: str
    also: list[Source] | None = None
    value: dict[str, JsonValue] | None = None
    severity: str | None = None


class SurveillanceItem(ResultModel):
    """surveillance.items.*"""
    clause: str
    rules: list[str]
    parameters: dict[str, JsonValue]
    data_needed: str
    checked: bool
    why_not: str | None
    note: str | None
    data: dict[str, JsonValue]
    hits: list[SurveillanceHit]


class SurveillanceLedger(ResultModel):
    """surveillance.ledgers.*"""
    account: str
    years: list[Number]


class SurveillanceResult(ResultModel):
    """surveillance"""
    items: dict[str, SurveillanceItem]
    ledgers: dict[str, SurveillanceLedger]
