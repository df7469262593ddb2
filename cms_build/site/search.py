"""The site's search: its index built from the records, and two fixes to the theme's search
(issue 17 item 9, issue 19 win 5).

mkdocs-material searches with lunr in a web worker that reads search/search_index.json:
``{"config": {lang, separator, pipeline, fields}, "docs": [{location, title, text, boost?}]}``
(material/plugins/search/plugin.py, 9.x). Its search plugin builds that file by parsing every
page's HTML again and cutting the Chinese of every section with jieba: 22 % of a build at 4,160
records, and an index of trace tables and navigation that search should not find. `cms build`
writes the index itself, from what the build already holds (run_mkdocs turns the plugin's
indexing off and keeps its configuration, worker and search box):

- **a record** is one entry: its page, its heading as the title (``ID title``, what the page's
  h1 shows) and, as text, the values of its fields as this profile's View publishes them
  (enum values as their labels, the kind's name), never the sections its page leaves out of
  search (references, findings, history, results: other records' words). Records rank above
  other pages (boost 2, as the record template's front matter said), and a kind may rank higher
  still with ``x-cms.search_boost`` in its schema: the neutrality claim (D.6.5.2.4), the
  conclusion of annex D, is what a search for 碳中和 should find first;
- **every other page** gives its title and the headings that carry an id (a clause of the
  matrix, a claim's section, a year of emissions), with no body text; the steps of a
  calculation trace (collapsed ``<details class="cms-trace-step">``) and pages whose front
  matter says ``search: exclude`` are left out;
- Chinese is cut into words by jieba as the plugin does with ``lang: zh`` (words joined by
  zero-width spaces, which the separator of mkdocs.yml splits on); the worker cuts a typed
  query along the index's own words. Each distinct text is cut once. Titles and texts are HTML
  (the theme shows them as markup): every value is escaped.

The plain `mkdocs build -f` of the written configuration still builds a (larger) index with
the plugin. After the build two things are done to the site:

- **Ids are found exactly.** The index splits text at the separator of mkdocs.yml, which splits
  at a hyphen only where it is not between two letters or digits, so `NC-2025-02` is one token.
  lunr's query lexer, though, cuts every query at hyphens (`lunr.QueryLexer.termSeparator`
  defaults to /[\\s\\-]+/, and the theme changes only the indexing tokenizer's separator): a search
  for NC-2025-02 became "nc OR 2025 OR 02*", 239 results. One statement appended to the theme's
  worker makes the query lexer split at white space only, as the index is split, so an id
  typed in the box is one term matching that token.
- **The index is served compressed.** search/search_index.json.gz is written beside the JSON,
  deterministic (gzip with mtime 0, no file name): `cms serve` sends it with Content-Encoding:
  gzip to a browser that accepts it; a static host can do the same.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import gzip
import hashlib
import html
import json
import re
from pathlib import Path

from .urls import STATIC

INDEX = Path("search") / "search_index.json"
WORKERS = Path(STATIC) / "javascripts" / "workers"
# Appended to the theme's search worker: the worker exposes lunr as self.lunr before any query.
QUERY_PATCH = (
    "\n;/* cms: split queries at white space only, as the index is (cms_build/site/search.py) */\n"
    "if(self.lunr&&self.lunr.QueryLexer){self.lunr.QueryLexer.termSeparator=/\\s+/}\n"
)


def gzip_bytes(data: bytes) -> bytes:
    """Deterministic gzip: no time stamp, no file name, the same bytes for the same input."""
    return gzip.compress(data, compresslevel=9, mtime=0)


def finish(site: Path) -> list[str]:
    """Patch the worker's query lexer and precompress the index; warnings for what was not found."""
    warnings = []
    workers = sorted((site / WORKERS).glob("search.*.min.js"))
    patched = 0
    for worker in workers:
        text = worker.read_text(encoding="utf-8")
        if "self.lunr=" not in text.replace(" ", ""):
            continue
        marker = "\n//# sourceMappingURL="
        at = text.rfind(marker)
        text = text[:at] + QUERY_PATCH + text[at:] if at >= 0 else text + QUERY_PATCH
        worker.write_text(text, encoding="utf-8")
        patched += 1
    if not patched:
        warnings.append(
            f"the theme's search worker ({WORKERS.as_posix()}/search.*.min.js) was not found or has "
            "changed: searching an id such as NC-2025-02 finds its parts, not the id"
        )
    index = site / INDEX
    if index.is_file():
        (site / (INDEX.as_posix() + ".gz")).write_bytes(gzip_bytes(index.read_bytes()))
    return warnings


# -- the index --------------------------------------------------------------------------
RECORD_BOOST = 2  # a record's page above other pages holding the same words
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]+")
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*(?:\{([^}]*)\})?\s*$")
_ANCHOR = re.compile(r"#([A-Za-z][\w\-.:]*)")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_TAG = re.compile(r"<[^>]*>")
_ESCAPED = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|<>~])")


