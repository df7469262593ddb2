"""Characters a reader cannot see: bidirectional controls and invisible format characters.

A value holding U+202E (right-to-left override) shows its text reversed, one holding U+200B
(zero-width space) or U+2066 (isolate) looks like another value while comparing different:
the "Trojan Source" tricks (CVE-2021-42574). The evidence site shows every such character as
a visible mark (escape.py: ⟨U+202E⟩), and `cms check` warns where one sits in a record or in
cms.yaml (checks/management/documented_information.py, rule doc.invisible-characters), so a reviewer
sees what a pull request really changes.

Line and paragraph separators (U+2028, U+2029) are line breaks to the site, not listed here.
"""

from __future__ import annotations

import json
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


def any_in(data) -> bool:
    """Whether any string of a YAML document's data, keys included, holds an invisible character.

    One search of the data's JSON text (ensure_ascii=False keeps every character as it is; the
    JSON around the strings, numbers and keys that are not strings are ASCII) instead of a
    walk of every string: the check asks this of every record of every run (issue 19). Data
    that JSON cannot write is walked."""
    try:
        text = json.dumps(data, ensure_ascii=False)
    except (TypeError, ValueError, RecursionError):
        return any(find(text) for _, _, text in strings(data))
    return _FIND.search(text) is not None


def name(ch: str) -> str:
    import unicodedata

    return f"U+{ord(ch):04X} {unicodedata.name(ch, 'FORMAT CHARACTER')}"


def strings(data, path: tuple = ()):
    """(path, is_key, text) of every string in a YAML document's data, keys included."""
    if isinstance(data, str):
        yield path, False, data
    elif isinstance(data, dict):
        for key, value in data.items():
            if isinstance(key, str):
                yield path + (key,), True, key
            yield from strings(value, path + (key,))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from strings(value, path + (i,))


def locate(lines: list[str], line: int, col: int, text: str, ch: str) -> tuple[int, int]:
    """Line and column of the character itself in the file, searched from where its value
    starts over the lines the value spans; the value's own position when it is not there
    literally (a double-quoted escape such as "\\u202e")."""
    last = min(len(lines), line + text.count("\n") + 1)
    for number in range(line, last + 1):
        source = lines[number - 1] if 0 < number <= len(lines) else ""
        start = col - 1 if number == line else 0
        found = source.find(ch, start)
        if found >= 0:
            return number, found + 1
    return line, col


def issues(doc, rel: str, source: str, record_id: str | None = None):
    """An Issue for each string of a document that holds invisible characters."""
    from .findings import Issue, format_path

    lines = source.split("\n")
    for path, is_key, text in strings(doc.data):
        found = find(text)
        if not found:
            continue
        line, col = doc.where_key(path) if is_key else doc.where(path)
        line, col = locate(lines, line, col, text, found[0][1])
        names = ", ".join(dict.fromkeys(name(ch) for _, ch in found))
        what = "key" if is_key else "value"
        yield Issue(
            f"the {what} holds {len(found)} invisible or bidirectional character"
            f"{'s' if len(found) > 1 else ''} ({names}), first at character {found[0][0] + 1}: "
            "it may display other than it reads",
            rel,
            line,
            col,
            record_id,
            format_path(path),
            hint=f"remove {'them' if len(found) > 1 else 'it'} (the site shows each as {mark(found[0][1])}); write the text as it should read",
        )
