"""Rules on the definition of performance indicators (6.2)."""

from __future__ import annotations

from cms_build.api import check


def _root(ctx, fid: str) -> str:
    """The facility a facility belongs to at the top of its `parent` chain (itself when it has
    none): a boiler or desulfurization unit counted with the unit whose output it serves."""
    seen = {fid}
    while True:
        rec = ctx.get(fid)
        parent = rec.get("parent") if rec is not None and rec.kind == "facility" else None
        if not isinstance(parent, str) or parent in seen:
            return fid
        seen.add(parent)
        fid = parent


def _names(values) -> str:
    return ", ".join(sorted(values))


@check(
    "emissions.intensity-boundary-mismatch",
    title="强度指标的分子分母来自同一范围 An intensity's emissions and production cover the same facilities",
    clauses=["6.2 b", "6.2 c"],
    severity="warning",
    kinds=["indicator"],
)
def intensity_boundary_mismatch(record, ctx):
    """6.2 b, c: an indicator is suitable to measure and monitor performance and to show its
    improvement. An intensity divides emissions by production; when both the emissions
    selection and the product denominator list facilities, they list the same ones (a facility
    counts as the facility at the top of its `parent` chain, so a unit's desulfurization plant
    goes with the unit), and likewise when both list sites. Otherwise the value divides the
    emissions of some facilities by the production of others, and it changes when output moves
    between them without any change in performance. A warning (not an error: a plant may record
    emissions and output on facilities the records do not link) that names both sets."""
    if record.get("measure") != "intensity":
        return
    emissions, denominator = record.get("emissions") or {}, record.get("denominator") or {}
    if not isinstance(emissions, dict) or not isinstance(denominator, dict) or not denominator.get("product"):
        return
    for field, what in (("facilities", "facilities"), ("sites", "sites")):
        num, den = emissions.get(field), denominator.get(field)
        if not num or not den or not isinstance(num, list) or not isinstance(den, list):
            continue
        num_ids = {x for x in num if isinstance(x, str)}
        den_ids = {x for x in den if isinstance(x, str)}
        if field == "facilities":
            same = {_root(ctx, f) for f in num_ids} == {_root(ctx, f) for f in den_ids}
        else:
            same = num_ids == den_ids
        if same:
            continue
        yield record.issue(
            ("denominator", field),
            f"{record.id} divides the emissions of the {what} {_names(num_ids)} by the {denominator.get('product')} "
            f"output of the {what} {_names(den_ids)}: the {what} differ",
            hint=f"list the same {what} under emissions and denominator; a facility whose emissions belong to another's output names it as its parent",
        )
