"""Credit serial numbers as ranges: parse, count, compare for overlap.

Registries issue credits in blocks whose serial numbers share a prefix and end in a
running number; a batch is written as its first and last serial ("CCER-...-000001-005000").
Two uses of credits clash when their ranges share any number, not only when the strings are
equal, so every comparison here is on ranges.

A serial is either structured, ``{"block": "CCER-1001-2021", "first": 1, "last": 5000}``
(unambiguous, preferred), or text:

- "<block>-<first>-<last>", the two trailing digit groups of equal width with
  first <= last: a range ("CCER-1001-2021-000001-005000" -> block "CCER-1001-2021",
  1..5000). Equal width is required so that a single serial such as
  "CCER-1001-2021-000001" is not misread as the range 2021..1;
- "<block>-<n>" (or "<block><n>"): one serial, the range n..n;
- anything else: an opaque serial, equal only to itself.

Blocks compare case-insensitively, ignoring surrounding spaces and trailing separators.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_RANGE = re.compile(r"^(?P<block>.*?)[\s_\-/]*(?P<first>\d+)\s*(?:-|~|–|—|\.\.|\s+to\s+)\s*(?P<last>\d+)$")
_SINGLE = re.compile(r"^(?P<block>.*?)(?P<n>\d+)$")


@dataclass(frozen=True)
class SerialRange:
    block: str  # normalized common prefix
    first: int
    last: int
    text: str = ""  # as written

    @property
    def size(self) -> int:
        return self.last - self.first + 1

    def overlaps(self, other: "SerialRange") -> bool:
        return self.block == other.block and self.first <= other.last and other.first <= self.last

    def overlap(self, other: "SerialRange") -> "SerialRange | None":
        """The shared part, or None."""
        if not self.overlaps(other):
            return None
        return SerialRange(self.block, max(self.first, other.first), min(self.last, other.last))

    def contains(self, other: "SerialRange") -> bool:
        return self.block == other.block and self.first <= other.first and other.last <= self.last

    def label(self) -> str:
        if self.first == self.last:
            return f"{self.block}-{self.first}" if self.block else str(self.first)
        return f"{self.block} {self.first}..{self.last}"


def normalize_block(block: str) -> str:
    return re.sub(r"[\s_\-/]+$", "", block.strip()).upper()


def parse(value) -> SerialRange | None:
    """A serial (text or {block, first, last}) as a range; None when it is not one."""
    if isinstance(value, dict):
        block, first, last = value.get("block"), value.get("first"), value.get("last")
        if (
            not isinstance(block, str)
            or isinstance(first, bool)
            or isinstance(last, bool)
            or not isinstance(first, int)
            or not isinstance(last, int)
            or last < first
        ):
            return None
        return SerialRange(normalize_block(block), first, last, f"{block} {first}..{last}")
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    m = _RANGE.match(text)
    if m and len(m["first"]) == len(m["last"]) and int(m["first"]) <= int(m["last"]):
        return SerialRange(normalize_block(m["block"]), int(m["first"]), int(m["last"]), text)
    m = _SINGLE.match(text)
    if m:
        return SerialRange(normalize_block(m["block"]), int(m["n"]), int(m["n"]), text)
    return SerialRange(normalize_block(text), 0, 0, text)  # opaque: equal only to itself


def total_size(ranges) -> int:
    return sum(r.size for r in ranges if r is not None)


def overlaps(a: list[SerialRange], b: list[SerialRange]) -> list[tuple[SerialRange, SerialRange, SerialRange]]:
    """Every pair (x from a, y from b) that shares serials, with the shared part."""
    out = []
    for x in a:
        for y in b:
            shared = x.overlap(y)
            if shared is not None:
                out.append((x, y, shared))
    return out


def covered_by(inner: list[SerialRange], outer: list[SerialRange]) -> list[SerialRange]:
    """The ranges of `inner` (or parts of them) that no range of `outer` covers."""
    missing: list[SerialRange] = []
    for r in inner:
        pieces = [(r.first, r.last)]
        for o in outer:
            if o.block != r.block:
                continue
            nxt = []
            for lo, hi in pieces:
                if o.last < lo or o.first > hi:
                    nxt.append((lo, hi))
                    continue
                if lo < o.first:
                    nxt.append((lo, o.first - 1))
                if o.last < hi:
                    nxt.append((o.last + 1, hi))
            pieces = nxt
        missing.extend(SerialRange(r.block, lo, hi, r.text) for lo, hi in pieces)
    return missing
