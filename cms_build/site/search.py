"""The site's search after mkdocs built it (issue 17 item 9, issue 19 win 5).

mkdocs-material searches with lunr in a web worker. Two things are done to the built site:

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

import gzip
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
