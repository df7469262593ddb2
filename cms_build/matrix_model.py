"""The conformity matrix as types: what `build_matrix` (cms_build/matrix.py) returns, as pydantic
models, for the published schema of `cms export` (cms_build/export_schema.py) and for the readers
of an export document (the site's matrix pages, `cms pack`, a group's overview), which read fields,
not keys.

`build_matrix` still builds plain JSON (the export writes it as it is, byte for byte); these models
describe that JSON exactly (strict, no key they do not name) and read it back: `read_matrix`.
Statuses are the matrix's own words (matrix.STATUSES, matrix.PROVISION_STATUSES); an item takes its
clause's status when the clause is not applicable or informative, and is not applicable itself
where its `applies_if:` does not hold.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from .results import Classifier, Label, RecordId, ResultModel

ClauseStatus = Literal["conforming", "documented", "nonconforming", "no_evidence", "not_applicable", "informative"]
ItemStatus = Literal["verified", "documented", "nonconforming", "reviewer", "missing", "not_applicable", "informative"]
Obligation = Literal["requirement", "recommendation", "permission", "informative"]
Severity = Literal["error", "warning", "info"]


class Counts(ResultModel):
    """Counts by name: the tables of the site and the group go through the statuses in order."""

    def get(self, name: str, default: int = 0) -> int:
        return getattr(self, name) if name in type(self).model_fields else default


# Here, not in export_schema.py, so that the group's model (group_model.py) needs none of the
# export's machinery: an organization's check imports neither. (The docstring is the schema's.)
class FindingCounts(Counts):
    """The export's findings per severity."""

    error: int
    warning: int
    info: int


class ClauseCounts(Counts):
    """Clauses per status (the matrix's summary)."""

    conforming: int
    documented: int
    nonconforming: int
    no_evidence: int
    not_applicable: int
    informative: int


class ItemCounts(Counts):
    """Items (provisions) per status; a not-applicable item is not counted."""

    verified: int
    documented: int
    nonconforming: int
    reviewer: int
    missing: int


class ItemSummary(ResultModel):
    shall: ItemCounts = Field(description="the shall-items (应) of the applicable clauses")
    all: ItemCounts = Field(description="every item of the applicable clauses")


class Exclusion(ResultModel):
    clause: str
    reason: str = Field(description="why the clause does not apply (settings management.exclusions)")


class MatrixEvidence(ResultModel):
    """A record that is evidence for the clause or a sub-clause (approved or superseded, in force)."""

    id: RecordId
    kind: Classifier
    title: Label | None
    file: str


class MatrixFinding(ResultModel):
    """A finding naming the clause, one of its items or a sub-clause."""

    rule: str
    severity: Severity
    file: str
    line: int
    message: str
    clauses: list[str]
    record: RecordId | None
    hint: str


class ProvisionError(ResultModel):
    """An error finding against the item, where it is."""

    rule: str
    file: str
    line: int


class MatrixProvision(ResultModel):
    """An item of the clause: a lettered item ("5.2 a") or a sentence ("4.3 s2")."""

    item: str
    ref: str = Field(description="clause and item, as a finding cites it: '5.2 a'")
    modal: str = Field(description="its modal verb: 应 shall, 宜 should, 可 may")
    status: ItemStatus
    rules: list[str] = Field(description="the rules that check it and ran")
    records: list[RecordId] = Field(description="the records that record it")
    errors: list[ProvisionError]
    reviewer: str | None = Field(None, description="why only a reviewer can judge it, and what to look at (catalogue)")
    note: str | None = None
    note_zh: str | None = None


class MatrixClause(ResultModel):
    """A clause of the catalogue (cms_build/data/clauses.yaml) with its status and evidence."""

    number: str
    title_zh: str
    title_en: str
    obligation: Obligation
    subsystem: str = Field(description="'common', or the annex A-G it belongs to")
    parent: str | None
    status: ClauseStatus
    evidence: list[MatrixEvidence]
    findings: list[MatrixFinding]
    checks: list[str] = Field(description="the checks that ran and cite it or a sub-clause")
    provisions: list[MatrixProvision]
    item_counts: ItemCounts
    note: str | None = Field(None, description="why the status (an annex not adopted, an exclusion, ...)")
    note_zh: str | None = None

    def title(self, lang: str) -> str:
        """The clause's title in the site's language (Chinese where it has no English)."""
        return self.title_en if lang == "en" and self.title_en else self.title_zh


class ConformityMatrix(ResultModel):
    """The clause-by-clause conformity matrix at the as-of date (cms_build/matrix.py)."""

    as_of: str = Field(description="YYYY-MM-DD")
    subsystems: list[str] = Field(description="the annexes A-D adopted (clause 1 e)")
    exclusions: list[Exclusion]
    summary: ClauseCounts
    item_summary: ItemSummary
    clauses: list[MatrixClause]


def read_matrix(value: Any) -> ConformityMatrix | None:
    """The matrix JSON (build_matrix's, or an export's "matrix") as the model; None stays None.
    A matrix of another shape is a pydantic ValidationError, whose locations name the field."""
    return None if value is None else ConformityMatrix.model_validate(value)
