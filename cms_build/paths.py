"""Where the bundled schemas, checks and site templates are.

In a source checkout or an editable install they are the top-level folders of the project
(schemas/, checks/, site/); in an installed wheel they travel inside the package as
cms_build/bundled/<name> (see pyproject.toml).
"""

from __future__ import annotations

import io
import os
import shutil
import stat
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator

_HERE = Path(__file__).resolve().parent


def bundled(name: str) -> Path:
    for candidate in (_HERE / "bundled" / name, _HERE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"the bundled folder {name!r} is missing from this installation")


# -- files of a records repository ------------------------------------------------------------
# Records reach the repository through pull requests, so a file there may be a symbolic link to
# anything on the machine that builds it (/etc/passwd, /dev/zero, a loop of links) or a FIFO that
# blocks the first read forever. Every file the engine reads from the repository goes through
# repo_file (and read_repo_bytes / open_repo_binary): the one place that decides which files may be
# read, so that no caller can forget a case.


class UnsafeFile(Exception):
    """A repository file that is not read: `rel` (repository-relative), what is wrong, how to fix."""

    def __init__(self, rel: str, message: str, hint: str = ""):
        super().__init__(f"{rel}: {message}")
        self.rel, self.message, self.hint = rel, message, hint


def rel_to(root: Path, path: Path) -> str:
    """path relative to root as POSIX text, without resolving links (else the path as given)."""
    if os.sep == "/":  # strings: what Path.relative_to gives for two absolute, normalised paths
        here, base = os.path.abspath(path), os.path.abspath(root)
        if here == base:
            return "."
        if here.startswith(base.rstrip("/") + "/"):
            return here[len(base.rstrip("/")) + 1 :]
        return Path(path).as_posix()
    try:
        return Path(os.path.abspath(path)).relative_to(Path(os.path.abspath(root))).as_posix()
    except ValueError:
        return Path(path).as_posix()


