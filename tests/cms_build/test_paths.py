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
    assert refused(read_repo_bytes, tmp_path, tmp_path / "z.yaml", 100) == ("z.yaml", "the file is a symbolic link to outside the repository")


def test_a_fifo_is_refused_without_opening_it(tmp_path):
    os.mkfifo(tmp_path / "x.yaml")  # opening it for reading would block until a writer comes
    assert refused(read_repo_bytes, tmp_path, tmp_path / "x.yaml", 100) == ("x.yaml", "a FIFO (named pipe), not a regular file: it is not read")


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
    assert refused(read_repo_bytes, tmp_path, tmp_path / "x.yaml", 100) == ("x.yaml", "the file cannot be read: Permission denied")


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
        "site/assets/passwd",
        "the file is a symbolic link to outside the repository",
    )
    (root / "site" / "assets" / "passwd").unlink()
    (root / "site" / "assets" / "loop").symlink_to(root / "site")
    assert refused(safe_copytree, root, root / "site" / "assets", tmp_path / "out3") == (
        "site/assets/loop/assets",
        "the folder links back to a folder that contains it",
    )


# -- where the helper is applied: site assets, templates, strings, checks/, schemas/ -------------
def test_a_build_does_not_publish_an_asset_linked_out_of_the_repository(org, tmp_path):
    from tests.site.conftest import build, mini_org

    mini_org(org)
    (org.root / "site" / "assets").mkdir(parents=True)
    (org.root / "site" / "assets" / "passwd.txt").symlink_to("/etc/passwd")  # published verbatim before
    out = tmp_path / "site"
    with pytest.raises(UnsafeFile) as info:
        build(org.root, out)
    assert (info.value.rel, info.value.message) == ("site/assets/passwd.txt", "the file is a symbolic link to outside the repository")
    assert not out.exists()


def test_cms_build_says_which_asset_it_refused(org, tmp_path):
    from tests.cms_build.test_cli import cms
    from tests.site.conftest import mini_org

    mini_org(org)
    (org.root / "site" / "assets").mkdir(parents=True)
    (org.root / "site" / "assets" / "passwd.txt").symlink_to("/etc/passwd")
    code, out, err = cms("build", org.root, "--as-of", "2026-06-30", "--out", tmp_path / "site")
    assert (
        code == 2
        and ("the site was not built (the previous one is untouched): site/assets/passwd.txt: the file is a symbolic link to outside the repository") in err
    )


def test_a_template_linked_out_of_the_repository_is_not_read(tmp_path):
    import jinja2

    from cms_build.paths import template_loader

    root = tmp_path / "repo"
    (root / "site" / "templates").mkdir(parents=True)
    (root / "site" / "templates" / "ok.md").write_text("hello {{ x }}")
    (tmp_path / "secret").write_text("secret")
    (root / "site" / "templates" / "record.md").symlink_to(tmp_path / "secret")
    env = jinja2.Environment(loader=template_loader([root / "site" / "templates"]))
    assert env.get_template("ok.md").render(x=1) == "hello 1"
    with pytest.raises(UnsafeFile) as info:
        env.get_template("record.md")
    assert (info.value.rel, info.value.message) == ("site/templates/record.md", "the file is a symbolic link to outside the repository")
    with pytest.raises(jinja2.TemplateNotFound):
        env.get_template("none.md")


def test_a_rule_file_linked_out_of_the_repository_is_not_run(org, tmp_path):
    (tmp_path / "evil.py").write_text("import os\nos._exit(0)\n")  # would turn any gate green
    (org.root / "checks").mkdir(parents=True)
    (org.root / "checks" / "evil.py").symlink_to(tmp_path / "evil.py")
    result = org.run(stages="validate")
    assert [(f.rule, f.location(), f.message) for f in result.findings if f.rule == "rules.invalid"] == [
        ("rules.invalid", "checks/evil.py:1:1", "the file is a symbolic link to outside the repository")
    ]


def test_a_fifo_rule_file_does_not_hang_the_run(org):
    (org.root / "checks").mkdir(parents=True)
    os.mkfifo(org.root / "checks" / "wait.py")
    result = org.run(stages="validate")
    assert [(f.rule, f.location(), f.message) for f in result.findings if f.rule == "rules.invalid"] == [
        ("rules.invalid", "checks/wait.py:1:1", "a FIFO (named pipe), not a regular file: it is not read")
    ]


def test_a_schema_linked_to_a_device_is_refused(org):
    from cms_build.schemas import SchemaError

    (org.root / "schemas").mkdir(parents=True)
    (org.root / "schemas" / "x.schema.json").symlink_to("/dev/zero")  # read until memory ran out
    with pytest.raises(SchemaError) as info:
        org.run(stages="validate")
    assert str(info.value).endswith("x.schema.json: the file is a symbolic link to outside the repository")


def test_organization_strings_linked_out_are_refused(org, tmp_path):
    from tests.site.conftest import build, mini_org

    mini_org(org)
    (org.root / "site").mkdir(parents=True, exist_ok=True)
    (org.root / "site" / "strings.yaml").symlink_to("/etc/passwd")
    with pytest.raises(UnsafeFile) as info:
        build(org.root, tmp_path / "site")
    assert info.value.rel == "site/strings.yaml"


