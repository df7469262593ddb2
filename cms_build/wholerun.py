"""The whole-run cache of `cms check` (issue 19, win 3): a re-check with nothing changed prints
what the last check printed, without loading the engine, the rules or any record.

`.cms-cache/check.json` keeps, for the last few runs of `cms check` on this repository, what the
formats print and the exit code follows from (the findings, the number of records, the rule table
of the checks and computations), under a key that holds everything the run could read:

- the engine: `cache.engine_fingerprint` (the version, the Python, the size and time of every file
  of cms_build/ and of the parsing and validating libraries) and the Python's executable and
  module search path;
- the bundled rule and schema folders (checks/, schemas/ of the installation): the bytes of every
  file in them (rules.folder_digest's reading);
- the repository: the name, type, mode, owner, size and SHA-256 of the bytes of EVERY file and
  folder under the records folder, links with their target, save the `.git/` and `.cms-cache/`
  folders at its top. The organization's own rules, schemas and templates, cms.yaml (the
  settings), every record and every attached table live there: a changed, added, deleted, renamed
  or re-permissioned file is another key. No file is skipped because the run "did not need it";
- the as-of date, and the run's options that change findings (`cms check` has one: the as-of
  date; --fail-on, --format, --language, -q and the colour only change how the same findings are
  printed, which is done afresh from the cached findings every time);
- and, checked after the key matches, the size and modification time of every other file the
  cold run used outside the repository: every module it imported (pint, pydantic ... and the
  organization's rule modules), the files it opened (factor tables, unit definitions) and the
  folders it listed, seen by an audit hook (sys.addaudithook) while it ran.

A cold run is not kept when it could not be repeated from that key: a rule crashed, timed out or
printed (rules.crashed), the run opened or asked about a file inside `.git/` or `.cms-cache/`
(which the key does not hash; paths.repo_file and Record.resolve_file report every path they are
asked about), a link of the repository leads into one of them, or a file of the repository
changed while it ran. `cms check`
reads no git state (only --changed-since does, and it bypasses this cache); a group's check
(`cms check GROUP`) does not use it.

The key's walk hashes every file of the repository; a cold run's loader takes those digests
instead of hashing the files again, for the files whose status is unchanged since (Digests says
why a file written meanwhile, even with its size and modification time restored, is not one).

Trust is that of the record cache (cms_build/cachefile.py): JSON of plain values, the first line
an HMAC-SHA256 made with this user's key; a planted, copied, damaged file or one of another engine
is read as absent. Deleting `.cms-cache/` is always safe; `--no-cache` turns this cache off too.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import stat
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import cachefile
from .findings import Finding, at_or_above

NAME = "check.json"
FORMAT = 1
KEEP = 4  # runs kept: e.g. a few as-of dates checked in turn
_SKIP_TOP = {".git", cachefile.FOLDER}  # not hashed; a run that reads inside them is not kept


# -- what the formats read of a Result ---------------------------------------------------------
@dataclass
class RuleRow:
    """A check or computation as formats.rule_table reads it."""

    id: str
    title: str
    clauses: tuple
    severity: str = "error"
    description: str = ""


@dataclass
class CachedRun:
    """The part of engine.Result that `cms check` prints, from the cache."""

    root: Path
    as_of: dt.date
    records: range  # only its length is read (the number of records)
    findings: list[Finding]
    checks: list[RuleRow] = field(default_factory=list)
    computations: list[RuleRow] = field(default_factory=list)

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    def failing(self, threshold: str) -> list[Finding]:
        return [f for f in self.findings if at_or_above(f.severity, threshold)]


def _result_entry(result) -> dict:
    return {
        "records": len(result.records),
        "findings": [[f.rule, f.severity, f.message, f.file, f.line, f.col, list(f.clauses), f.record, f.path, f.hint, f.title] for f in result.findings],
        "checks": [[c.id, c.title, list(c.clauses), c.severity, c.description] for c in result.checks],
        "computations": [[c.id, c.title, list(c.clauses)] for c in result.computations],
    }


def _entry_result(entry: dict, root: Path, as_of: dt.date) -> CachedRun | None:
    try:
        findings = [Finding(r, s, m, f, ln, c, tuple(cl), rec, p, h, t) for r, s, m, f, ln, c, cl, rec, p, h, t in entry["findings"]]
        checks = [RuleRow(i, t, tuple(cl), s, d) for i, t, cl, s, d in entry["checks"]]
        comps = [RuleRow(i, t, tuple(cl)) for i, t, cl in entry["computations"]]
        records = entry["records"]
        if not isinstance(records, int) or records < 0:
            return None
    except (KeyError, TypeError, ValueError):
        return None
    return CachedRun(root, as_of, range(records), findings, checks, comps)


# -- the key -----------------------------------------------------------------------------------
def _file_digest(path: str) -> str:
    """SHA-256 of a regular file's bytes, opened without following a link nor blocking."""
    return _hashed(path)[0]