def _kind_of(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


# While `cms check` records a run for its whole-run cache (cms_build/wholerun.py), every path
# asked about here and in Record.resolve_file is handed to this callable: a run that asked about a
# file the cache's key does not cover (inside .git/ or .cms-cache/) is not kept.
NOTICE: Callable[[Any], None] | None = None


def notice(path: Any) -> None:
    if NOTICE is not None:
        NOTICE(path)


# While the engine reads a run's record files (engine.load_records), the real path of each folder
# is found once, not once a file: a file that is not itself a link is then checked with one lstat
# (its real path is its folder's real path and its name), and a link is resolved in full, as
# outside. None outside that: every call resolves everything. What is remembered lasts one
# block (one run's load), so a folder replaced by a link between runs is seen by the next; within
# the block the window is the one repo_file always had between its check and the open (the open
# refuses a link only at the last component): files of a pull request are fixed content, and a
# process that swaps folders while cms reads them already runs code on the machine.
_FOLDERS: dict[str, str] | None = None


@contextmanager
def folders_resolved_once() -> Iterator[None]:
    """Within this block, repo_file resolves each folder's real path once (see _FOLDERS)."""
    global _FOLDERS
    outer = _FOLDERS
    _FOLDERS = {} if outer is None else outer
    try:
        yield
    finally:
        _FOLDERS = outer


def _real_folder(folder: str) -> str:
    """realpath(folder, strict=True), remembered within folders_resolved_once."""
    if _FOLDERS is None:
        return os.path.realpath(folder, strict=True)
    real = _FOLDERS.get(folder)
    if real is None:
        real = _FOLDERS[folder] = os.path.realpath(folder, strict=True)
    return real


def _real_path(path: Path) -> str:
    """os.path.realpath(path, strict=True), with the same exceptions: a file that is not a link
    is its folder's real path and its name; a link (or anything unusual) is resolved in full."""
    if _FOLDERS is None:
        return os.path.realpath(path, strict=True)
    here = os.path.abspath(path)
    folder, name = os.path.split(here)
    if not name or name in (".", ".."):
        return os.path.realpath(path, strict=True)
    if stat.S_ISLNK(os.lstat(here).st_mode):  # raises as realpath does for a missing file or folder
        return os.path.realpath(path, strict=True)
    return os.path.join(_real_folder(folder), name)


def repo_file(root: Path, path: Path) -> Path:
    """The real path of a regular file inside root, following links only while they stay inside.

    Raises UnsafeFile when the file does not exist, is a dangling link or a loop of links, leads
    (through any link) out of root, or is not a regular file (a folder, FIFO, device, socket).
    """
    if NOTICE is not None:
        NOTICE(path)
    # strings and os.path, not pathlib, and the relative path only for a message (issue 20 §3:
    # every record file read passes here); the same calls decide as Path.resolve did
    root_real = _real_root(root)
    try:
        real = _real_path(path)
    except FileNotFoundError:
        if os.path.islink(path):
            raise UnsafeFile(rel_to(root, path), "the file is a symbolic link to nothing", "replace the link by the file itself, or remove it") from None
        raise UnsafeFile(rel_to(root, path), "the file does not exist", "add the file, or correct the path") from None
    except RuntimeError:  # a loop of links, as some Pythons report it
        raise UnsafeFile(rel_to(root, path), "the file is a loop of symbolic links", "replace the link by the file itself") from None
    except OSError as exc:
        if exc.errno == 40:  # ELOOP
            raise UnsafeFile(rel_to(root, path), "the file is a loop of symbolic links", "replace the link by the file itself") from None
        raise UnsafeFile(rel_to(root, path), f"the file cannot be read: {exc.strerror}") from None
    if real != root_real and not real.startswith(root_real.rstrip(os.sep) + os.sep):
        raise UnsafeFile(
            rel_to(root, path), "the file is a symbolic link to outside the repository", "copy the file into the repository instead of linking to it"
        )
    try:
        mode = os.stat(real).st_mode
    except OSError as exc:
        raise UnsafeFile(rel_to(root, path), f"the file cannot be read: {exc.strerror}") from None
    if not stat.S_ISREG(mode):
        raise UnsafeFile(rel_to(root, path), f"{_kind_of(mode)}, not a regular file: it is not read", "replace it by a regular file, or remove it")
    if not os.access(real, os.R_OK):
        raise UnsafeFile(rel_to(root, path), "the file cannot be read: Permission denied", "make it readable to the user who runs cms (chmod a+r)")
    return Path(real)


def _real_root(root: Path) -> str:
    # os.path.realpath(root), non-strict as before (a missing root leaves every file outside it)
    if _FOLDERS is None:
        return os.path.realpath(root)
    key = "\0root\0" + os.fspath(root)
    real = _FOLDERS.get(key)
    if real is None:
        real = _FOLDERS[key] = os.path.realpath(root)
    return real


def is_repo_file(root: Path, path: Path) -> bool:
    """Whether repo_file accepts path (for callers that skip what the index already reported)."""
    try:
        repo_file(root, path)
    except UnsafeFile:
        return False
    return True


def _open_fd(root: Path, path: Path) -> tuple[int, str, int]:
    """(fd, rel, size) of a file repo_file accepts; the open itself neither blocks nor follows a link."""
    real = repo_file(root, path)
    rel = rel_to(root, path)
    try:  # O_NONBLOCK: a FIFO swapped in after the check cannot hang the open; O_NOFOLLOW: nor a link
        fd = os.open(real, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0))
    except OSError as exc:
        raise UnsafeFile(rel, f"the file cannot be read: {exc.strerror}", "make it readable to the user who runs cms (chmod a+r)") from None
    st = os.fstat(fd)
    if not stat.S_ISREG(st.st_mode):
        os.close(fd)
        raise UnsafeFile(rel, f"{_kind_of(st.st_mode)}, not a regular file: it is not read")
    return fd, rel, st.st_size


def too_large(rel: str, size: int | str, limit: int, setting: str, hint: str = "") -> UnsafeFile:
    return UnsafeFile(
        rel, f"the file is {size} bytes, more than the limit of {limit} ({setting})", hint or f"split the file, or raise {setting} in the settings"
    )