# Terms of the standard that jieba's dictionary lacks (it cuts 碳中和 into 碳中 / 和): added as
# words, so that the index holds them whole and a typed 碳中和 is one term (the worker cuts a
# query along the index's words).
TERMS = ("碳中和", "碳达峰", "碳足迹", "碳资产", "碳管理", "碳排放", "碳汇", "碳配额", "碳信用", "减排量")


@functools.cache
def jieba_with_terms():
    """jieba with TERMS added to its dictionary (once per process), or None without jieba. The
    theme's own search plugin (a group's site, cms_build/site/group_site.py) cuts pages with the
    same process-wide dictionary: run_mkdocs calls this first, so its cuts do not depend on
    whether this process happened to cut a text before (a rebuild whose texts all came from the
    memo did not, and its group index split 碳中和 where a fresh build kept it whole)."""
    try:
        import jieba
    except ImportError:  # pragma: no cover - jieba is a dependency
        return None
    import logging

    jieba.setLogLevel(logging.WARNING)  # else loading its dictionary prints four lines on stderr
    for term in TERMS:
        jieba.add_word(term)
    return jieba


def segment(text: str) -> str:
    """Chinese cut into words by jieba, as the theme's plugin does (``lang: zh``): each run of
    Han characters becomes its words joined by zero-width spaces, with one before and after;
    other text stays as it is. Without jieba, the text unchanged. A text without Han characters
    never loads jieba's dictionary; within `remembered_segments`, a text the last build cut is
    taken from its memo."""
    if not _HAN.search(text):
        return text.strip("\u200b")  # what _HAN.sub(...).strip gives when nothing matches
    used = _USED.get()
    if used is None:
        return _cut(text)
    cut = used.get(text)
    if cut is None:
        cut = _KNOWN.get().get(text) or _cut(text)
        used[text] = cut
    return cut


@functools.lru_cache(maxsize=65536)
def _cut(text: str) -> str:
    """segment's work. Cached: a copied or repeated text (a kind's name, a label, a person) is cut
    once per build."""
    jieba = jieba_with_terms()
    if jieba is None:  # pragma: no cover
        return text

    def cut(match: re.Match) -> str:
        return "\u200b" + "\u200b".join(jieba.cut(match.group(0))) + "\u200b"

    return _HAN.sub(cut, text).strip("\u200b")


# -- the memo of cut texts (issue 19: a rebuild cuts only new texts) ----------------------
# Loading jieba's dictionary and cutting every text of a 1,000-record site costs about a fifth of
# a rebuild after a one-record change. How a text is cut is a function of the text, jieba's
# version and dictionary, TERMS and this module's code, nothing else: `segments_key` digests
# all of them, and a build keeps, in its work folder and signed with this user's cache key
# (cachefile.py, as the page record of incremental.py), each text it cut under that key. The next
# build into the same --out takes from it only under the same key; every other text is cut.
SEGMENTS = "segments.json"
SEGMENTS_FORMAT = 1
_KNOWN: contextvars.ContextVar[dict[str, str]] = contextvars.ContextVar("cms_segments_known", default={})  # noqa: B039 - never mutated
_USED: contextvars.ContextVar[dict[str, str] | None] = contextvars.ContextVar("cms_segments_used", default=None)


def segments_key() -> str | None:
    """What a cut depends on besides the text; None when it cannot be told (no jieba, or a
    dictionary other than the one jieba ships), so that nothing is remembered."""
    try:
        import jieba
    except ImportError:  # pragma: no cover - jieba is a dependency
        return None
    if getattr(jieba.dt, "dictionary", None) not in (None, jieba.DEFAULT_DICT):
        return None
    try:
        dictionary = (Path(jieba.__file__).parent / jieba.DEFAULT_DICT_NAME).read_bytes()
    except (OSError, AttributeError):
        return None
    h = hashlib.sha256()
    h.update(f"format {SEGMENTS_FORMAT}\njieba {getattr(jieba, '__version__', '-')}\n".encode())
    h.update(b"dictionary\n" + hashlib.sha256(dictionary).digest())
    h.update(b"\nterms\n" + "\n".join(TERMS).encode("utf-8"))
    h.update(b"\ncode\n" + Path(__file__).read_bytes())
    return h.hexdigest()


@contextlib.contextmanager
def remembered_segments(work: Path, reuse: bool = True):
    """Within it, segment takes the cuts the last build into this work folder kept (when reuse
    and the key and the signature hold), and at the end the cuts of this build are kept."""
    from .. import cachefile

    key, mac_key = segments_key(), cachefile.local_key()
    known: dict[str, str] = {}
    if reuse and key is not None and mac_key is not None:
        stored = _read_signed(work / SEGMENTS, mac_key)
        if stored is not None and stored.get("key") == key and isinstance(stored.get("cut"), dict):
            known = {k: v for k, v in stored["cut"].items() if isinstance(k, str) and isinstance(v, str)}
    used: dict[str, str] = {}
    t_known, t_used = _KNOWN.set(known), _USED.set(used)
    try:
        yield
    finally:
        _KNOWN.reset(t_known)
        _USED.reset(t_used)
    if key is not None and mac_key is not None:  # only this build's texts: the memo never grows past a site
        cachefile.write_signed_file(work / SEGMENTS, mac_key, {"format": SEGMENTS_FORMAT, "key": key, "cut": dict(sorted(used.items()))})


