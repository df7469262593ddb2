"""The JSON Schema of `cms export`, generated from the types of the results.

    python -m cms_build.export_schema > schemas/export/export.schema.json

The committed file is what other tools validate an export against; a test
(tests/cms_build/test_export_schema.py) fails when it differs from what this module generates,
so the schema cannot drift from the code. It lives in schemas/export/, not in schemas/: the
loader (cms_build/schemas.py) reads schemas/*.schema.json as record kinds and their shared
definitions, and this document describes no record.

`results` holds each bundled computation's model (checks/<domain>/results.py) or null; an
organization's own computations (checks/ of its repository) may add further keys, of any JSON.
In a public export a value a result holds about an unpublished record is replaced by
"restricted" (publish.Hider, a second line of defence: a result is published only when all it
read is public), and such a value need not meet its type; the example's public export meets the
schema in full. The findings, their counts and the conformity matrix are typed too (the matrix by
cms_build/matrix_model.py); the records' data and the statuses are described by their envelope
only: the records' data follow their kinds' schemas in schemas/.

A group's export (`cms export GROUP`) is the other branch of the schema: its entities' exports
as above, and the consolidation typed by cms_build/group_model.py and the domains' sections.

The readers of an export document (`cms pack`, a group's overview) read it through `export_parts`:
its records, findings, counts and matrix as these models, checked once where the document is read.
"""

from __future__ import annotations

import json
import sys

from typing import Union

from pydantic import BaseModel, ConfigDict, Field, JsonValue, TypeAdapter, ValidationError

from .matrix_model import ConformityMatrix, FindingCounts, Severity
from .results import Label, RecordId, ResultModel

EXPORT_SCHEMA_ID = "https://cms-as-code.org/schemas/export/export.schema.json"
EXPORT_SCHEMA_PATH = ("schemas", "export", "export.schema.json")


class ExportRecord(ResultModel):
    id: RecordId
    kind: str
    file: str
    title: Label | None
    status: str | None
    confidentiality: str | None
    valid: bool
    data: dict[str, JsonValue] = Field(description="the record's fields the profile may show (its kind's schema)")


class ExportFinding(ResultModel):
    rule: str
    severity: Severity
    message: str
    file: str
    line: int
    col: int
    clauses: list[str]
    record: RecordId | None
    path: str
    hint: str
    title: Label


class ExportParts(BaseModel):
    """What `cms pack` and a group's overview read of an export document, typed: its records'
    envelopes, its findings and their counts, its matrix (the rest is not read through this)."""

    model_config = ConfigDict(extra="ignore", strict=True)
    records: list[ExportRecord]
    findings: list[ExportFinding]
    summary: FindingCounts
    matrix: ConformityMatrix | None = None
    withheld_results: list[str] = []


def export_parts(doc: dict) -> ExportParts:
    """An export document's records, findings, counts and matrix as models (ExportParts); one of
    another shape is a ValidationError (`located` says where)."""
    return ExportParts.model_validate(doc)


def located(exc: ValidationError, limit: int = 3, root: str = "") -> str:
    """A ValidationError as 'where: what' lines, the JSON path of each error in the document
    (records[3].kind; under `root` when the document validated is a part of another), the first
    `limit` of them."""
    lines = []
    for err in exc.errors()[:limit]:
        where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in (root, *err["loc"]) if p != "").lstrip(".") or "(the document)"
        lines.append(f"{where}: {err['msg']}")
    more = exc.error_count() - limit
    return "; ".join(lines) + (f" (and {more} more)" if more > 0 else "")


def _models():
    from .rules import bundled_module

    em, tr = bundled_module("emissions.results"), bundled_module("trading.results")
    return (
        em.EmissionsResult,
        em.AnnexEResult,
        tr.TradingResult,
        tr.SurveillanceResult,
        bundled_module("assets.results").AssetsResult,
        bundled_module("neutrality.results").NeutralityResult,
        em.ValueChainResult,
        bundled_module("neutrality.results").NeutralityPerformanceResult,
    )


def export_model() -> type[BaseModel]:
    """The export document as a pydantic model (built on demand: the result types live in the
    bundled rule package, imported through rules.bundled_module)."""
    Emissions, AnnexE, Trading, Surveillance, Assets, Neutrality, ValueChain, NeutralityPerformance = _models()

    class Generator(ResultModel):
        name: str
        version: str

    class Organization(ResultModel):
        name: str | None
        name_en: str | None
        # present when cms.yaml gives them: a group matches its entities with its boundary by them
        uscc: str | None = None
        profile: str | None = None

    class ExportResults(BaseModel):
        """The results the profile publishes, by computation id; absent when withheld. A public
        export publishes a result only when every record it read is public; should it still name
        an unpublished record, publish.Hider restricts that value (a second line of defence),
        and such a value need not have its type here."""

        model_config = ConfigDict(extra="allow", strict=True)
        emissions: Emissions | None = None
        annex_e: AnnexE | None = None
        trading: Trading | None = None
        surveillance: Surveillance | None = None
        assets: Assets | None = None
        neutrality: Neutrality | None = None
        value_chain: ValueChain | None = None
        neutrality_performance: NeutralityPerformance | None = None

    class ExportDocument(ResultModel):
        """`cms export`: records, computed results, statuses, findings and the conformity matrix,
        as the profile may show them (cms_build/export.py)."""

        model_config = ConfigDict(title="cms export")
        generator: Generator
        as_of: str = Field(description="the as-of date of the run (YYYY-MM-DD)")
        profile: str
        organization: Organization
        subsystems: list[str]
        gwp_set: str | None
        records: list[ExportRecord]
        results: ExportResults
        withheld_results: list[str] = Field(description="computations left out whole by this profile")
        statuses: dict[RecordId, dict[str, JsonValue]] = Field(description="per record id (cms_build/statuses.py)")
        findings: list[ExportFinding]
        summary: FindingCounts
        matrix: ConformityMatrix | None = Field(None, description="the conformity matrix (cms_build/matrix.py)")

    return ExportDocument


def group_export_model(entity_export: type[BaseModel]) -> type[BaseModel]:
    """`cms export GROUP` (cms_build/group.py export_group): the group's settings, each entity's
    export, the consolidation (cms_build/group_model.py with the domains' sections), the
    findings of the group and of its entities, and their counts."""
    from .group import consolidation_model

    class GroupSettings(ResultModel):
        organization: dict[str, JsonValue] | None = Field(description="the group's organization (its cms.yaml)")
        as_of: str | None
        entities: list[dict[str, JsonValue]] = Field(description="group.entities of its cms.yaml (schemas/settings-group.schema.json)")

    class GroupExportDocument(ResultModel):
        """`cms export` of a group (README: Groups)."""

        model_config = ConfigDict(title="cms export of a group")
        group: GroupSettings
        entities: dict[str, entity_export] = Field(description="each entity's internal export, by entity id")  # type: ignore[valid-type]
        consolidation: consolidation_model() | None  # type: ignore[valid-type]
        findings: list[ExportFinding]
        summary: FindingCounts

    return GroupExportDocument


def export_schema() -> dict:
    """An organization's export or a group's: the document says which by its keys (a group's has
    `group` and `consolidation`), and each model forbids the keys of the other."""
    entity = export_model()
    schema = TypeAdapter(Union[entity, group_export_model(entity)]).json_schema()  # type: ignore[valid-type]
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": EXPORT_SCHEMA_ID, "title": "cms export", **schema}


def export_schema_text() -> str:
    return json.dumps(export_schema(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def main() -> None:
    sys.stdout.write(export_schema_text())


if __name__ == "__main__":
    main()