def test_an_unreadable_checks_folder_is_named(org, monkeypatch):
    (org.root / "checks").mkdir(parents=True)
    (org.root / "checks" / "mine.py").write_text("")
    real = os.access
    # the tests run as root, who reads every folder: refuse as chmod 000 would
    mine = str((org.root / "checks").resolve())
    monkeypatch.setattr(os, "access", lambda p, mode, **kw: str(p) != mine and real(p, mode, **kw))
    result = org.run(stages="validate")
    assert [(f.rule, f.location(), f.message) for f in result.findings if f.rule == "rules.invalid"] == [
        ("rules.invalid", "checks:1:1", "the folder cannot be read: Permission denied; its rules are not run")
    ]


def test_a_folder_replaced_by_a_link_out_after_a_first_read_is_refused(tmp_path):
    # repo_file remembers the real path of folders it resolved (issue 19: fewer lstat calls);
    # a folder moved out and replaced by a link to it must not keep its old, inside real path.
    root, out = tmp_path / "repo", tmp_path / "out"
    (root / "energy").mkdir(parents=True)
    (root / "energy" / "x.yaml").write_text("id: X\n")
    assert repo_file(root, root / "energy" / "x.yaml") == (root / "energy" / "x.yaml").resolve()
    (root / "energy").rename(out)
    (root / "energy").symlink_to(out, target_is_directory=True)
    assert refused(repo_file, root, root / "energy" / "x.yaml") == ("energy/x.yaml", "the file is a symbolic link to outside the repository")
    # and a root reached through a link: the same answers as without the memory
    (tmp_path / "via").symlink_to(root, target_is_directory=True)
    (root / "inside").mkdir()
    (root / "inside" / "y.yaml").write_text("id: Y\n")
    for _ in range(2):
        assert repo_file(tmp_path / "via", tmp_path / "via" / "inside" / "y.yaml") == (root / "inside" / "y.yaml").resolve()
        assert refused(repo_file, tmp_path / "via", tmp_path / "via" / "energy" / "x.yaml")[1] == "the file is a symbolic link to outside the repository"
    (root / "inside").rename(tmp_path / "moved")
    (root / "inside").symlink_to(tmp_path / "moved", target_is_directory=True)
    assert refused(repo_file, tmp_path / "via", tmp_path / "via" / "inside" / "y.yaml")[1] == "the file is a symbolic link to outside the repository"


def test_within_one_load_each_folder_is_resolved_once_and_every_case_is_still_refused(tmp_path):
    # engine.load_records resolves folders once (issue 19): the answers are those of each call
    from cms_build import paths

    root, out = tmp_path / "repo", tmp_path / "out"
    (root / "energy").mkdir(parents=True)
    out.mkdir()
    (out / "secret.yaml").write_text("s")
    (out / "x.yaml").write_text("id: X\n")
    (root / "energy" / "ok.yaml").write_text("id: A\n")
    (root / "energy" / "in.yaml").symlink_to(root / "energy" / "ok.yaml")
    (root / "energy" / "leak.yaml").symlink_to(out / "secret.yaml")
    (root / "linked").symlink_to(out, target_is_directory=True)
    (root / "a").symlink_to(root / "b")
    (root / "b").symlink_to(root / "a")
    (root / "gone").symlink_to(root / "nothing")
    (root / "dir.yaml").mkdir()
    cases = ["energy/ok.yaml", "energy/in.yaml", "energy/leak.yaml", "linked/x.yaml", "a", "gone", "none", "dir.yaml", "energy/ok.yaml/x"]

    def answers():
        got = []
        for rel in cases:
            try:
                got.append(str(paths.repo_file(root, root / rel)))
            except UnsafeFile as exc:
                got.append((exc.rel, exc.message))
        return got

    each_call = answers()
    assert each_call[:2] == [str((root / "energy" / "ok.yaml").resolve())] * 2
    assert each_call[2:4] == [
        ("energy/leak.yaml", "the file is a symbolic link to outside the repository"),
        ("linked/x.yaml", "the file is a symbolic link to outside the repository"),
    ]
    with paths.folders_resolved_once():
        assert answers() == each_call
        assert answers() == each_call  # and again, from what it remembered
        assert paths._FOLDERS  # it did remember folders
    assert paths._FOLDERS is None
    # the memory ends with the block: a folder replaced by a link out is seen by the next load
    with paths.folders_resolved_once():
        assert paths.repo_file(root, root / "energy" / "ok.yaml") == (root / "energy" / "ok.yaml").resolve()
    (root / "energy").rename(tmp_path / "moved")
    (root / "energy").symlink_to(tmp_path / "moved", target_is_directory=True)
    with paths.folders_resolved_once():
        assert refused(paths.repo_file, root, root / "energy" / "ok.yaml") == ("energy/ok.yaml", "the file is a symbolic link to outside the repository")


def test_rel_to_gives_what_relative_to_gives(tmp_path):
    from pathlib import Path

    from cms_build.paths import rel_to

    assert rel_to(tmp_path, tmp_path / "a" / "b.yaml") == "a/b.yaml"
    assert rel_to(tmp_path, tmp_path) == "."
    assert rel_to(tmp_path / "a", tmp_path / "ab" / "c.yaml") == (tmp_path / "ab" / "c.yaml").as_posix()  # not inside: as given
    assert rel_to(Path("/"), Path("/etc/x")) == "etc/x"
    assert rel_to(tmp_path, tmp_path / "a" / ".." / "c") == "c"
