"""`cms init DIRECTORY`: a new organization's records repository."""

from __future__ import annotations

from pathlib import Path

import click

from .. import ENGINE_URL, RELEASE_TAG
from .common import CmsError, say


@click.command()
@click.argument("directory", type=click.Path(file_okay=False))
@click.option("--subsystems", default="A,B,C,D", show_default=True, help="The subsystems adopted (clause 1 e): A emissions, B trading, C assets, D neutrality.")
@click.option("--name", default="待填写 组织名称", help="The organization's name.")
@click.option("--existing", is_flag=True, help="Allow a non-empty folder: add only what is missing, overwrite nothing.")
@click.option(
    "--engine-url",
    default=ENGINE_URL,
    show_default=True,
    help="The engine's git repository, written to requirements.txt (set it to the project's repository, a fork or a mirror: the default is a placeholder).",
)
@click.option("--engine-ref", default=RELEASE_TAG, show_default=True, help="The release tag or commit to install.")
def init(directory, subsystems, name, existing, engine_url, engine_ref):
    """Start a new organization's records repository in DIRECTORY.

    \b
    Example: cms init ../our-records --name 某某水泥有限公司 --subsystems A,D --engine-url https://github.com/ORG/cms-as-code

    Settings, a draft record of every kind the adopted subsystems need, a README for the
    team, .gitignore, CI workflows (GitHub, GitLab), pre-commit and editor settings.
    """
    from ..workflow.init import InitError, init_repo, parse_subsystems

    try:
        created = init_repo(
            Path(directory), name=name, subsystems=parse_subsystems(subsystems), existing=existing, engine_url=engine_url, engine_ref=engine_ref
        )
    except InitError as exc:
        raise CmsError(str(exc)) from None
    for path in created:
        say(f"created {Path(path).relative_to(Path(directory)).as_posix()}")
    say(f"\n{len(created)} files. Next: cd {directory} && git init && cms check .")
