"""Where each page of the site lives, and links between pages.

Every URL the site writes is built here from names the site controls: record ids (the
engine accepts only [A-Za-z0-9._-], starting with a letter or digit), kind names, clause
numbers, computation ids. Nothing a record says in its text ever becomes part of a URL.
Links are Markdown links relative to the page that holds them, so mkdocs checks every one
of them in strict mode.
"""

from __future__ import annotations

import hashlib
import posixpath
import re

from ..records import valid_id
from .escape import Md, md

_SAFE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")
_ANCHOR_BAD = re.compile(r"[^A-Za-z0-9_-]+")

# the site's folder of static files (mkdocs' assets/: stylesheets, scripts); the one place it is named
STATIC = "assets"
HOME = "index.md"
MATRIX = "matrix.md"  # the overview: one row per clause group, linking to its page
FINDINGS = "findings/index.md"
RECORDS = "records/index.md"
COMPUTATIONS = "computations/index.md"
EXPORT = "data/export.json"


def safe_name(name: str) -> str:
    """A file name for a kind or computation id; anything odd becomes a stable hash."""
    if isinstance(name, str) and _SAFE.match(name) and not name.endswith(".md") and name.lower() != "index":
        return name
    return "x-" + hashlib.sha1(str(name).encode("utf-8")).hexdigest()[:16]


def kind_page(kind: str) -> str:
    return f"records/{safe_name(kind)}.md"


def record_page(kind: str, record_id: str) -> str:
    if not valid_id(record_id):  # the engine never indexes such a record; be safe anyway
        record_id = safe_name(str(record_id))
    return f"records/{safe_name(kind)}/{record_id}.md"


def source_page(kind: str, record_id: str) -> str:
    """The source view of a record: its YAML with line anchors L1, L2 ... (internal builds only)."""
    return "sources/" + record_page(kind, record_id)[len("records/") :]


def table_page(record_id: str, n: int) -> str:
    """The n-th attached table of a record as a page, one row anchor per line of the file (L2 ...)."""
    return f"tables/{record_page('t', record_id)[len('records/t/') : -3]}/{int(n)}.md"


def line_anchor(line) -> str:
    """The anchor of a line of a source view or a row of a table page: 'L37'."""
    return f"L{int(line)}"


def matrix_group_page(group: str) -> str:
    """The page of one clause group of the conformity matrix (cms_build/matrix.CLAUSE_GROUPS):
    'matrix/9.md'; the overview, MATRIX, links to each."""
    return f"matrix/{safe_name(group)}.md"


def rule_page(rule: str) -> str:
    return f"findings/{safe_name(rule)}.md"


def numbered(rel: str, n: int) -> str:
    """Page n (1-based) of a list split over several pages: x.md, x.p2.md, x.p3.md ..."""
    return rel if n == 1 else f"{rel[:-3]}.p{n}.md"


def computation_page(comp_id: str) -> str:
    return f"computations/{safe_name(comp_id)}.md"


def anchor(*parts) -> str:
    """An HTML id from trusted parts: 'clause', 'B.8.2.2.1' -> 'clause-B-8-2-2-1'."""
    text = "-".join(_ANCHOR_BAD.sub("-", str(p)).strip("-") for p in parts if str(p) != "")
    return text or "x"


def id_anchor(prefix: str, record_id: str) -> str:
    """An HTML id for a record id, one-to-one: '.' and '_' are spelled out ('_2e', '_5f')."""
    return f"{prefix}-" + str(record_id).replace("_", "_5f").replace(".", "_2e")


def relative(src: str, target: str) -> str:
    """The relative URL from page src to file target (both docs-relative POSIX paths)."""
    frag = ""
    if "#" in target:
        target, frag = target.split("#", 1)
        frag = "#" + frag
    if not target or (target == src and frag):
        return frag  # a link within the page
    return _relpath(target, posixpath.dirname(src)) + frag


def _plain_path(path: str) -> bool:
    """A path posixpath.normpath leaves as it is (no ., .., empty part, leading or trailing /)."""
    return not path or ("//" not in path and not path.startswith("/") and not path.endswith("/") and "." not in path.split("/"))


def _relpath(target: str, base: str) -> str:
    """posixpath.relpath(target, base or "."), without its two os.getcwd() calls per link (25,000
    links on a 1,000-record site): for plain relative paths the common prefix of their parts is
    the answer; anything else goes to posixpath.relpath itself."""
    if not target or not _plain_path(target) or not _plain_path(base) or ".." in target.split("/") or ".." in base.split("/"):
        return posixpath.relpath(target, base or ".")
    t, b = target.split("/"), base.split("/") if base else []
    common = 0
    for x, y in zip(t, b):
        if x != y:
            break
        common += 1
    parts = [".."] * (len(b) - common) + t[common:]
    return "/".join(parts) if parts else "."


class Linker:
    """Links from one page (src) to others."""

    def __init__(self, src: str):
        self.src = src

    def url(self, target: str) -> str:
        return relative(self.src, target)

    def to(self, target: str, text, anchor_id: str = "") -> Md:
        """A Markdown link to a page (target) with escaped text."""
        dest = self.url(target + (f"#{anchor_id}" if anchor_id else ""))
        label = md(text)
        return Md(f"[{label if str(label) else md(target)}]({dest})")
