"""One reading of an offset_credit record (D.6.1.1 c, D.8.2.1): the batch bought, its serial
numbers, the registry account holding it, and each retirement.

Both domains that look at credits read them here: the neutrality computation and rules
(checks/neutrality/compute.py, credits.py, performance.py) and the carbon asset ledger
(checks/assets/compute.py: C.8.1.1, the ledger holds every carbon asset of the
organization, so a batch bought for neutrality is a purchase into the account it names and
each retirement an outflow from it, and Annex G values what is still held).

A record is read as it stands: nothing is judged against the as-of date here (the callers
leave out what happened after it). A value of the wrong type is read as None, never as a
number it might have meant (the schema reports it).

The asset a batch is, for the ledger and the valuation (market, product, vintage), follows
the standard that issued it: CCER -> ccer:CCER, VCS -> vcs:VCU, GS -> gs:VER, CDM -> cdm:CER;
any other standard (ACR, CAR, GCC, local_pilot, other) -> other_credit:<standard>; the vintage
is vintage_year. A market_price record of that market and product values it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from cms_build.api import dates

from ..assets import serial_ranges
from ..assets.serial_ranges import SerialRange
from ..trading.rows import Asset

STANDARD_ASSET = {"CCER": ("ccer", "CCER"), "VCS": ("vcs", "VCU"), "GS": ("gs", "VER"), "CDM": ("cdm", "CER")}


def _int(value) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _num(value) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _serials(values) -> tuple[tuple[int, SerialRange], ...]:
    """(index in the list, range) of each serial that reads as one."""
    out = []
    for j, raw in enumerate(values if isinstance(values, list) else []):
        r = serial_ranges.parse(raw)
        if r is not None:
            out.append((j, r))
    return tuple(out)


@dataclass(frozen=True)
class Retirement:
    index: int  # in the record's retirements
    day: dt.date | None
    quantity: int | None
    serials: tuple[tuple[int, SerialRange], ...]  # (index in retirements[i].serials, range)
    claim: str | None
    data: dict  # the retirement as written

    @property
    def ranges(self) -> list[SerialRange]:
        return [r for _, r in self.serials]


@dataclass(frozen=True)
class Credit:
    record: Any
    asset: Asset | None
    quantity: int | None  # bought, quantity_tco2e
    account: str | None  # registry.account as written: a trading_account id or an account number
    bought_on: dt.date | None  # purchase.date
    price_cny: float | None  # purchase.price per tonne, when given in CNY (no currency is converted)
    serials: tuple[tuple[int, SerialRange], ...]  # (index in serials, range)
    retirements: tuple[Retirement, ...]

    @property
    def id(self) -> str:
        return self.record.id

    @property
    def ranges(self) -> list[SerialRange]:
        return [r for _, r in self.serials]


def asset_of(standard, vintage) -> Asset | None:
    if not isinstance(standard, str) or not standard:
        return None
    market, product = STANDARD_ASSET.get(standard, ("other_credit", standard))
    return Asset(market, product, _int(vintage))


def read(record) -> Credit:
    purchase = record.get("purchase")
    purchase = purchase if isinstance(purchase, dict) else {}
    price = purchase.get("price")
    price_cny = _num(price.get("value")) if isinstance(price, dict) and (price.get("currency") or "CNY") == "CNY" else None
    registry = record.get("registry")
    account = registry.get("account") if isinstance(registry, dict) else None
    rets = []
    for i, ret in enumerate(record.get("retirements") or []):
        if not isinstance(ret, dict):
            continue
        claim = ret.get("claim")
        rets.append(
            Retirement(
                i, dates.parse(ret.get("date")), _int(ret.get("quantity_tco2e")), _serials(ret.get("serials")), claim if isinstance(claim, str) else None, ret
            )
        )
    return Credit(
        record,
        asset_of(record.get("standard"), record.get("vintage_year")),
        _int(record.get("quantity_tco2e")),
        account if isinstance(account, str) and account else None,
        dates.parse(purchase.get("date")),
        price_cny,
        _serials(record.get("serials")),
        tuple(rets),
    )


def credits(ctx) -> list[Credit]:
    """Every offset_credit record, read."""
    return [read(r) for r in ctx.records("offset_credit")]
