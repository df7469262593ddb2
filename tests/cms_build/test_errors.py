"""One exception hierarchy: every error about a user's input is a CmsProblem (cms_build/errors.py)."""

from __future__ import annotations

import pytest

from checks.emissions.lines import CalcError
from cms_build.errors import CmsProblem
from cms_build.factors import FactorDataError, FactorKeyError
from cms_build.gitutil import GitError
from cms_build.rules import RuleError
from cms_build.schemas import SchemaError
from cms_build.site.build import BuildError
from cms_build.units import UnitError
from cms_build.workflow.importer import ImportError_
from cms_build.workflow.init import InitError
from cms_build.workflow.tables import TableError
from cms_build.yamlsafe import LoadError


@pytest.mark.parametrize("cls", [CalcError, FactorDataError, FactorKeyError, GitError, SchemaError, BuildError, UnitError, ImportError_, InitError, TableError])
def test_every_error_class_is_a_problem_with_a_message(cls):
    exc = cls("something is wrong")
    assert isinstance(exc, CmsProblem)
    assert "something is wrong" in exc.text()


def test_located_errors_say_where():
    assert vars(LoadError("tab in indentation", 3, 7, "use spaces").to_issue("a.yaml")) == {
        "message": "tab in indentation",
        "file": "a.yaml",
        "line": 3,
        "col": 7,
        "record": None,
        "path": "",
        "hint": "use spaces",
        "severity": None,
        "clauses": (),
    }
    from pathlib import Path

    err = RuleError(Path("checks/own.py"), "Python syntax error: invalid syntax", 4, 2, "correct the line")
    assert err.text() == "checks/own.py:4:2: Python syntax error: invalid syntax (hint: correct the line)"
    assert str(err) == "checks/own.py:4:2: Python syntax error: invalid syntax"


def test_an_uncaught_problem_is_a_usage_error_not_an_internal_error(monkeypatch, capsys):
    from cms_build import commands as cli

    def boom(**_):
        raise TableError("sheet 'Data' has no header row", file="data.xlsx", line=1, col=1, hint="add one")

    monkeypatch.setattr(cli.cli, "main", boom)
    with pytest.raises(SystemExit) as exit_:
        cli.main()
    err = capsys.readouterr().err
    assert exit_.value.code == 2
    assert err.strip() == "cms: data.xlsx:1:1: sheet 'Data' has no header row (hint: add one)"
    assert "internal error" not in err
