"""Where each serial number has been: acquisitions, disposals and statuses, and the clashes.

A unit with a serial number is in one place at a time (C.8.1.2: the assets correspond one
to one with the activities). Its history is a sequence of uses:

    acquire   allocated, purchased, transferred_in, borrowed, custody_in, returned
    dispose   sold, transferred_out, lent, repo, custody_out, returned_to_lender
    terminal  surrendered, retired (the unit is cancelled in the registry)
    status    pledged, frozen, held (a registry statement lists it)

Replaying each elementary piece of serial range through its uses in date order finds:
- "acquired_twice": acquired while already held (counted in two places);
- "disposed_twice": disposed of again without an acquisition in between (e.g. sold twice,
  or sold and surrendered);
- "after_terminal": any use after the unit was surrendered or retired;
- "held_elsewhere": a status use (pledged, frozen, held) in another account than the one
  that holds it, or after it was disposed of.

A first use that is a disposal is not a clash: units often come from before the ledger
starts, and allowances carry no serial numbers when allocated.

Ranges are checks.assets.serial_ranges.SerialRange (block prefix + first..last), so
"...-000001-005000" and "...-004001-006000" clash on 4001..5000.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from .serial_ranges import SerialRange

ACQUIRE = ("allocated", "purchased", "transferred_in", "borrowed", "custody_in", "returned")
DISPOSE = ("sold", "transferred_out", "lent", "repo", "custody_out", "returned_to_lender")
TERMINAL = ("surrendered", "retired")
STATUS = ("pledged", "frozen", "held")
# same day, no time: acquisitions first, then transfers out, then transfers in, then the rest
_RANK = {"transferred_out": 1, "transferred_in": 2}


@dataclass
class SerialUse:
    range: SerialRange
    use: str
    day: dt.date
    record: str
    path: str = ""
    account: str | None = None
    source: dict = field(default_factory=dict)
    order: int = 0  # tiebreak within a day (e.g. a trade's time in seconds)

    def as_dict(self) -> dict:
        r = self.range
        return {
            "block": r.block,
            "first": r.first,
            "last": r.last,
            "text": r.text or r.label(),
            "use": self.use,
            "date": self.day.isoformat(),
            "record": self.record,
            "path": self.path,
            "account": self.account,
        }

    def sort_key(self):
        rank = 0 if self.use in ACQUIRE and self.use != "transferred_in" else _RANK.get(self.use, 3)
        return (self.day, rank, self.order)


def clashes(uses: list[SerialUse]) -> list[dict]:
    """Every clash, as {"type", "range": {block, first, last}, "first": use, "second": use}.

    Contiguous pieces with the same pair of uses are merged into one range.
    """
    by_block: dict[str, list[SerialUse]] = defaultdict(list)
    for u in uses:
        by_block[u.range.block].append(u)
    found: list[dict] = []
    for block, items in sorted(by_block.items()):
        bounds = sorted({u.range.first for u in items} | {u.range.last + 1 for u in items})
        pieces = list(zip(bounds, bounds[1:]))
        ordered = sorted(items, key=SerialUse.sort_key)
        raw: list[tuple] = []  # (type, lo, hi, first use idx, second use idx)
        index = {id(u): i for i, u in enumerate(ordered)}
        for lo, nxt in pieces:
            hi = nxt - 1
            state, holder, last = "unknown", None, None
            for u in ordered:
                if u.range.first > lo or u.range.last < hi:
                    continue
                kind = None
                if state == "terminal":
                    kind = "after_terminal"
                elif u.use in ACQUIRE:
                    if state == "held":
                        kind = "acquired_twice"
                    state, holder = "held", u.account
                elif u.use in DISPOSE or u.use in TERMINAL:
                    if state == "disposed":
                        kind = "disposed_twice"
                    state = "terminal" if u.use in TERMINAL else "disposed"
                elif u.use in STATUS:
                    if state == "disposed" or (state == "held" and holder is not None and u.account is not None and u.account != holder):
                        kind = "held_elsewhere"
                    elif state == "unknown":
                        state, holder = "held", u.account
                if kind is not None and last is not None:
                    raw.append((kind, lo, hi, index[id(last)], index[id(u)]))
                if kind != "after_terminal":
                    last = u
        found.extend(_merge(block, raw, ordered))
    return found


def _merge(block: str, raw: list[tuple], ordered: list[SerialUse]) -> list[dict]:
    merged: list[list] = []
    for kind, lo, hi, a, b in sorted(raw, key=lambda r: (r[3], r[4], r[0], r[1])):
        if merged and merged[-1][0] == kind and merged[-1][3] == a and merged[-1][4] == b and merged[-1][2] + 1 == lo:
            merged[-1][2] = hi
        else:
            merged.append([kind, lo, hi, a, b])
    out = []
    for kind, lo, hi, a, b in merged:
        shared = SerialRange(block, lo, hi)
        out.append(
            {
                "type": kind,
                "range": {"block": block, "first": lo, "last": hi, "label": shared.label(), "size": shared.size},
                "first": ordered[a].as_dict(),
                "second": ordered[b].as_dict(),
                "source": ordered[b].source,
                "first_source": ordered[a].source,
            }
        )
    return out