def read_repo_bytes(root: Path, path: Path, max_bytes: int, setting: str = "limits.max_file_bytes", hint: str = "") -> bytes:
    """The bytes of a repository file, never more than max_bytes read (a file that grows, or a
    device that never ends, stops there)."""
    fd, rel, size = _open_fd(root, path)
    try:
        if size > max_bytes:
            raise too_large(rel, size, max_bytes, setting, hint)
        chunks, total = [], 0
        while True:
            chunk = os.read(fd, min(1 << 20, max_bytes + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > max_bytes:
                raise too_large(rel, f"more than {max_bytes}", max_bytes, setting, hint)
        return b"".join(chunks)
    except OSError as exc:
        raise UnsafeFile(rel, f"the file cannot be read: {exc.strerror}") from None
    finally:
        os.close(fd)


class _Bounded(io.RawIOBase):
    """A file descriptor that refuses to give more than `limit` bytes (UnsafeFile past it)."""

    def __init__(self, fd: int, rel: str, limit: int, setting: str):
        self.fd, self.rel, self.limit, self.setting, self.seen = fd, rel, limit, setting, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = os.read(self.fd, len(buffer))
        self.seen += len(data)
        if self.seen > self.limit:
            raise too_large(self.rel, f"more than {self.limit}", self.limit, self.setting)
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        if not self.closed:
            os.close(self.fd)
        super().close()


def open_repo_binary(root: Path, path: Path, max_bytes: int, setting: str) -> io.BufferedReader:
    """A repository file opened for streaming, refused up front when larger than max_bytes and
    stopped with UnsafeFile should it grow past it while being read."""
    fd, rel, size = _open_fd(root, path)
    if size > max_bytes:
        os.close(fd)
        raise too_large(rel, size, max_bytes, setting)
    return io.BufferedReader(_Bounded(fd, rel, max_bytes, setting))


def open_repo_text(root: Path, path: Path, max_bytes: int, setting: str, encoding: str = "utf-8-sig") -> io.TextIOWrapper:
    """open_repo_binary as text (newline='' as the csv module wants). Decoding errors surface as
    UnicodeDecodeError while reading."""
    return io.TextIOWrapper(open_repo_binary(root, path, max_bytes, setting), encoding=encoding, newline="")


def safe_copytree(root: Path, source: Path, dest: Path, _seen: frozenset[Path] = frozenset()) -> None:
    """Copy a folder of the repository (site/assets), refusing what repo_file refuses: a link
    out of root (a symlink to /etc/passwd would be published), a FIFO, a device, a loop."""
    real_dir = repo_dir(root, source)
    if real_dir in _seen:
        raise UnsafeFile(rel_to(root, source), "the folder links back to a folder that contains it", "replace the link by the files themselves")
    seen = _seen | {real_dir}
    try:
        entries = sorted(os.scandir(source), key=lambda e: e.name)
    except OSError as exc:
        raise UnsafeFile(rel_to(root, source), f"the folder cannot be read: {exc.strerror}") from None
    for entry in entries:
        src, target = Path(entry.path), dest / entry.name
        if entry.is_dir():  # follows a link, which repo_dir checks in the call
            safe_copytree(root, src, target, seen)
            continue
        real = repo_file(root, src)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(real, target)


def repo_dir(root: Path, path: Path) -> Path:
    """The real path of a folder inside root (UnsafeFile when a link leads out or it is none)."""
    root_real, rel = Path(root).resolve(), rel_to(root, path)
    try:
        real = Path(path).resolve(strict=True)
    except (OSError, RuntimeError):
        raise UnsafeFile(rel, "the folder is a symbolic link to nothing, or a loop of links") from None
    if real != root_real and root_real not in real.parents:
        raise UnsafeFile(rel, "the folder is a symbolic link to outside the repository", "copy the folder into the repository instead of linking to it")
    if not real.is_dir():
        raise UnsafeFile(rel, "not a folder")
    return real


def template_loader(template_dirs: list[Path]) -> Any:
    """A jinja2 loader over template_dirs that reads no template through a link out of its site
    folder's repository (site/templates/x -> /etc/passwd), nor a FIFO or device.

    The boundary of <repo>/site/templates is <repo>; of the bundled site/templates, the bundle.
    """
    import jinja2

    class _Loader(jinja2.FileSystemLoader):
        def get_source(self, environment: Any, template: str) -> Any:
            for folder in self.searchpath:
                pieces = jinja2.loaders.split_template_path(template)
                candidate = Path(folder, *pieces)
                if os.path.lexists(candidate):
                    real = repo_file(Path(folder).parent.parent, candidate)
                    text = read_repo_bytes(Path(folder).parent.parent, candidate, 1 << 20, "the 1 MiB limit of a template").decode("utf-8")
                    mtime = os.path.getmtime(real)
                    return text, str(candidate), lambda: os.path.exists(real) and os.path.getmtime(real) == mtime
            raise jinja2.TemplateNotFound(template)

    return _Loader([str(d) for d in template_dirs])