def _hashed(path: str) -> tuple[str, os.stat_result | None]:
    """_file_digest's digest, and the file's status taken on the open file once its bytes were
    read (None when it could not be read): what Digests keeps for the loader."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0))
    except OSError as exc:
        return f"unreadable {exc.errno}", None
    h = hashlib.sha256()
    try:
        while chunk := os.read(fd, 1 << 20):  # most files are one read
            h.update(chunk)
        after = os.fstat(fd)
    except OSError as exc:
        return f"unreadable {exc.errno}", None
    finally:
        os.close(fd)
    return h.hexdigest(), after


# -- the digests of the key, for the loader ----------------------------------------------------
# A file whose status changed (of its inode: size, modification or change time) less than this
# before the walk began is hashed again by the loader (Digests): file times are kept at the
# granularity of the file system (a tick of the kernel's clock, 1 or 2 s on some), so a write
# in the same tick as the walk could leave the same times on other bytes.
RACY_NS = 3_000_000_000


class Digests:
    """The SHA-256 the key's walk computed of each regular file of the repository, for the record
    cache (engine.load_records): a file the loader finds with the same status is not read nor
    hashed a second time (issue 19).

    A digest is handed out only for the same inode (device and number) with the same size,
    modification time AND change time as its status taken after its bytes were read, and only when
    that change time is older than the walk by RACY_NS. Every write to a file sets its change
    time to the current time, and no user can set it back (touch and utime set the modification
    time, and the change time to now), so a file written at any moment after the walk began has
    another change time than the one kept, however its size and modification time were restored:
    its bytes are read and hashed afresh. (What the reasoning leaves: the system clock set back,
    a file server whose clock is behind by more than RACY_NS, or a file system that keeps no
    change time; the whole-run key trusts such times for the files outside the repository.) Nothing is kept between runs: one walk's
    digests serve the run that walk was made for (check.py passes them explicitly)."""

    def __init__(self, walk_began_ns: int, racy_ns: int = RACY_NS):
        self._before = walk_began_ns - racy_ns
        self._by_path: dict[str, tuple[int, int, int, int, int, str]] = {}

    @staticmethod
    def _status(st: os.stat_result) -> tuple[int, int, int, int, int]:
        return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)

    def add(self, path: str, digest: str, st: os.stat_result) -> None:
        if stat.S_ISREG(st.st_mode) and 0 < st.st_ctime_ns < self._before and st.st_mtime_ns < self._before:
            self._by_path[path] = (*self._status(st), digest)

    def get(self, path: str, st: os.stat_result) -> str | None:
        """The digest of the file at this real path when its status now is the one kept."""
        kept = self._by_path.get(path)
        if kept is None or kept[:5] != self._status(st):
            return None
        return kept[5]

    def __len__(self) -> int:
        return len(self._by_path)


def _tree(root: str, contents: bool = True, digests: Digests | None = None) -> tuple[str, str, bool]:
    """Two digests of every entry under root (but .git/ and .cms-cache/ at its top), in one walk:
    the key's (name, type, mode, owner, size and the bytes' SHA-256 of each; a link's target) and
    the state's (name, size, modification time and inode: taken before a cold run and again after
    it, to see that nothing changed while the run read it; without contents, only this one); and
    whether a link leads into .git/ or .cms-cache/, which the key does not hash. Each regular
    file's digest goes into `digests` too, for the loader (Digests says when it is handed out)."""
    key, state = hashlib.sha256(), hashlib.sha256()
    skipped = tuple(os.path.join(root, name) for name in sorted(_SKIP_TOP))
    into_skipped = False

    def walk(folder: str, rel: bytes, top: bool) -> None:
        nonlocal into_skipped
        try:
            entries = sorted(os.scandir(folder), key=lambda e: os.fsencode(e.name))
        except OSError as exc:
            key.update(b"D?" + rel + f" {exc.errno}\n".encode())
            return
        for entry in entries:
            if top and entry.name in _SKIP_TOP:
                continue
            name = rel + b"/" + os.fsencode(entry.name)
            try:
                st = entry.stat(follow_symlinks=False)
            except OSError as exc:
                key.update(b"?" + name + f" {exc.errno}\n".encode())
                continue
            key.update(name + f" {st.st_mode} {st.st_uid} {st.st_gid}".encode())
            state.update(name + f" {st.st_mode} {st.st_size} {st.st_mtime_ns} {st.st_ino}\n".encode())
            if stat.S_ISDIR(st.st_mode):
                key.update(b" dir\n")
                walk(entry.path, name, False)
            elif not contents:
                continue
            elif stat.S_ISLNK(st.st_mode):
                # where it leads decides what the run says of it (inside, outside, to nothing)
                try:
                    target = os.readlink(entry.path)
                except OSError:
                    target = "?"
                real = os.path.realpath(entry.path)
                into_skipped = into_skipped or any(real == s or real.startswith(s + os.sep) for s in skipped)
                key.update(
                    f" link {target!r} {real!r} {os.path.isfile(real)} {os.path.isdir(real)} {os.access(real, os.R_OK)}\n".encode("utf-8", "surrogateescape")
                )
            elif stat.S_ISREG(st.st_mode):
                digest, after = _hashed(entry.path)
                key.update(f" {st.st_size} {digest}\n".encode())
                if digests is not None and after is not None:
                    digests.add(entry.path, digest, after)
            else:  # a FIFO, device or socket: never opened, its type is what the run reports
                key.update(b" other\n")

    walk(root, b"", True)
    return key.hexdigest(), state.hexdigest(), into_skipped


