"""The standard as data: the clause catalogue in ``data/clauses.yaml``.

Checks, record kinds and the evidence site cite clauses by number; this module is the one
place that knows which numbers exist, what each clause obliges and which subsystem (annex)
it belongs to, so that a citation can be verified and the clauses an organization must
show evidence for can be listed from the annexes it adopts (clause 1 e).
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the same safe schema

CATALOGUE = Path(__file__).parent / "data" / "clauses.yaml"
# The catalogue's YAML parsed, as JSON (`python -m cms_build.standard`, tests/test_standard.py
# compares): reading it is some 40 ms less of every run than parsing the YAML (a tenth of a
# check of a new repository). Used only while it names the SHA-256 of the YAML's bytes it was
# made from: an edited catalogue is parsed from the YAML until the file is written again.
PARSED = CATALOGUE.with_name("clauses.parsed.json")

OBLIGATIONS = ("requirement", "recommendation", "permission", "informative")
#: The modal verb of a provision: 应 shall (also 必须, 不得, 不应), 宜 should, 可 may.
MODALS = {"应": "requirement", "宜": "recommendation", "可": "permission"}
#: The four subsystems an organization may adopt, one or all (clause 1 e).
SUBSYSTEMS = frozenset("ABCD")
#: Annexes that are informative (examples only): never an applicable requirement.
INFORMATIVE_ANNEXES = frozenset("EFG")


@dataclass(frozen=True)
class Provision:
    """One item of a clause an organization conforms to: a lettered list item ("a") or a
    sentence outside the list ("s2", the clause's second sentence), with its modal verb.

    rules: ids of checks that verify it although they cite the bare clause (a check citing
    "5.2 a" verifies 5.2 a by that alone; cms_build/matrix.py). records: the kinds
    ("policy") or kind fields ("context.issues") that record it; empty means the kinds
    whose schemas cite the clause or the item. documented: the standard requires documented
    information here ("保持/保留文件化信息"), held by a record of one of ``records``
    (rule doc.required-missing, checks/management/documented_information.py). reviewer: why no rule can
    judge the item and what a reviewer must look at (issue 21): the item's home when no
    rule checks it; the matrix shows such an item as "reviewer" (reviewer-only) unless
    records document it. applies_if: "kind.field": the item applies only to an organization one
    of whose records of that kind, in force at the as-of date, has the field true (D.6.1.2:
    "对于有进出口贸易的组织", organization.imports_exports); otherwise the matrix shows it
    not applicable, and never missing. "subsystem:B": the item applies only where annex B is
    adopted (8.2.2 "在碳交易实施过程中": the trading process of an organization that trades)."""

    item: str
    modal: str
    rules: tuple = ()
    records: tuple = ()
    documented: bool = False
    reviewer: str = ""
    applies_if: str = ""

    @property
    def shall(self) -> bool:
        return self.modal == "应"


@dataclass(frozen=True)
class Clause:
    """One numbered clause; immutable because the catalogue is shared by every caller."""

    number: str
    title_zh: str
    title_en: str
    summary_zh: str
    summary_en: str
    obligation: str
    subsystem: str
    parent: str | None
    items: tuple = ()
    kinds: tuple = ()
    provisions: tuple = ()

    def provision(self, item: str) -> Provision | None:
        return next((p for p in self.provisions if p.item == item), None)


@lru_cache(maxsize=1)
def _catalogue() -> tuple[Clause, ...]:
    """Read and check the YAML once; a broken catalogue must fail loudly, not cite wrongly."""
    data = _catalogue_data(CATALOGUE)
    if not isinstance(data, list):
        raise ValueError(f"{CATALOGUE}: expected a list of clauses")
    clauses = []
    for entry in data:
        number = str(entry.get("number", "")) if isinstance(entry, dict) else ""
        if not number:
            raise ValueError(f"{CATALOGUE}: an entry without a number: {entry!r}")
        if entry.get("obligation") not in OBLIGATIONS:
            raise ValueError(f"{CATALOGUE}: {number}: obligation must be one of {OBLIGATIONS}")
        provisions = tuple(_provision(number, p, entry.get("items") or ()) for p in entry.get("provisions") or ())
        if len({p.item for p in provisions}) != len(provisions):
            raise ValueError(f"{CATALOGUE}: {number}: a provision is listed twice")
        clauses.append(
            Clause(
                number=number,
                title_zh=entry["title_zh"],
                title_en=entry["title_en"],
                summary_zh=entry["summary_zh"],
                summary_en=entry["summary_en"],
                obligation=entry["obligation"],
                subsystem=str(entry["subsystem"]),
                parent=None if entry.get("parent") is None else str(entry["parent"]),
                items=tuple(entry.get("items") or ()),
                kinds=tuple(entry.get("kinds") or ()),
                provisions=provisions,
            )
        )
    numbers = [c.number for c in clauses]
    duplicates = sorted({n for n in numbers if numbers.count(n) > 1})
    if duplicates:
        raise ValueError(f"{CATALOGUE}: duplicate clause numbers {duplicates}")
    return tuple(clauses)


def _catalogue_data(path: Path):
    """The YAML of the catalogue at `path` parsed: from its PARSED file (beside it, named after
    it) when that file was made from these very bytes, else from the YAML itself."""
    raw = path.read_bytes()
    try:
        kept = json.loads(path.with_name(f"{path.stem}.parsed.json").read_bytes())
    except (OSError, ValueError):
        kept = None
    if isinstance(kept, dict) and kept.get("yaml_sha256") == hashlib.sha256(raw).hexdigest() and "clauses" in kept:
        return kept["clauses"]
    return yaml.load(raw.decode("utf-8"), Loader=_SafeLoader)  # the C loader: 7x faster


def parsed_text(path: Path = CATALOGUE) -> str:
    """The PARSED file of the catalogue at `path`: its YAML parsed, with the hash of its bytes."""
    raw = path.read_bytes()
    data = yaml.load(raw.decode("utf-8"), Loader=_SafeLoader)
    return json.dumps({"yaml_sha256": hashlib.sha256(raw).hexdigest(), "clauses": data}, ensure_ascii=False, indent=1) + "\n"


def _provision(number: str, entry, letters) -> Provision:
    if not isinstance(entry, dict):
        raise ValueError(f"{CATALOGUE}: {number}: a provision is a mapping, not {entry!r}")
    item, modal = str(entry.get("item", "")), entry.get("modal")
    if not (item in letters or re.fullmatch(r"s\d{1,2}(?:\.[a-z])?", item)):
        raise ValueError(f"{CATALOGUE}: {number}: provision {item!r} is neither a list item nor a sentence s1, s2, …")
    if modal not in MODALS:
        raise ValueError(f"{CATALOGUE}: {number} {item}: modal must be one of {sorted(MODALS)}")
    documented = entry.get("documented", False)
    if documented not in (True, False) or (documented and not entry.get("records")):
        raise ValueError(f"{CATALOGUE}: {number} {item}: documented: true needs the records (kinds) that hold it")
    reviewer = entry.get("reviewer", "")
    if not isinstance(reviewer, str) or (reviewer and len(reviewer.strip()) < 20):
        raise ValueError(
            f"{CATALOGUE}: {number} {item}: reviewer: is the reason only a reviewer can judge the item and what to look at (a sentence, at least 20 characters)"
        )
    if reviewer and entry.get("rules"):
        raise ValueError(f"{CATALOGUE}: {number} {item}: an item with rules: is judged by them, not by a reviewer only")
    applies_if = entry.get("applies_if", "")
    if not isinstance(applies_if, str) or (applies_if and not re.fullmatch(r"[a-z_]+\.[a-z_]+|subsystem:[ABCD]", applies_if)):
        raise ValueError(
            f"{CATALOGUE}: {number} {item}: applies_if: is kind.field (a boolean field whose true value makes the item apply) or subsystem:B (the annex adopted)"
        )
    records = tuple(entry.get("records") or ())
    if "-" in records:
        raise ValueError(f"{CATALOGUE}: {number} {item}: records: names kinds or kind.fields; an item nothing records needs a rule or a reviewer: reason")
    return Provision(item, modal, tuple(entry.get("rules") or ()), records, documented, reviewer.strip(), applies_if)


@lru_cache(maxsize=1)
def _by_number() -> dict[str, Clause]:
    return {c.number: c for c in _catalogue()}


def load_catalogue() -> list[Clause]:
    """Every clause in the order of the standard (a fresh list; the clauses are shared)."""
    return list(_catalogue())


def clause(number: str) -> Clause | None:
    """The clause with exactly this number, or None."""
    return _by_number().get(number)


# A clause number as written in checks and schemas, and in the standard itself, which
# sometimes spaces it out ("A. 6. 5. 2. 1"): an annex letter or a chapter number, then dotted
# parts. Then, optionally, a list item: "b", "b)", "b）", and a sub-item "1)" as in 6.5.2 c 1),
# or a sentence of the clause: "4.3 s2" (the provisions of data/clauses.yaml).
_NUMBER = r"(?P<number>(?:[A-Ga-g]|\d{1,2})(?:\s*[.．]\s*\d{1,2})*)"
_ITEM = r"(?:\s+|\s*(?=[a-z]\s*[)）]))(?P<item>[a-z])\s*[)）]?(?:\s*\d{1,2}\s*[)）])?"
_SENTENCE = r"\s+(?P<sentence>s\d{1,2}(?:\.[a-z])?)"
_REF = re.compile(rf"^\s*{_NUMBER}(?:{_SENTENCE}|{_ITEM})?\s*$")


def _parse(ref: str) -> tuple[str, str | None]:
    """Split a reference into (number, item letter or sentence) by its form alone."""
    m = _REF.match(ref) if isinstance(ref, str) else None
    if not m:
        raise ValueError(f"not a clause reference: {ref!r}")
    number = re.sub(r"\s+", "", m["number"]).replace("．", ".")
    if number[0].isalpha():
        number = number[0].upper() + number[1:]
    return number, m["sentence"] or m["item"]


# References already parsed against the catalogue: the matrix parses the same few dozen clause
# references of every record (some 50,000 calls in a check of 4,600 records). Only successes are
# kept (a bad reference raises every time) and only for text; the catalogue they were checked
# against is kept with them, so that a catalogue read anew (tests do) starts afresh.
_PARSED: dict[str, tuple[str, str | None]] = {}
_PARSED_AGAINST: list = [None]


def parse(ref: str) -> tuple[str, str | None]:
    """'6.1.2 d)' -> ('6.1.2', 'd'); '4.3 s2' -> ('4.3', 's2'); '5.2' -> ('5.2', None).

    Raises ValueError unless the number is in the catalogue and the item, if given, is one
    of its list items or a sentence listed among its provisions: a citation of a clause
    that does not exist is a bug.
    """
    if type(ref) is not str:
        return _parse_checked(ref)
    book = _by_number()
    if _PARSED_AGAINST[0] is not book:
        _PARSED.clear()
        _PARSED_AGAINST[0] = book
    found = _PARSED.get(ref)
    if found is None:
        found = _parse_checked(ref)
        if len(_PARSED) < 4096:
            _PARSED[ref] = found
    return found


def _parse_checked(ref: str) -> tuple[str, str | None]:
    number, item = _parse(ref)
    found = clause(number)
    if found is None:
        raise ValueError(f"no clause {number} in the standard (reference {ref!r})")
    if item is not None and item.startswith("s") and len(item) > 1:
        if found.provision(item) is None:
            sentences = [p.item for p in found.provisions if p.item.startswith("s")]
            raise ValueError(f"clause {number} has no provision {item} (sentences {', '.join(sentences) or 'none'}; reference {ref!r})")
    elif item is not None and found.items and item not in found.items:
        raise ValueError(f"clause {number} has no item {item}) (items {', '.join(found.items)}; reference {ref!r})")
    elif item is not None and not found.items:
        raise ValueError(f"clause {number} has no lettered items (reference {ref!r})")
    return number, item


def normalise(ref: str) -> str:
    """'6.1.2 d', 'B.8.2.2.1 b)', 'A. 9. 1', '4.3 s2' -> the bare clause number (see parse)."""
    return parse(ref)[0]


def applicable(subsystems: set[str]) -> list[Clause]:
    """The clauses that apply to an organization adopting these subsystems (clause 1 e).

    The common clauses always apply; an annex's clauses only if it is adopted. Annexes
    E, F, G are informative examples and are never applicable requirements.
    """
    chosen = {str(s).upper() for s in subsystems}
    unknown = chosen - SUBSYSTEMS
    if unknown:
        raise ValueError(f"unknown subsystems {sorted(unknown)}: choose among {sorted(SUBSYSTEMS)}")
    return [c for c in _catalogue() if c.subsystem == "common" or c.subsystem in chosen]


def is_ancestor(a: str, b: str) -> bool:
    """Whether clause a encloses clause b ('6.1' encloses '6.1.2'; '6.1' does not enclose
    '6.10', nor itself). Compared part by part, since '6.1' is a string prefix of '6.10'."""
    pa, pb = _parse(a)[0].split("."), _parse(b)[0].split(".")
    return len(pa) < len(pb) and pb[: len(pa)] == pa


def main() -> None:
    """Print the PARSED file of the shipped catalogue (write it to cms_build/data/clauses.parsed.json)."""
    sys.stdout.write(parsed_text())


if __name__ == "__main__":
    main()
