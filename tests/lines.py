"""Where a finding must point: the line of a fixture file, found independently of the engine."""

from __future__ import annotations

from pathlib import Path


def line_of(org, rel: str, needle: str, nth: int = 1, after: str | None = None) -> int:
    """1-based line of the nth line of `rel` containing `needle`, counting from the line
    after the first one containing `after` when given."""
    lines = (Path(org.root) / rel).read_text(encoding="utf-8").splitlines()
    start = 0
    if after is not None:
        start = next((i for i, line in enumerate(lines) if after in line), None)
        if start is None:
            raise AssertionError(f"{after!r} not in {rel}")
        start += 1
    seen = 0
    for number, line in enumerate(lines[start:], start=start + 1):
        if needle in line:
            seen += 1
            if seen == nth:
                return number
    raise AssertionError(f"{needle!r} not found {nth} times in {rel}")
