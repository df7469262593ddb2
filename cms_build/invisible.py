"""Characters a reader cannot see: bidirectional controls and invisible format characters.

A value holding U+202E (right-to-left override) shows its text reversed, one holding U+200B
(zero-width space) or U+2066 (isolate) looks like another value while comparing different:
the "Trojan Source" tricks (CVE-2021-42574). The evidence site shows every such character as
a visible mark (escape.py: ⟨U+202E⟩), and `cms check` warns where one sits in a record or in
cms.yaml (checks/documented_information.py, rule doc.invisible-characters), so a reviewer
sees what a pull request really changes.

Line and paragraph separators (U+2028, U+2029) are line breaks to the site, not listed here.
"""
from __future__ import annotations

import re

# Unicode format (Cf) characters that change or hide text, by code point.
_RANGES = (
    (0x00AD, 0x00AD),  # soft hyphen
    (0x061C, 0x061C),  # Arabic letter mark
    (0x180E, 0x180E),  # Mongolian vowel separator
    (0x200B, 0x200F),  # zero-width space, non-joiner, joiner; left-to-right and right-to-left marks
    (0x202A, 0x202E),  # bidirectional embeddings and overrides, pop directional formatting
    (0x2060, 0x2064),  # word joiner, invisible function application, times, separator, plus
    (0x2066, 0x2069),  # bidirectional isolates, pop directional isolate
    (0xFEFF, 0xFEFF),  # zero-width no-break space (byte order mark)
    (0xFFF9, 0xFFFB),  # interlinear annotation
    (0xE0000, 0xE007F),  # tag characters (invisible copies of ASCII)
)
INVISIBLE = frozenset(cp for lo, hi in _RANGES for cp in range(lo, hi + 1))
_FIND = re.compile("[" + "".join(f"{re.escape(chr(lo))}-{re.escape(chr(hi))}" for lo, hi in _RANGES) + "]")


def mark(ch: str) -> str:
    """The visible stand-in for one invisible character: ⟨U+202E⟩."""
    return f"⟨U+{ord(ch):04X}⟩"


def visible(text: str) -> str:
    """text with every invisible character replaced by its visible mark."""
    return _FIND.sub(lambda m: mark(m.group(0)), text)


def find(text: str) -> list[tuple[int, str]]:
    """(offset, character) of every invisible character in text."""
    return [(m.start(), m.group(0)) for m in _FIND.finditer(text)] if isinstance(text, str) else []
