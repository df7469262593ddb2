"""`cms export`: the dataset as JSON, or the workbook."""

from __future__ import annotations

import json

import click

from .common import (
    no_cache_option,
    CmsError,
    as_of_option,
    find_root,
    os_error,
    output_option,
    run_engine,
    run_if_group,
    say,
    stage,
    write_atomic,
    write_output,
)


@click.command()
@click.argument("path", required=False)
@as_of_option
@click.option(
    "--profile",
    type=click.Choice(["internal", "public"]),
    default="internal",
    show_default=True,
    help="public: only records marked public, without their confidential fields.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "xlsx"]),
    default="json",
    show_default=True,
    help="json: everything, for tools; xlsx: the Annex E tables, ledgers, claims, findings (needs --output).",
)
@click.option("--jobs", type=click.IntRange(1, 64), help="A group: export this many entities at once.")
@click.option("--fetch", is_flag=True, help="A group: clone entities given by git URL at their pinned commit.")
@click.option("--language", type=click.Choice(["zh", "en"]), default=None, help="xlsx: the language of the headers and labels (default: cms.yaml's language).")
@no_cache_option
@output_option
def export(path, as_of, profile, fmt, output, jobs=None, fetch=False, language=None):
    """The whole dataset as JSON (records, computed results, findings, conformity matrix), or
    the tables auditors and regulators ask for as an XLSX workbook.

    \b
    Example: cms export records --as-of 2026-06-30 --format xlsx --output cms.xlsx
    """
    if fmt == "json" and profile == "internal" and run_if_group(path, as_of, "json", "error", output, jobs, fetch, "export"):
        return
    from ..grouproot import is_group

    if is_group(find_root(path)):
        raise CmsError("a group exports JSON of the internal profile only; export an entity's public profile in its own folder")
    result = run_engine(path, as_of)
    if fmt == "xlsx":
        if not output:
            raise CmsError("--format xlsx writes a workbook: give the file with --output, e.g. -o dataset.xlsx")
        from ..workflow.xlsx import write_workbook

        try:
            with stage(f"workbook {output}"):
                write_atomic(output, lambda tmp: write_workbook(result, tmp, profile, language))
        except OSError as exc:
            raise CmsError(os_error(output, exc)) from None
        say(f"wrote {output}")
        return
    from ..export import export_document

    write_output(json.dumps(export_document(result, profile), ensure_ascii=False, indent=2, sort_keys=True) + "\n", output)
