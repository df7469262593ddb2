"""The index: duplicate ids (compared as a reader would) and attached files, each located."""

import os


def policy(org, id="POL-1", **fields):
    return org.record("policy", id, statement="方针", issued_by="总经理", **fields)


# attachments[0].path is at 17:9: 13 envelope lines, statement, issued_by, "attachments:", then "- path: "
def engine(org):
    result = org.engine_only(org.run(stages="validate"))
    return [(f.rule, f.location(), f.message) for f in result.findings]


def test_ids_differing_only_in_case_are_duplicates_at_both_places(org):
    org.add("policy/a.yaml", policy(org, "POL-001"))
    org.add("policy/b.yaml", policy(org, "pol-001"))
    same = " (ids that differ only in case or full-width forms are the same id)"
    assert engine(org) == [
        ("record.id", "policy/a.yaml:2:5", "duplicate id 'POL-001': also used by policy/b.yaml:2:5 as 'pol-001'" + same),
        ("record.id", "policy/b.yaml:2:5", "duplicate id 'pol-001': also used by policy/a.yaml:2:5 as 'POL-001'" + same),
    ]


def test_a_duplicate_is_left_out_of_the_index(org):
    org.add("policy/a.yaml", policy(org, "POL-001"))
    org.add("policy/b.yaml", policy(org, "Pol-001"))
    result = org.run(stages="validate")
    assert list(result.index.by_id) == ["POL-001"]
    assert [r.valid for r in result.records] == [True, False]


def test_an_attachment_that_is_a_link_loop(org):
    org.add("policy/a.yaml", policy(org, attachments=[{"path": "loop.pdf"}]))
    (org.root / "policy" / "loop.pdf").symlink_to(org.root / "policy" / "loop.pdf")
    assert engine(org) == [("ref.invalid", "policy/a.yaml:17:9", "attachments[0].path: 'loop.pdf': the file is a loop of symbolic links")]


def test_an_attachment_that_is_a_fifo(org):
    org.add("policy/a.yaml", policy(org, attachments=[{"path": "pipe.pdf"}]))
    os.mkfifo(org.root / "policy" / "pipe.pdf")
    assert engine(org) == [("ref.invalid", "policy/a.yaml:17:9", "attachments[0].path: 'pipe.pdf': a FIFO (named pipe), not a regular file: it is not read")]


def test_an_attachment_that_is_a_folder(org):
    org.add("policy/a.yaml", policy(org, attachments=[{"path": "sub"}]))
    (org.root / "policy" / "sub").mkdir()
    assert engine(org) == [("ref.invalid", "policy/a.yaml:17:9", "attachments[0].path: 'sub': a folder, not a regular file: it is not read")]


def test_an_attachment_linked_inside_the_repository_is_fine(org):
    org.add("evidence/scan.pdf", b"%PDF-1.4")
    org.add("policy/a.yaml", policy(org, attachments=[{"path": "scan.pdf"}]))
    (org.root / "policy" / "scan.pdf").symlink_to(org.root / "evidence" / "scan.pdf")
    assert engine(org) == []


def test_an_unreadable_attachment_is_named(org, monkeypatch):
    org.add("policy/scan.pdf", b"%PDF-1.4")
    org.add("policy/a.yaml", policy(org, attachments=[{"path": "scan.pdf"}]))
    real = os.access
    # the tests run as root, who reads every file: refuse as chmod 000 would
    monkeypatch.setattr(os, "access", lambda p, mode, **kw: not str(p).endswith("scan.pdf") and real(p, mode, **kw))
    assert engine(org) == [("ref.invalid", "policy/a.yaml:17:9", "attachments[0].path: 'scan.pdf': the file cannot be read: Permission denied")]
