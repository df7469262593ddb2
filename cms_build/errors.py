"""One base for every error the engine raises about a user's input or environment.

Each stage keeps its own error class (a unit that cannot be read, a YAML file that is not
safe, a rule file that does not load, a folder that cannot be written …), and every one of
them is a CmsProblem: a message, where it is (file, line, column, when there is a place) and
how to fix it. So a caller turns any of them into a located finding or a usage error in one
way (`to_issue`, `cms_build.commands.main`), and only an exception that is not a CmsProblem is
an internal error, a bug in cms.
"""

from __future__ import annotations

from .findings import Issue


class CmsProblem(Exception):
    message: str = ""
    file: str | None = None  # repository-relative where known
    line: int = 1
    col: int = 1
    hint: str = ""

    def __init__(self, message: str = "", *, file: str | None = None, line: int = 1, col: int = 1, hint: str = "") -> None:
        super().__init__(message)
        self.message, self.file, self.line, self.col, self.hint = message, file, line, col, hint

    def text(self) -> str:
        """What to show a person: 'file:line:col: message (hint: …)'."""
        message = self.message or (str(self.args[0]) if self.args else type(self).__name__)
        where = f"{self.file}:{self.line}:{self.col}: " if self.file else ""
        return f"{where}{message}" + (f" (hint: {self.hint})" if self.hint else "")

    def to_issue(self, file: str | None = None) -> Issue:
        return Issue(self.message or str(self), file or self.file or "", self.line, self.col, hint=self.hint)