def _folder_digest(folder: Path) -> str:
    """The path and bytes of every file of a bundled folder (as rules.folder_digest reads it)."""
    h = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if "__pycache__" not in p.parts):
        if path.is_file():
            rel = path.relative_to(folder).as_posix().encode("utf-8", "surrogateescape")
            h.update(rel + b" " + _file_digest(str(path)).encode() + b"\n")
    return h.hexdigest()


def run_key(root: Path, as_of: dt.date, digests: Digests | None = None) -> tuple[str, str, bool]:
    """The key of a run of `cms check` on root as of a date: what it reads inside the repository
    and the engine it would run (the module docstring lists it all); the repository's state; and
    whether a link leads into a folder the key does not hash (such a run is not kept). The
    digests of the repository's files go into `digests` (for the loader of a cold run)."""
    from .cache import engine_fingerprint
    from .paths import bundled

    parts = [
        f"format {FORMAT}",
        f"engine {engine_fingerprint()}",
        f"python {sys.executable} {sys.path!r}",
        f"root {os.path.realpath(root)!r}",
        f"as-of {as_of.isoformat()}",
        "stages check",
        f"uid {os.getuid() if hasattr(os, 'getuid') else ''}",
    ]
    for name in ("checks", "schemas"):
        try:
            parts.append(f"bundled {name} {_folder_digest(bundled(name))}")
        except FileNotFoundError:
            parts.append(f"bundled {name} missing")
    tree, state, into_skipped = _tree(os.path.realpath(root), digests=digests)
    parts.append(f"tree {tree}")
    return cachefile.digest("\n".join(parts).encode("utf-8", "surrogateescape")), state, into_skipped


def _stat_row(path: str) -> list:
    try:
        st = os.stat(path)
    except OSError:
        return [path, "-", 0, 0]
    return [path, "d" if stat.S_ISDIR(st.st_mode) else "f", st.st_size, st.st_mtime_ns]


