"""paths.repo_file and friends: the one place that decides which repository files are read."""
import os

import pytest

from cms_build.paths import UnsafeFile, open_repo_text, read_repo_bytes, repo_file, safe_copytree


def refused(fn, *args):
    with pytest.raises(UnsafeFile) as info:
        fn(*args)
    return info.value.rel, info.value.message


def test_a_regular_file_inside_is_its_real_path(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "x.csv").write_text("v\n")
    (tmp_path / "b.csv").symlink_to(tmp_path / "a" / "x.csv")  # a link that stays inside is followed
    assert repo_file(tmp_path, tmp_path / "b.csv") == (tmp_path / "a" / "x.csv").resolve()


def test_a_link_out_of_the_repository(tmp_path):
    root = tmp_path / "repo"
    root.mkdir()
    (tmp_path / "secret").write_text("s")
    (root / "x.yaml").symlink_to(tmp_path / "secret")
    assert refused(repo_file, root, root / "x.yaml") == ("x.yaml", "the file is a symbolic link to outside the repository")


def test_a_link_to_a_device_is_out_of_the_repository(tmp_path):
    (tmp_path / "z.yaml").symlink_to("/dev/zero")
    assert refused(read_repo_bytes, tmp_path, tmp_path / "z.yaml", 100) == (
        "z.yaml", "the file is a symbolic link to outside the repository")


def test_a_fifo_is_refused_without_opening_it(tmp_path):
    os.mkfifo(tmp_path / "x.yaml")  # opening it for reading would block until a writer comes
    assert refused(read_repo_bytes, tmp_path, tmp_path / "x.yaml", 100) == (
        "x.yaml", "a FIFO (named pipe), not a regular file: it is not read")


def test_a_loop_and_a_dangling_link(tmp_path):
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    (tmp_path / "gone").symlink_to(tmp_path / "nothing")
    assert refused(repo_file, tmp_path, tmp_path / "a") == ("a", "the file is a loop of symbolic links")
    assert refused(repo_file, tmp_path, tmp_path / "gone") == ("gone", "the file is a symbolic link to nothing")
    assert refused(repo_file, tmp_path, tmp_path / "none") == ("none", "the file does not exist")


def test_an_unreadable_file(tmp_path):
    if os.geteuid() == 0:
        pytest.skip("root reads every file")
    (tmp_path / "x.yaml").write_text("a: 1\n")
    (tmp_path / "x.yaml").chmod(0)
    assert refused(read_repo_bytes, tmp_path, tmp_path / "x.yaml", 100) == (
        "x.yaml", "the file cannot be read: Permission denied")


def test_reading_stops_at_the_limit(tmp_path):
    (tmp_path / "big.csv").write_bytes(b"x" * 2000)
    rel, message = refused(read_repo_bytes, tmp_path, tmp_path / "big.csv", 1024, "limits.max_table_bytes")
    assert message == "the file is 2000 bytes, more than the limit of 1024 (limits.max_table_bytes)"
    assert read_repo_bytes(tmp_path, tmp_path / "big.csv", 2000) == b"x" * 2000


def test_a_stream_stops_once_the_file_grows_past_the_limit(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("a\n1\n")
    with open_repo_text(tmp_path, path, 10, "limits.max_table_bytes") as fh:
        path.write_text("a\n" + "1\n" * 100)  # grows after the size was checked
        with pytest.raises(UnsafeFile) as info:
            fh.read()
    assert info.value.message == "the file is more than 10 bytes, more than the limit of 10 (limits.max_table_bytes)"


def test_copying_assets_refuses_a_link_out_and_copies_the_rest(tmp_path):
    root = tmp_path / "repo"
    (root / "site" / "assets" / "css").mkdir(parents=True)
    (root / "site" / "assets" / "css" / "a.css").write_text("body{}")
    (root / "site" / "assets" / "logo.svg").symlink_to(root / "site" / "assets" / "css" / "a.css")
    safe_copytree(root, root / "site" / "assets", tmp_path / "out")
    assert (tmp_path / "out" / "css" / "a.css").read_text() == "body{}"
    assert (tmp_path / "out" / "logo.svg").read_text() == "body{}"
    (root / "site" / "assets" / "passwd").symlink_to("/etc/passwd")
    assert refused(safe_copytree, root, root / "site" / "assets", tmp_path / "out2") == (
        "site/assets/passwd", "the file is a symbolic link to outside the repository")
    (root / "site" / "assets" / "passwd").unlink()
    (root / "site" / "assets" / "loop").symlink_to(root / "site")
    assert refused(safe_copytree, root, root / "site" / "assets", tmp_path / "out3") == (
        "site/assets/loop/assets", "the folder links back to a folder that contains it")
