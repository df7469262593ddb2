"""Draft records that an approved result rests on (7.4.2 c): the shared part of
emissions.unapproved-data-used (checks/emissions/inventory_rules.py) and
trading.unapproved-data-used (checks/trading/compliance_rules.py).

A computed figure counts every record that is not superseded or withdrawn, a draft too
(leaving it out would change the figures). Once an approved record, or a status the results
show, rests on such a figure, each draft it counts is reported at its status, naming what
rests on it; the draft stays in the figures.
"""

from __future__ import annotations

from typing import Callable, Iterable, Iterator


class DraftsUsed:
    """Collects, per draft record, the anchors (a year, an obligation) whose figure counts it
    and the records through which it is counted."""

    def __init__(self) -> None:
        self._drafts: dict = {}  # record id -> (record, {anchor: [ids it is counted through]})

    def add(self, record, anchor, via: str | None = None) -> None:
        """Count `record` into the figure of `anchor` (through the record `via`, itself by
        default). Records that are not drafts are ignored."""
        if record is None or record.status != "draft":
            return
        uses = self._drafts.setdefault(record.id, (record, {}))[1].setdefault(anchor, [])
        via = via or record.id
        if via not in uses:
            uses.append(via)

    def issues(
        self,
        resting: Callable[[object, object], list],
        describe: Callable[[object], str],
        figure: Callable[[object], str],
        then: str,
    ) -> Iterator:
        """An issue at each draft's status, per anchor: `resting(anchor, draft)` the records
        resting on the anchor's figure as far as it counts the draft, `describe(r)` how one is named, `figure(anchor)`
        the figure ("the 2025 inventory"), `then` what to do if the draft's figures are to
        change."""
        for rid, (rec, anchors) in sorted(self._drafts.items()):
            for anchor, used in sorted(anchors.items()):
                on: Iterable = resting(anchor, rec)
                names = [describe(r) for r in on]
                if not names:
                    continue
                via = "" if used == [rec.id] else f" (through {', '.join(sorted(used))})"
                yield rec.issue(
                    "status",
                    f"{rec.id} is a draft, not reviewed and approved, but {' and '.join(names)} "
                    f"{'rests' if len(names) == 1 else 'rest'} on {figure(anchor)} computed from it{via}",
                    hint=f"review and approve {rec.id} (status: approved, approved_by, approved_on), or, if its figures are still to change, {then}",
                )
