"""Workflow commands: init, diff (and --changed-since on check, wired in cli.py)."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click


def register(cli: click.Group) -> None:
    from .. import ENGINE_URL, RELEASE_TAG
    from ..cli import CmsError, _as_of, _find_root, as_of_option, _write, output_option

    @cli.command()
    @click.argument("directory", type=click.Path(file_okay=False))
    @click.option("--subsystems", default="A,B,C,D", show_default=True,
                  help="The subsystems adopted (clause 1 e): A emissions, B trading, C assets, D neutrality.")
    @click.option("--name", default="待填写 组织名称", help="The organization's name.")
    @click.option("--existing", is_flag=True, help="Allow a non-empty folder: add only what is missing, overwrite nothing.")
    @click.option("--engine-url", default=ENGINE_URL, show_default=True,
                  help="The engine's git repository, written to requirements.txt (set it to the project's "
                       "repository, a fork or a mirror: the default is a placeholder).")
    @click.option("--engine-ref", default=RELEASE_TAG, show_default=True, help="The release tag or commit to install.")
    def init(directory, subsystems, name, existing, engine_url, engine_ref):
        """Start a new organization's records repository in DIRECTORY.

        Example: cms init ../our-records --name 某某水泥有限公司 --subsystems A,D --engine-url https://github.com/ORG/cms-as-code

        Settings, a draft record of every kind the adopted subsystems need, a README for the
        team, .gitignore, CI workflows (GitHub, GitLab), pre-commit and editor settings.
        """
        from .init import InitError, init_repo, parse_subsystems
        try:
            created = init_repo(Path(directory), name=name, subsystems=parse_subsystems(subsystems), existing=existing,
                                engine_url=engine_url, engine_ref=engine_ref)
        except InitError as exc:
            raise CmsError(str(exc)) from None
        for path in created:
            click.echo(f"created {Path(path).relative_to(Path(directory)).as_posix()}")
        click.echo(f"\n{len(created)} files. Next: cd {directory} && git init && cms check .")

    @cli.group("import")
    def import_group():
        """Spreadsheets (CSV or XLSX) into the data files that records reference.

        Every row is checked and every rejected row reported; when any row is rejected nothing
        is written unless --skip-invalid. An existing data file is replaced only with --overwrite.
        """

    def _import(fn, *args, **kwargs):
        from .importer import ImportError_
        from .tables import TableError
        try:
            report = fn(*args, **kwargs)
        except (ImportError_, TableError) as exc:
            raise CmsError(str(exc)) from None
        click.echo(report.text(), nl=False)
        sys.exit(1 if report.rejected else 0)

    common = [
        click.option("--path", "path", help="The records repository (default: nearest cms.yaml upward)."),
        click.option("--sheet", help="The XLSX sheet (default: the first)."),
        click.option("--overwrite", is_flag=True, help="Replace the existing data file."),
        click.option("--skip-invalid", is_flag=True, help="Write the valid rows even when some are rejected."),
    ]

    def with_common(fn):
        for option in reversed(common):
            fn = option(fn)
        return fn

    @import_group.command("activity")
    @click.argument("record_id")
    @click.argument("file", type=click.Path(dir_okay=False))
    @with_common
    def import_activity_cmd(record_id, file, path, sheet, overwrite, skip_invalid):
        """Meter values (period, value, status) into the CSV of activity_data RECORD_ID."""
        from .importer import import_activity
        _import(import_activity, _find_root(path), record_id, Path(file), sheet=sheet, overwrite=overwrite,
                skip_invalid=skip_invalid)

    @import_group.command("trades")
    @click.argument("ledger_id")
    @click.argument("file", type=click.Path(dir_okay=False))
    @click.option("--orders", is_flag=True, help="The rows are orders (申报), for orders_file, not trades.")
    @click.option("--timezone", default="+08:00", show_default=True, help="Time zone of spreadsheet times without one.")
    @with_common
    def import_trades_cmd(ledger_id, file, orders, timezone, path, sheet, overwrite, skip_invalid):
        """Trades (or orders) into the CSV of trade_ledger LEDGER_ID."""
        from .importer import import_ledger
        _import(import_ledger, _find_root(path), ledger_id, Path(file), orders=orders, sheet=sheet,
                overwrite=overwrite, skip_invalid=skip_invalid, timezone=timezone)

    @cli.command()
    @click.argument("ref1")
    @click.argument("ref2", default="HEAD")
    @click.option("--path", "path", help="The records repository (default: nearest cms.yaml upward).")
    @as_of_option
    @click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
    @output_option
    def diff(ref1, ref2, path, as_of, fmt, output):
        """What changed between two git revisions: records field by field, computed results, findings."""
        from ..gitutil import GitError
        from .diff import diff_revisions, render_text
        root = _find_root(path)
        try:
            data = diff_revisions(root, ref1, ref2, _as_of(as_of))
        except GitError as exc:
            raise CmsError(f"git: {exc}") from None
        _write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n" if fmt == "json" else render_text(data), output)
