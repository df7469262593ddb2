"""The group's consolidation as types: what `consolidate` (cms_build/group.py) returns, key
`consolidation` of the group's export (README: Groups), with the conventions of
cms_build/results.py (strict, no key a model does not name, roles).

`ReadModel`s describe what the group reads of an entity's results (api.Consolidation.reads).

The core (as_of, the entities counted and why, each entity's finding counts, the matrices side
by side) is typed here; each domain that adds to a group (api.Consolidation) names the types of
the sections it adds (`Consolidation.models`), so this module names none of them. A traced group
figure (`group._trace`) is the organization's own `TracedValue`: its inputs' `Source` names the
entity and the figure's path in that entity's export (`entity`, `result`), or the group's setting,
so the public profile restricts it by provenance (publish.group_results) as it does an entity's.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, create_model

from .matrix_model import ClauseCounts, ClauseStatus, FindingCounts
from .results import Classifier, Label, Number, ResultModel


class ReadModel(BaseModel):
    """The part of an entity's result the group reads (api.Consolidation.reads): its other keys
    are ignored, those it names are strict, so an export from an entity's job (untrusted input,
    CONTRIBUTING: Trust) of another shape is a located error where it is read (group.read_export),
    not a TypeError in a domain's sections."""

    model_config = ConfigDict(extra="ignore", strict=True)


class ReadValue(ReadModel):
    """A traced number, of which the group reads the value."""

    value: Number | None = None


class ReadActivity(ReadModel):
    value: Number | None = None
    unit: str | None = None


class ReadEntry(ReadModel):
    """An entry of an entity's inventory as the group reads it: what `api.Consolidation.purchase`
    returns for an energy purchase, whose category, activity and total the group's transfer rule
    (group._transfer_findings) and the eliminations read."""

    category: str | None = None
    activity: ReadActivity | None = None
    total: ReadValue | None = None


class ConsolidatedEntity(ResultModel):
    """An entity as the group counts it (group.factor)."""

    name: Label
    approach: Classifier
    share: Number
    factor: Number
    why: Label


class GroupMatrixRow(ResultModel):
    """A clause of the matrices side by side: its titles and each entity's status."""

    title_zh: str | None
    title_en: str | None
    status: dict[str, ClauseStatus | None]


class GroupMatrix(ResultModel):
    summary: dict[str, ClauseCounts | None]
    clauses: dict[str, GroupMatrixRow]


class ConsolidationCore(ResultModel):
    as_of: str | None
    entities: dict[str, ConsolidatedEntity]
    matrix: GroupMatrix
    findings: dict[str, FindingCounts]


def consolidation_model(sections: dict[str, Any]) -> type[BaseModel]:
    """The consolidation with the domains' sections ({section: type}, in the domains' order)."""
    return create_model("GroupConsolidation", __base__=ConsolidationCore, **{name: (kind, None) for name, kind in sections.items()})
