"""`cms new KIND`: a record skeleton from its schema."""

from __future__ import annotations

import click

from .common import CmsError, find_root, path_option, say


@click.command()
@click.argument("kind")
@click.argument("record_id", required=False)
@path_option
@click.option("--language", type=click.Choice(["zh", "en"]), default="zh", show_default=True, help="Language of the comments.")
@click.option("--method", help="activity_data: the accounting method, whose every field is written with example values.")
@click.option("--fuel", help="With --method emission_factor: the fuel (coal, natural_gas, diesel...).")
def new(kind, record_id, path, language, method, fuel):
    """Write a new record of KIND from its schema, with every required field and comments.

    Never overwrites: an existing file or id is refused.

    \b
    Example: cms new activity_data --method emission_factor --fuel coal --language en
    """
    from ..scaffold import new_record

    root = find_root(path)
    try:
        target = new_record(root, kind, record_id, language=language, method=method, fuel=fuel)
    except (ValueError, FileExistsError) as exc:
        raise CmsError(str(exc)) from None
    say(f"wrote {target.relative_to(root.resolve()).as_posix()}")
