"""The user's key of the cache's MAC (cms_build/cachefile.py): made once, whole, this user's alone,
also when two runs start at once on a machine that has none yet."""

from __future__ import annotations

import os
import stat
import types

import pytest

from cms_build import cachefile


@pytest.fixture(autouse=True)
def _own_cache_home(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))


def _watched_os(monkeypatch, seen: list[int]):
    """cachefile's `os`, noting after every call the size of the key file when it exists: what a
    second run starting at that moment would read."""
    real = os

    def watch(fn):
        def call(*args, **kw):
            try:
                return fn(*args, **kw)
            finally:
                try:
                    seen.append(real.stat(cachefile.key_file()).st_size)
                except FileNotFoundError:
                    pass

        return call

    proxy = types.SimpleNamespace(**{name: getattr(real, name) for name in dir(real) if not name.startswith("__")})
    for name in ("open", "fdopen", "link", "replace", "rename", "unlink", "write", "close"):
        setattr(proxy, name, watch(getattr(real, name)))
    monkeypatch.setattr(cachefile, "os", proxy)


def test_a_new_key_is_whole_from_the_moment_it_can_be_read(monkeypatch):
    seen: list[int] = []
    _watched_os(monkeypatch, seen)
    key = cachefile.local_key()
    assert key is not None and len(key) == 32
    assert seen and set(seen) == {32}  # never an empty or part-written key file
    path = cachefile.key_file()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert sorted(p.name for p in path.parent.iterdir()) == ["cache.key"]  # no temporary file left


def test_the_run_that_comes_second_takes_the_first_ones_key(monkeypatch):
    first = b"k" * 32
    real_link = os.link

    def another_run_was_first(src, dst):
        fd = os.open(dst, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.write(fd, first)
        os.close(fd)
        return real_link(src, dst)

    monkeypatch.setattr(cachefile.os, "link", another_run_was_first)
    assert cachefile.local_key() == first
    monkeypatch.setattr(cachefile.os, "link", real_link)
    assert cachefile.local_key() == first  # and keeps it
    assert sorted(p.name for p in cachefile.key_file().parent.iterdir()) == ["cache.key"]


def test_without_hard_links_the_key_is_still_made(monkeypatch):
    def no_links(src, dst):
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(cachefile.os, "link", no_links)
    key = cachefile.local_key()
    assert key is not None and len(key) == 32
    path = cachefile.key_file()
    assert path.read_bytes() == key and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert sorted(p.name for p in path.parent.iterdir()) == ["cache.key"]


# The signed files the engine keeps (record cache, whole-run cache, the site build's record and
# search memo) are read and written by one pair of functions: what one refuses, all refuse.

KEY = b"k" * 32


def test_a_signed_file_reads_back_what_was_written(tmp_path):
    cachefile.write_signed_file(tmp_path / "memo.json", KEY, {"format": 1, "cut": {"碳": "碳"}})
    assert cachefile.read_signed_file(tmp_path, tmp_path / "memo.json", KEY, 1 << 20, "limit") == {"format": 1, "cut": {"碳": "碳"}}
    assert not [p for p in tmp_path.iterdir() if p.name != "memo.json"]  # no temporary file left


@pytest.mark.parametrize(
    "damage",
    [
        lambda raw: raw.replace(b'"cut"', b'"cuT"'),  # payload edited, MAC kept
        lambda raw: raw[:-3],  # truncated
        lambda raw: b"0" * 64 + raw[64:],  # MAC replaced
    ],
)
def test_a_damaged_or_planted_signed_file_is_none(tmp_path, damage):
    path = tmp_path / "memo.json"
    cachefile.write_signed_file(path, KEY, {"format": 1, "cut": {}})
    path.write_bytes(damage(path.read_bytes()))
    assert cachefile.read_signed_file(tmp_path, path, KEY, 1 << 20, "limit") is None
    cachefile.write_signed_file(path, b"another user's key".ljust(32), {"format": 1, "cut": {}})
    assert cachefile.read_signed_file(tmp_path, path, KEY, 1 << 20, "limit") is None


def test_a_link_at_a_signed_file_or_at_its_old_temporary_name_is_never_written_through(tmp_path):
    outside = tmp_path / "outside.txt"
    outside.write_text("the user's file")
    work = tmp_path / "work"
    work.mkdir()
    # the temporary name the site build used to write to (pid-only: guessable by a pull request)
    (work / f".memo.json.{os.getpid()}.tmp").symlink_to(outside)
    (work / "memo.json").symlink_to(outside)
    cachefile.write_signed_file(work / "memo.json", KEY, {"format": 1})
    assert outside.read_text() == "the user's file"
    assert not (work / "memo.json").is_symlink()  # the link replaced by the file, not followed
    assert cachefile.read_signed_file(work, work / "memo.json", KEY, 1 << 20, "limit") == {"format": 1}


def test_a_signed_file_read_through_a_link_is_none(tmp_path):
    real = tmp_path / "real.json"
    cachefile.write_signed_file(real, KEY, {"format": 1})
    work = tmp_path / "work"
    work.mkdir()
    (work / "memo.json").symlink_to(real)
    assert cachefile.read_signed_file(work, work / "memo.json", KEY, 1 << 20, "limit") is None