def _read_signed(path: Path, mac_key: bytes) -> dict | None:
    from .. import cachefile

    stored = cachefile.read_signed_file(path.parent, path, mac_key, 256 * 1024 * 1024, "the search memo's own limit")
    return stored if stored is not None and stored.get("format") == SEGMENTS_FORMAT else None


def _html(text: str) -> str:
    """A value as the index holds it: HTML text (the theme renders titles and texts as markup)."""
    return html.escape(segment(" ".join(str(text).split())), quote=False)


def _values(model, record, data, path: tuple, out: list) -> None:
    """The leaf values of a record's published data, enum values as the site's labels."""
    from ..publish import RESTRICTED

    if isinstance(data, dict):
        for key, value in data.items():
            _values(model, record, value, (*path, key), out)
    elif isinstance(data, list):
        for i, value in enumerate(data):
            _values(model, record, value, (*path, i), out)
    elif isinstance(data, bool) or data is None or data == RESTRICTED:
        return
    elif isinstance(data, str):
        out.append(str(model.enum_label(record.kind, path, data)))
    elif isinstance(data, (int, float)):
        out.append(str(data))


# envelope fields a record's page shows in its heading or not as text
_NOT_TEXT = {"kind", "id", "title", "confidential_fields", "status", "confidentiality"}


def kind_boost(model, kind: str) -> float:
    """``x-cms.search_boost`` of the kind's schema (a positive number), else 1."""
    k = model.schemas.kinds.get(kind)
    meta = (k.schema.get("x-cms") if k else None) or {}
    boost = meta.get("search_boost", 1) if isinstance(meta, dict) else 1
    return float(boost) if isinstance(boost, (int, float)) and not isinstance(boost, bool) and boost > 0 else 1.0


def record_entries(model) -> list[dict]:
    """One entry per record page of this build (the profile's View: only what its pages show)."""
    from . import urls

    entries = []
    for record in model.records:
        data = model.data(record)
        words: list[str] = [model.kind_title(record.kind)]
        for key, value in data.items():
            if key not in _NOT_TEXT:
                _values(model, record, value, (key,), words)
        title = f"{record.id} {record.title}" if record.title != record.id else record.id
        entries.append(
            {
                "location": _location(urls.record_page(record.kind, record.id)),
                "title": _html(title),
                "text": _html(" ".join(words)),
                "boost": RECORD_BOOST * kind_boost(model, record.kind),
            }
        )
    return entries


def _location(rel: str) -> str:
    return rel[: -len(".md")] + ".html" if rel.endswith(".md") else rel


def _heading_text(markdown: str) -> str:
    """A heading's Markdown as plain text: links as their text, escapes and emphasis removed."""
    text = _LINK.sub(lambda m: m.group(1), markdown)
    text = _TAG.sub("", text)
    text = _ESCAPED.sub(lambda m: m.group(1), text).replace("**", "").replace("`", "")
    return html.unescape(text).strip()


def page_entries(docs: Path, rel: str) -> list[dict]:
    """A page that is not a record's: its title (the first h1) and its headings with an id,
    without the steps of calculation traces; none when its front matter excludes it."""
    text = (docs / rel).read_text(encoding="utf-8")
    lines = text.split("\n")
    start = 0
    if lines and lines[0].strip() == "---":
        end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), 0)
        front = "\n".join(lines[1:end])
        if re.search(r"^\s*exclude:\s*true\s*$", front, re.M):
            return []
        start = end + 1
    location = _location(rel)
    entries: list[dict] = []
    steps = 0  # depth inside collapsed trace steps
    fenced = False
    for line in lines[start:]:
        stripped = line.strip()
        if stripped.startswith("```"):
            fenced = not fenced
        if fenced:
            continue
        if stripped.startswith('<details class="cms-trace-step"'):
            steps += 1
            continue
        if stripped == "</details>" and steps:
            steps -= 1
            continue
        match = _HEADING.match(line)
        if not match or steps:
            continue
        level, body, attrs = match.groups()
        title = _heading_text(body)
        anchor = _ANCHOR.search(attrs or "")
        if not title or (attrs and "data-search-exclude" in attrs):
            continue
        if level == "#" and not entries:
            entries.append({"location": location, "title": _html(title), "text": ""})
        elif anchor:
            entries.append({"location": f"{location}#{anchor.group(1)}", "title": _html(title), "text": ""})
    return entries


def index_docs(model, docs: Path, written: list[str]) -> list[dict]:
    """The documents of the index: every record page, then every other page, in written order."""
    from . import urls

    records = {urls.record_page(r.kind, r.id) for r in model.records}
    entries = record_entries(model)
    for rel in written:
        if rel.endswith(".md") and rel not in records:
            entries.extend(page_entries(docs, rel))
    return entries


def index_json(config: dict, entries: list[dict]) -> str:
    """The index file as the plugin writes it: config, then docs, compact JSON."""
    return json.dumps({"config": config, "docs": entries}, separators=(",", ":"), ensure_ascii=True, default=str)
