"""A content-hash cache of parsed records, their schema errors, the schema checks and the
findings of record-local checks (issue 19).

`.cms-cache/records.json` and its segments `records-0.json` ... `records-f.json` in the records
folder (git-ignored; `cms init` writes the line) keep,
for each record file's content (SHA-256 of its bytes), what loading it gave — the data with the
line and column of every value and key, or the located YAML error — and the kind's schema errors;
and, for each schema document, that it passed the metaschema check. A run that finds a file's
bytes in the cache skips parsing and validating it. It also keeps the findings of record-local
checks (`@check(..., scope="record")`) on each record file, under `finding_key`: the check, the
source of its rule folder, the as-of date, the file's content and path; the other checks and the
computations rerun. When nothing at all changed, `cms check` does not get here: the whole-run cache
(cms_build/wholerun.py, `.cms-cache/check.json`) prints the last run's findings, under a key of
every file of the repository, the bundled rules and schemas, the engine and the as-of date.

What an entry is valid for is in its keys, never assumed:
- the engine: its version, the size and time of each of its own files (so a development copy edited
  without a commit, or any other commit, never reuses a cache of another), the Python, PyYAML
  (and whether its C loader is used), jsonschema and jsonschema_rs versions;
- the schema set (every schema document, canonical JSON) and the settings (limits and all):
  either changed, every record entry is dropped;
- the file's bytes: any change is another key.
The run budgets still hold: a file is read and its bytes counted (limits.max_run_bytes) before
its hash is looked up, and a cached record's values count against limits.max_run_nodes; a record
that would not fit what is left of the budget is parsed afresh, giving the same error as without
the cache.

Trust (CONTRIBUTING, "The cache"): the folder is inside the repository, so a pull request could
commit a `.cms-cache/records.json` (or `check.json`) that claims a record is valid, or holds other
data than its file. Both files are therefore written and read by cms_build/cachefile.py: JSON
(plain values: reading it cannot run code) under an HMAC made with a key that never leaves this
machine's user cache folder (`$XDG_CACHE_HOME/cms-as-code/cache.key`, mode 0600): a file whose
MAC does not verify with the local key — planted, copied from another machine, truncated,
corrupted — is ignored as if absent, never an error. Deleting the folder is always safe.
`--no-cache` on `cms check`, `build` and `export` turns the cache off (both caches).
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

from .cachefile import FOLDER, RECORD_FILES, RECORD_SEGMENTS, canonical as _canonical, digest, local_key, read_signed, write_signed
from .findings import Issue
from .yamlsafe import Document, LoadError

__all__ = ["FOLDER", "digest"]  # the signed files of .cms-cache/ are cms_build/cachefile.py's

FILE = RECORD_FILES[0]
# 2: positions as one JSON text per record, read when first asked for; 3: the entries in segments
FORMAT = 3
# The entries are kept in SEGMENTS files by the first hex digit of the record file's content hash
# (a finding's key begins with it too, finding_key): a run that changed one record rewrites the
# segment its old bytes were in and the one its new bytes are in, not every entry of the
# repository (issue 19). Each segment is signed on its own: a damaged one is read as empty, its
# records parsed again and the segment written anew; the others still hold.
SEGMENTS = RECORD_SEGMENTS


def segment_file(segment: str) -> str:
    return RECORD_FILES[1 + SEGMENTS.index(segment)]


def _segment(key: str) -> str:
    return key[:1] if key[:1] in SEGMENTS and key[:1] else SEGMENTS[0]


_ENGINE = Path(__file__).resolve().parent


_FINGERPRINT: str | None = None
LIBRARIES = (
    "yaml",
    "jsonschema",
    "referencing",
    "jsonschema_rs",
    "rpds",
    "rfc3339_validator",
    "rfc3986_validator",
    "rfc3987",
    "rfc3987_syntax",
    "fqdn",
    "idna",
    "isoduration",
    "jsonpointer",
    "uri_template",
    "webcolors",
    "email_validator",
)


def engine_fingerprint() -> str:
    """What the engine is: its version, the Python, and the size and modification time of every
    file of cms_build/ and of the libraries that parse and validate (PyYAML and whether its C
    loader is used, jsonschema, referencing, jsonschema_rs): another commit that is not a
    release, an uncommitted edit or an upgraded library is another engine. (File times, not
    contents nor importlib.metadata: reading those cost a third of a second a run.)"""
    global _FINGERPRINT
    if _FINGERPRINT is None:
        import importlib.util

        import yaml

        from . import __version__

        h = hashlib.sha256()
        h.update(f"cms {__version__}\npython {sys.version}\npyyaml {yaml.__version__} c={yaml.__with_libyaml__}\n".encode())
        files = [p for p in _ENGINE.rglob("*") if "__pycache__" not in p.parts]
        # the parsers and validators, and the optional checkers of string formats (date-time,
        # email ...) whose presence changes what jsonschema reports
        for name in LIBRARIES:
            try:
                spec = importlib.util.find_spec(name)
            except (ImportError, ValueError):
                spec = None
            origin = spec.origin if spec is not None else None
            h.update(f"{name} {origin}\n".encode())
            if origin and Path(origin).name == "__init__.py":  # a package: all its files
                files.extend(p for p in Path(origin).parent.rglob("*") if "__pycache__" not in p.parts)
            elif origin and origin not in ("built-in", "frozen"):  # a module of one file
                files.append(Path(origin))
        for path in sorted(files):
            try:
                st = path.stat()
            except OSError:
                continue
            h.update(f"{path} {st.st_size} {st.st_mtime_ns}\n".encode())
        _FINGERPRINT = h.hexdigest()
    return _FINGERPRINT


def schema_digest(doc: dict) -> str:
    return digest(_canonical(doc))


class RunCache:
    """The cache of one run: read once at the start, written once at the end when it changed."""

    def __init__(self, root: Path, key: bytes, stored: dict):
        self.root = root
        self._key = key
        self.schemas_ok: set[str] = set(stored.get("schemas_ok") or [])
        self._namespace = stored.get("namespace")
        self._stored: dict = stored.get("records") or {}
        self._head = stored.get("head")  # what the head file held (None: none, or not trusted)
        self._used: dict = {}
        self._handed: set[str] = set()  # contents whose data a record of this run already holds
        self._schemas_new = False
        self._records_new = False
        self.hits = 0
        # findings of record-local checks: {key: issues}, the key a digest of the check, its rule
        # folder's source, the as-of date, the record file's content and path (finding_key)
        self._stored_findings: dict = stored.get("findings") or {}
        self._used_findings: dict = {}
        self.finding_hits = 0

    # -- opening ---------------------------------------------------------------------------
    @classmethod
    def open(cls, root: Path) -> "RunCache | None":
        key = local_key()
        if key is None:
            return None
        return cls(root, key, _read(root, key) or {})

    def set_namespace(self, schemas_hash: str, settings_hash: str) -> None:
        """Record entries hold only for this schema set and these settings."""
        namespace = digest(f"{schemas_hash}\n{settings_hash}".encode())
        if namespace != self._namespace:
            self._stored = {}
            self._stored_findings = {}
            self._namespace = namespace
            self._records_new = True

    def schema_checked(self, digest_: str) -> None:
        if digest_ not in self.schemas_ok:
            self.schemas_ok.add(digest_)
            self._schemas_new = True

    # -- records ---------------------------------------------------------------------------
    def lookup(self, content: str) -> dict | None:
        entry = self._stored.get(content) or self._used.get(content)
        if not isinstance(entry, dict):
            return None
        self._used[content] = entry
        if content in self._handed and "data" in entry:
            # two files with the same bytes: each record gets its own data, as parsing gives
            entry = {**entry, "data": json.loads(json.dumps(entry["data"]))}
        self._handed.add(content)
        return entry

    def holds(self, content: str) -> bool:
        """Whether an entry for these bytes is at hand (lookup may still find it unusable)."""
        return isinstance(self._stored.get(content) or self._used.get(content), dict)

    def handed(self, content: str) -> None:
        """A record of this run holds the data of this content (parsed, not from the cache)."""
        self._handed.add(content)

    def store(self, content: str, entry: dict) -> None:
        if self._used.get(content) != entry:
            self._used[content] = entry
            self._records_new = True

    # -- findings of record-local checks --------------------------------------------------
    def findings(self, key: str) -> list | None:
        stored = self._stored_findings.get(key)
        if stored is None:
            stored = self._used_findings.get(key)
        if not isinstance(stored, list):
            return None
        self._used_findings[key] = stored
        self.finding_hits += 1
        return stored

    def store_findings(self, key: str, issues: list) -> None:
        if self._used_findings.get(key) != issues:
            self._used_findings[key] = issues
            self._records_new = True

    def save(self) -> None:
        """Write the entries this run used (those of deleted or changed files are dropped), each
        segment only when something of it is new or dropped, and the head (the namespace and the
        schema checks) when it changed. A failure to write only means the next run is not faster."""
        engine = engine_fingerprint()
        head = {"format": FORMAT, "engine": engine, "namespace": self._namespace, "schemas_ok": sorted(self.schemas_ok)}
        used, stored = _by_segment(self._used, self._used_findings), _by_segment(self._stored, self._stored_findings)
        for seg in SEGMENTS:
            if used[seg] == stored[seg] and self._head == head:
                continue
            records, findings = used[seg]
            body = {"format": FORMAT, "engine": engine, "namespace": self._namespace, "records": records, "findings": findings}
            write_signed(self.root, segment_file(seg), self._key, body)
        if self._head != head:
            write_signed(self.root, FILE, self._key, head)


def _by_segment(records: dict, findings: dict) -> dict[str, tuple[dict, dict]]:
    out: dict[str, tuple[dict, dict]] = {seg: ({}, {}) for seg in SEGMENTS}
    for content, entry in records.items():
        out[_segment(content)][0][content] = entry
    for key, issues in findings.items():
        out[_segment(key)][1][key] = issues
    return out


def _read(root: Path, key: bytes) -> dict | None:
    """The head and every segment that verifies and is of this engine and namespace, merged."""
    head = read_signed(root, FILE, key)
    engine = engine_fingerprint()
    if head is None or head.get("format") != FORMAT or head.get("engine") != engine:
        return None  # absent, not signed with this user's key, or another engine: never trusted
    records: dict = {}
    findings: dict = {}
    for seg in SEGMENTS:
        part = read_signed(root, segment_file(seg), key)
        if part is None or part.get("format") != FORMAT or part.get("engine") != engine or part.get("namespace") != head.get("namespace"):
            continue  # damaged, missing or of another run's namespace: as if empty (rewritten at the end)
        got, found = part.get("records"), part.get("findings")
        if not isinstance(got, dict) or not isinstance(found, dict):
            continue
        # an entry holds only in the segment its key names: a segment renamed or copied over
        # another holds entries no run put there, and is ignored as a whole
        if any(_segment(k) != seg for k in got) or any(_segment(k) != seg for k in found):
            continue
        records.update(got)
        findings.update(found)
    return {**head, "records": records, "findings": findings, "head": head}


# -- entries -----------------------------------------------------------------------------
def doc_entry(doc: Document) -> dict:
    # The positions are two thirds of the file and most records of a re-check never need them
    # (their findings come from the cache too): they are kept as one JSON text, which reading the
    # file only scans, and turned into the Document's dicts when a check first asks for a line.
    return {
        "data": doc.data,
        "count": doc.count,
        "loc": json.dumps(
            [
                [[*path, line, col] for path, (line, col) in doc.positions.items()],
                [[*path, line, col] for path, (line, col) in doc.key_positions.items()],
            ],
            ensure_ascii=False,
            separators=(",", ":"),
        ),
    }


class _StoredDocument(Document):
    """A Document from the cache whose positions are read from their JSON text on first use."""

    def __init__(self, data, loc: str, count: int):  # noqa: D107 - no dataclass __init__: the positions come later
        self.data = data
        self.count = count
        self._loc: str | None = loc
        self._positions: dict = {}
        self._key_positions: dict = {}

    def _rebuild(self) -> None:
        if self._loc is not None:
            pos, keys = json.loads(self._loc)
            self._positions = {tuple(p[:-2]): (p[-2], p[-1]) for p in pos}
            self._key_positions = {tuple(p[:-2]): (p[-2], p[-1]) for p in keys}
            self._loc = None

    @property  # type: ignore[override]
    def positions(self) -> dict:
        self._rebuild()
        return self._positions

    @property  # type: ignore[override]
    def key_positions(self) -> dict:
        self._rebuild()
        return self._key_positions


def error_entry(exc: LoadError) -> dict:
    return {"error": [exc.message, exc.line, exc.col, exc.hint]}


def entry_doc(entry: dict) -> Document | None:
    """The Document of an entry, or None when the entry is not one this engine wrote."""
    try:
        loc, count = entry["loc"], entry["count"]
        if not isinstance(count, int) or not isinstance(loc, str) or "data" not in entry:
            return None
        return _StoredDocument(entry["data"], loc, count)
    except (KeyError, TypeError):
        return None


def entry_error(entry: dict) -> LoadError | None:
    try:
        message, line, col, hint = entry["error"]
        return LoadError(message, line, col, hint)
    except (KeyError, TypeError, ValueError):
        return None


def finding_key(check_id: str, source: str, as_of: str, content: str, rel: str) -> str:
    """The key of one record-local check's findings on one record file: what they may depend on
    besides the schema set and the settings (the namespace). The path is in it because findings
    name their file; the content hash stands for the record's bytes, hence its data and lines."""
    # it begins with the content's first hex digit: the findings are kept in the segment of the
    # record's own entry, so one changed record rewrites its segments only (SEGMENTS)
    return content[:1] + digest("\0".join((check_id, source, as_of, content, rel)).encode("utf-8", "surrogatepass"))


def check_issues_entry(issues: list[Issue]) -> list:
    """Every field of a check's Issue (the engine checked each is an Issue of plain values)."""
    return [[i.message, i.file, i.line, i.col, i.record, i.path, i.hint, i.severity, list(i.clauses)] for i in issues]


def entry_check_issues(stored) -> list[Issue] | None:
    try:
        return [Issue(m, f, ln, c, r, p, h, s, tuple(cl)) for m, f, ln, c, r, p, h, s, cl in stored]
    except (TypeError, ValueError):
        return None


def issues_entry(issues: list[Issue]) -> list:
    return [[i.message, i.line, i.col, i.record, i.path, i.hint] for i in issues]


def entry_issues(stored, rel: str) -> list[Issue] | None:
    try:
        return [Issue(message=m, file=rel, line=ln, col=c, record=r, path=p, hint=h) for m, ln, c, r, p, h in stored]
    except (TypeError, ValueError):
        return None
