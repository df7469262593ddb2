"""The settings file read as safely as a record (cms_build/settings.py)."""

import os


def test_a_settings_file_that_is_a_fifo_is_a_finding_not_a_hang(org):
    os.unlink(org.root / "cms.yaml")
    os.mkfifo(org.root / "cms.yaml")
    result = org.run(stages="validate")
    assert [(f.rule, f.location(), f.message) for f in result.findings if f.rule == "settings.invalid"] == [
        ("settings.invalid", "cms.yaml:1:1", "a FIFO (named pipe), not a regular file: it is not read")
    ]


def test_a_settings_file_linked_out_of_the_repository(org, tmp_path):
    (tmp_path / "elsewhere.yaml").write_text("organization: {name: X}\nsubsystems: [A]\n", encoding="utf-8")
    os.unlink(org.root / "cms.yaml")
    (org.root / "cms.yaml").symlink_to(tmp_path / "elsewhere.yaml")
    result = org.run(stages="validate")
    assert [(f.rule, f.location(), f.message) for f in result.findings if f.rule == "settings.invalid"] == [
        ("settings.invalid", "cms.yaml:1:1", "the file is a symbolic link to outside the repository")
    ]


def test_the_run_limits_have_schema_defaults(org):
    settings = org.run(stages="validate").settings
    assert [settings.get(f"limits.{k}") for k in ("max_run_bytes", "max_run_nodes", "max_table_bytes", "max_table_rows", "max_cell_chars")] == [
        16 * 1024 * 1024,
        300_000,
        20 * 1024 * 1024,
        200_000,
        65_536,
    ]
