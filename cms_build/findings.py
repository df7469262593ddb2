"""Findings: what a rule found, where, and which clause of the standard it enforces."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

SEVERITIES = ("error", "warning", "info")
_RANK = {s: i for i, s in enumerate(SEVERITIES)}


def at_or_above(severity: str, threshold: str) -> bool:
    return _RANK[severity] <= _RANK[threshold]


def format_path(path: Iterable[object]) -> str:
    """A data path as people read it: ("targets", 0, "value") -> "targets[0].value"."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: str
    message: str
    file: str  # repository-relative, POSIX separators
    line: int = 1
    col: int = 1
    clauses: tuple[str, ...] = ()
    record: str | None = None
    path: str = ""
    hint: str = ""
    title: str = ""

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.file, self.line, self.col, self.rule, self.message)

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["clauses"] = list(self.clauses)
        return d

    def location(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"


@dataclass
class Issue:
    """What a check yields: the rule's metadata is added by the engine.

    A check may override the rule's severity (a deadline still open is a warning, past it
    an error) or name more precise clauses.
    """

    message: str
    file: str
    line: int = 1
    col: int = 1
    record: str | None = None
    path: str = ""
    hint: str = ""
    severity: str | None = None
    clauses: tuple[str, ...] = field(default_factory=tuple)


# Rule and computation titles are written "中文 English" (CONTRIBUTING, "A rule is a decorated
# function"): the Chinese part, then the English part, which holds no Chinese character.
# A build or `cms check --language` shows one of them; messages and hints of the rules are
# English (not yet translated: a later task), shown as they are.
def split_title(title: str) -> tuple[str, str]:
    """("中文", "English") of a bilingual title; a one-language title gives "" for the other."""
    text = str(title or "").strip()
    last_cjk = max((i for i, ch in enumerate(text) if ord(ch) > 0x2E7F), default=-1)
    if last_cjk < 0:
        return "", text
    # the English part starts at the first space after the last Chinese character (closing
    # brackets and digits that belong to the Chinese part, e.g. "（附录D）", stay with it)
    cut = text.find(" ", last_cjk)
    if cut < 0:
        return text, ""
    return text[:cut].strip(), text[cut:].strip()


def title_in(title: str, language: str) -> str:
    """The title in a language, the other when it has only that one."""
    zh, en = split_title(title)
    return (en or zh) if language == "en" else (zh or en)


def _cjk(text: str) -> bool:
    return any(ord(ch) > 0x2E7F for ch in text)


def text_in(text: str, language: str) -> str:
    """A computed text written "中文 · English" (a status reason: "有效期 … 至 … · valid … to …") in
    one language: cut at the last " · " whose left holds Chinese and whose right holds none; a
    text without such a cut is shown as it is."""
    value = str(text or "")
    at = value.rfind(" · ")
    while at > 0:
        left, right = value[:at], value[at + 3 :]
        if _cjk(left) and not _cjk(right) and right.strip():
            return right.strip() if language == "en" else left.strip()
        if _cjk(right):  # Chinese after the cut: an earlier " · " cannot start the English part
            break
        at = value.rfind(" · ", 0, at)
    return value
