"""The files of `.cms-cache/`: where they live, the user's MAC key, and reading and writing a file
signed with it (CONTRIBUTING, "The cache": trust).

A cache file is one line, the hex HMAC-SHA256 of the rest made with this user's key, then JSON of
plain values. Both caches use it: `records.json` and its segments (cms_build/cache.py, per record file) and
`check.json` (cms_build/wholerun.py, whole runs of `cms check`). This module imports nothing of the
engine, so that a re-check answered from the cache starts no more than it needs.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import stat
from pathlib import Path

from .paths import UnsafeFile, read_repo_bytes

FOLDER = ".cms-cache"
# the record cache's files (cms_build/cache.py): a head, and the entries in segments by the first
# hex digit of their key; named here so that the whole-run cache knows them without the engine
RECORD_SEGMENTS = "0123456789abcdef"
RECORD_FILES = ("records.json", *(f"records-{seg}.json" for seg in RECORD_SEGMENTS))
MAX_CACHE_BYTES = 512 * 1024 * 1024  # far above what the run budgets let a cache hold


def canonical(value) -> bytes:
    # keys in their order, not sorted: a record's fields keep the order they were written in
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=True).encode("utf-8", "surrogatepass")


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def key_file() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "cms-as-code" / "cache.key"


def local_key() -> bytes | None:
    """This user's key for the cache's MAC, made on first use; None when it cannot be kept
    (no writable home): the run then goes without a cache."""
    path = key_file()
    try:
        key = path.read_bytes()
        if len(key) >= 32 and stat.S_IMODE(path.stat().st_mode) & 0o077 == 0:
            return key
        if len(key) >= 32:  # readable by others: anyone could sign a cache; make a new one
            path.unlink()
    except OSError:
        pass
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        _publish_new_key(path)
        return path.read_bytes()
    except OSError:
        try:  # another process made it first
            key = path.read_bytes()
            return key if len(key) >= 32 else None
        except OSError:
            return None


def _publish_new_key(path: Path) -> None:
    """A new key at `path`, whole or not at all: written to a temporary file of this process, then
    hard-linked into place. Two runs starting at once on a new machine (two terminals, a test
    runner's workers) each try; the link of the second fails (the name exists) and it reads the
    first one's key. Opening `path` itself and writing into it would show the other run an empty
    file for that moment, and it would go without its cache."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, flags, 0o600)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(secrets.token_bytes(32))
        try:
            os.link(tmp, path)  # never replaces: FileExistsError when another run was first
        except FileExistsError:
            raise
        except OSError:  # a file system without hard links: the exclusive open, as before
            fd = os.open(path, flags, 0o600)
            with os.fdopen(fd, "wb") as fh:
                fh.write(tmp.read_bytes())
    finally:
        try:
            os.unlink(tmp)
        except OSError:
            pass


def folder(root: Path) -> Path | None:
    """The cache folder, only when it is a real folder of the repository (not a link)."""
    path = root / FOLDER
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return path
    except OSError:
        return None
    return path if stat.S_ISDIR(st.st_mode) else None


def read_signed(root: Path, name: str, key: bytes) -> dict | None:
    """The JSON object of `.cms-cache/<name>` when its MAC verifies with `key`; else None (absent,
    a link, too large, planted, copied from another machine, truncated, damaged: as no cache)."""
    where = folder(root)
    if where is None:
        return None
    return read_signed_file(root, where / name, key, MAX_CACHE_BYTES, "the cache's own limit")


def read_signed_file(base: Path, path: Path, key: bytes, limit: int, setting: str) -> dict | None:
    """The JSON object of the signed file `path` (read as a file of `base`: no link followed, at
    most `limit` bytes) when its MAC verifies with `key`; else None. The one reader of the signed
    files the engine keeps (the record cache, the whole-run cache, the site build's record and its
    search memo), so that they agree on what a damaged or planted file is: none."""
    try:
        raw = read_repo_bytes(base, path, limit, setting=setting)
    except (UnsafeFile, OSError):
        return None
    mac, _, payload = raw.partition(b"\n")
    if not hmac.compare_digest(mac, hmac.new(key, payload, hashlib.sha256).hexdigest().encode()):
        return None  # not written by this user on this machine, or damaged
    try:
        stored = json.loads(payload)
    except (ValueError, RecursionError):
        return None
    return stored if isinstance(stored, dict) else None


def write_signed(root: Path, name: str, key: bytes, value: dict) -> None:
    """Write `.cms-cache/<name>` signed (write_signed_file), only into a real folder of the repository."""
    where = folder(root)
    if where is None:
        return
    try:
        where.mkdir(exist_ok=True)
    except OSError:
        return
    if folder(root) is None:
        return
    write_signed_file(where / name, key, value)


def write_signed_file(path: Path, key: bytes, value: dict) -> None:
    """Write `path` signed with `key`: to a new temporary file of a random name, created exclusively
    and never through a link (a link planted at a guessable temporary name, in a folder a pull
    request can fill, would otherwise be written through), then renamed into place (a rename
    replaces a link of that name, never follows it). A failure only means no cache next time."""
    payload = canonical(value)
    data = hmac.new(key, payload, hashlib.sha256).hexdigest().encode() + b"\n" + payload
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    written = False
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
        written = True
    except OSError:
        pass
    finally:
        if not written:
            try:
                os.unlink(tmp)
            except OSError:
                pass
