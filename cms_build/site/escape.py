"""Escaping untrusted text for Markdown that becomes HTML.

Records arrive through pull requests, so every value that reaches a page is hostile until
proven otherwise: it must come out as the literal text the author typed, never as markup,
links, HTML, attributes or template code.

`md(value)` turns any value into a Markdown fragment that Python-Markdown (with the
extensions the site enables) renders as exactly that text:
- HTML's special characters become entities (no tag, no attribute, no entity of its own);
- every ASCII punctuation character that Markdown or one of its extensions could read as
  syntax (links, emphasis, code, tables, attribute lists, footnotes, abbreviations, emoji,
  headings, lists, block quotes) becomes a numeric character reference, which Markdown
  passes through untouched and the browser shows as the character;
- line breaks become <br>, so a value is always one line and can never start a block
  (a heading, a list, a code block, a table row) of its own;
- bidirectional controls and invisible format characters (cms_build/invisible.py) are shown
  as a visible mark, ⟨U+202E⟩, so that no value displays other than it reads.
Letters, digits, spaces and all non-ASCII text (Chinese) are kept as they are, so the
Markdown stays readable and searchable.

Trusted Markdown (links the site builds from record ids it knows, its own layout) is an
`Md` string; `md` leaves it alone, so it can be applied to everything without double
escaping. The jinja2 environment applies `md` to every `{{ expression }}` automatically.
"""

from __future__ import annotations

import html
import math
import re
import unicodedata

from .. import invisible

# ASCII characters kept as they are: letters, digits, space and punctuation that no Markdown
# syntax of the enabled extensions uses inside a line.
_KEEP = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ,;/%")
# Inside a line (not first) these mean nothing to Markdown; kept readable ("2025-01-08", "5.2").
_KEEP_INSIDE = _KEEP | set("-.+=")
_TABLE = {ord(c): (c if c in _KEEP_INSIDE else f"&#{ord(c)};") for c in map(chr, range(32, 127))}
_TABLE.update({ord("\t"): " "})
# Other control characters (C0 except tab/newline, DEL, C1) carry no text; drop them.
for _cp in [*range(0, 32), 127, *range(128, 160)]:
    if _cp not in (9, 10):
        _TABLE[_cp] = ""
# Unicode line and paragraph separators would end a line for some parsers.
_TABLE[0x2028] = "<br>"
_TABLE[0x2029] = "<br>"
# Characters that reverse or hide text show themselves (they are not Markdown: no escaping).
_TABLE.update({cp: invisible.mark(chr(cp)) for cp in invisible.INVISIBLE})


_NUMBERED = re.compile(r"^([0-9]+)\.")


class Md(str):
    """A trusted Markdown fragment: built by the site from escaped text and known ids."""

    __slots__ = ()

    def __add__(self, other):  # Md + str would silently trust str: refuse it
        if isinstance(other, Md):
            return Md(str.__add__(self, other))
        raise TypeError("concatenate Md only with Md; escape the other part with md()")

    def __radd__(self, other):
        if isinstance(other, Md):
            return Md(str.__add__(other, self))
        raise TypeError("concatenate Md only with Md; escape the other part with md()")


def md(value) -> Md:
    """Any value as a Markdown fragment that renders as its literal text, on one line."""
    if isinstance(value, Md):
        return value
    if value is None:
        return Md("")
    if isinstance(value, bool):
        return Md("true" if value else "false")
    if isinstance(value, float):
        value = fmt_number(value)
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    lines = [_line(line.strip()) for line in text.split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    while lines and not lines[0]:
        lines.pop(0)
    return Md("<br>".join(lines))


def _line(text: str) -> str:
    """One line escaped; its first character also when it could start a block."""
    if not text:
        return ""
    numbered = _NUMBERED.match(text)  # "1. x" would start an ordered list
    if numbered:
        return numbered.group(1) + "&#46;" + text[numbered.end() :].translate(_TABLE)
    first = text[0]
    head = f"&#{ord(first)};" if ord(first) < 127 and first not in _KEEP else first.translate(_TABLE)
    return head + text[1:].translate(_TABLE)


def text(value: str) -> Md:
    """Literal text kept as is around escaped characters (spaces too): separators."""
    return Md(str(value).translate(_TABLE).replace("\n", "<br>"))


def join(parts, sep: str = ", ") -> Md:
    """Join fragments, escaping whatever is not already Md (sep is escaped too)."""
    sep = sep if isinstance(sep, Md) else text(sep)
    return Md(str(sep).join(str(md(p)) for p in parts))


def html_text(value) -> str:
    """A value as HTML text on one line, for what the theme writes as it is (the site name in
    <title>, the header and aria-label attributes; navigation labels): &, <, >, " and ' as
    entities (safe in text and in quoted attributes), control characters dropped, invisible
    ones shown (⟨U+202E⟩), line breaks as spaces."""
    text = " ".join(str(value if value is not None else "").split())
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cc")
    return html.escape(invisible.visible(text), quote=True)


def fmt_number(value, digits: int = 6) -> str:
    """A number as people read it: thousands separated, no float noise, no exponent.

    Integers keep every digit; other numbers keep `digits` significant digits (at least
    two decimals for amounts above 1), with trailing zeros dropped.
    """
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    if math.isnan(number) or math.isinf(number):
        return str(number)
    if number == 0:
        return "0"
    magnitude = int(math.floor(math.log10(abs(number))))
    decimals = max(0, digits - 1 - magnitude)
    if abs(number) >= 1:
        decimals = max(decimals, 2) if number != int(number) else 0
    decimals = min(decimals, 12)
    text = f"{number:,.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


# One notation per unit on the site (issue 17 item 6): superscripts, 10⁴ for 万 as a factor.
_UNIT_WORDS = [("10^4", "10⁴"), ("10e4", "10⁴"), ("1e4", "10⁴"), ("Nm3", "Nm³"), ("m3", "m³"), ("m2", "m²")]  # tCO2e stays plain
TONNE_UNITS = {"t", "tCO2", "tCO2e"}  # emission masses: two decimals, always
SHARE_UNITS = {"fraction", "ratio", "share", "1"}  # a share 0..1: shown as a percentage


def fmt_unit(unit) -> str:
    """A unit in the site's one notation: "10^4 Nm3" -> "10⁴ Nm³", "tCO2e/万元" stays."""
    text = str(unit or "").strip()
    for plain, shown in _UNIT_WORDS:
        text = text.replace(plain, shown)
    if text.startswith("10⁴") and not text.startswith("10⁴ "):
        text = "10⁴ " + text[3:]
    return text


def fmt_value(value, unit="", *, share: bool = False) -> str:
    """A quantity as the site shows it everywhere: thousands separators; tonnes of CO2(e) with two
    decimals; a share (unit fraction/ratio, or share=True) as a percentage with one decimal;
    other numbers by fmt_number; the unit in fmt_unit's notation."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value or value in (float("inf"), float("-inf")):
        text = fmt_number(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else str(value)
        return f"{text} {fmt_unit(unit)}".strip() if unit else text
    unit_text = str(unit or "").strip()
    if share or unit_text in SHARE_UNITS:
        return f"{value * 100:,.1f} %"
    if unit_text in TONNE_UNITS:
        return f"{value:,.2f} {fmt_unit(unit_text)}"
    return f"{fmt_number(value)} {fmt_unit(unit_text)}".strip()