# -- the cold run, recorded --------------------------------------------------------------------
class Recording:
    """What a cold run used besides the repository's files: the files it opened, the folders it
    listed (an audit hook, process-wide, installed once), and the paths it asked the engine about
    (paths.NOTICE); and whether it touched .git/ or .cms-cache/."""

    _current: "Recording | None" = None
    _hooked = False

    def __init__(self, root: Path):
        self.root = os.path.realpath(root)
        self.opened: set[str] = set()
        self.listed: set[str] = set()
        self.asked: set[str] = set()

    def __enter__(self) -> "Recording":
        from . import paths

        if not Recording._hooked:
            sys.addaudithook(_audit)
            Recording._hooked = True
        Recording._current = self
        paths.NOTICE = lambda p: self.asked.add(os.path.abspath(os.fspath(p)))
        return self

    def __exit__(self, *exc) -> None:
        from . import paths

        Recording._current = None
        paths.NOTICE = None

    def _inside(self, path: str) -> bool:
        return path == self.root or path.startswith(self.root.rstrip(os.sep) + os.sep)

    def outside_rows(self) -> list:
        """[path, type, size, mtime] of every file and folder the run used outside the repository."""
        used: set[str] = set()
        for module in list(sys.modules.values()):
            file = getattr(module, "__file__", None)
            if not isinstance(file, str):
                continue
            used.add(file)
            if os.path.basename(file).startswith("__init__."):  # a package: its folder and the data beside it
                folder = os.path.dirname(file)
                used.add(folder)
                try:
                    used.update(e.path for e in os.scandir(folder) if not e.is_dir())
                except OSError:
                    pass
        used |= self.opened | self.listed
        rows = {os.path.abspath(p) for p in used}
        # by name: a file reached through a link is stated as well, which costs one call
        return [_stat_row(p) for p in sorted(rows) if not self._inside(p)]

    def keepable(self) -> bool:
        """No file the key does not hash was opened, listed or asked about: none inside .git/ nor
        .cms-cache/ (the caches' own files aside)."""
        skipped = [os.path.join(self.root, name) for name in sorted(_SKIP_TOP)]
        cache_folder = os.path.join(self.root, cachefile.FOLDER)
        own = {os.path.join(cache_folder, n) for n in (*cachefile.RECORD_FILES, NAME)}
        # by name: the files are opened at their real path (paths.repo_file), and an attached
        # path is noticed both as written and resolved (Record.resolve_file); a link into the
        # skipped folders makes the run not kept on its own (see store)
        for path in self.opened | self.listed | self.asked:
            if path in own or (os.path.dirname(path) == cache_folder and path.endswith(".tmp")):
                continue  # the caches' own files, and their temporary files while written
            if any(path == s or path.startswith(s + os.sep) for s in skipped):
                return False
        return True


def _audit(event: str, args: tuple) -> None:
    rec = Recording._current
    if rec is None or event not in ("open", "os.listdir", "os.scandir"):
        return
    path = args[0] if args else None
    if isinstance(path, (str, bytes, os.PathLike)):
        text = os.fsdecode(path)
        (rec.opened if event == "open" else rec.listed).add(os.path.abspath(text))


# -- reading and writing -----------------------------------------------------------------------
@dataclass
class Probe:
    """A look-up: the key, and the repository's state before a cold run (to keep it only when no
    file changed while it ran)."""

    root: Path
    as_of: dt.date
    key: str
    state: str
    stored: dict
    secret: bytes
    keepable: bool = True  # False: a link of the repository leads into .git/ or .cms-cache/
    # the digests of the key's walk, for this probe's cold run only (engine.run(digests=...))
    digests: Digests | None = None


def lookup(root: Path, as_of: dt.date) -> tuple[CachedRun | None, Probe | None]:
    """The cached run of `cms check` for exactly this repository, engine and date, or None; and the
    probe a cold run is stored with (None without a usable key: no cache)."""
    secret = cachefile.local_key()
    if secret is None:
        return None, None
    root = Path(os.path.realpath(root))
    digests = Digests(time.time_ns())  # taken before the walk: see Digests, RACY_NS
    key, state, into_skipped = run_key(root, as_of, digests)
    stored = cachefile.read_signed(root, NAME, secret) or {}
    if stored.get("format") != FORMAT or not isinstance(stored.get("runs"), dict):
        stored = {}
    probe = Probe(root, as_of, key, state, stored, secret, keepable=not into_skipped, digests=digests)
    entry = stored.get("runs", {}).get(key)
    if not isinstance(entry, dict) or not _same_outside(entry.get("outside")):
        return None, probe
    return _entry_result(entry, root, as_of), probe


def _same_outside(rows) -> bool:
    if not isinstance(rows, list):
        return False
    for row in rows:
        if not isinstance(row, list) or len(row) != 4 or not isinstance(row[0], str) or _stat_row(row[0]) != row:
            return False
    return True


def store(probe: Probe, recording: Recording, result) -> bool:
    """Keep a cold run under its probe's key when it can be repeated from it (see the module
    docstring); True when kept."""
    if any(f.rule == "rules.crashed" for f in result.findings) or result.as_of != probe.as_of:
        return False
    if not probe.keepable or not recording.keepable() or _tree(str(probe.root), contents=False)[1] != probe.state:
        return False
    runs = probe.stored.get("runs", {}) if isinstance(probe.stored.get("runs"), dict) else {}
    entry = {"outside": recording.outside_rows(), **_result_entry(result)}
    kept = {probe.key: entry, **{k: v for k, v in runs.items() if k != probe.key}}
    cachefile.write_signed(probe.root, NAME, probe.secret, {"format": FORMAT, "runs": dict(list(kept.items())[:KEEP])})
    return True
