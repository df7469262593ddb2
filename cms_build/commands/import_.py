"""Workflow commands: init, diff (and --changed-since on check, wired in cli.py)."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click


def register(cli: click.Group) -> None:
    from .. import ENGINE_URL, RELEASE_TAG
    from . import CmsError, _as_of, _find_root, as_of_option, _write, output_option

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
        from ..workflow.init import InitError, init_repo, parse_subsystems
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
        from ..workflow.importer import ImportError_
        from ..workflow.tables import TableError
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
        from ..workflow.importer import import_activity
        _import(import_activity, _find_root(path), record_id, Path(file), sheet=sheet, overwrite=overwrite,
                skip_invalid=skip_invalid)

    mapping_option = click.option(
        "--mapping", help="A column mapping (YAML file, or the name of a shipped one: cms import mappings) for an "
                          "exchange's export: column names, date formats, sides, units, encoding.")

    @import_group.command("trades")
    @click.argument("ledger_id")
    @click.argument("file", type=click.Path(dir_okay=False))
    @click.option("--orders", is_flag=True, help="The rows are orders (申报), for orders_file, not trades.")
    @click.option("--timezone", default="+08:00", show_default=True, help="Time zone of spreadsheet times without one.")
    @mapping_option
    @with_common
    def import_trades_cmd(ledger_id, file, orders, timezone, mapping, path, sheet, overwrite, skip_invalid):
        """Trades (or orders) into the CSV of trade_ledger LEDGER_ID."""
        from ..workflow.importer import import_ledger
        _import(import_ledger, _find_root(path), ledger_id, Path(file), orders=orders, sheet=sheet,
                overwrite=overwrite, skip_invalid=skip_invalid, timezone=timezone, mapping=mapping)

    @import_group.command("orders")
    @click.argument("ledger_id")
    @click.argument("file", type=click.Path(dir_okay=False))
    @click.option("--timezone", default="+08:00", show_default=True, help="Time zone of spreadsheet times without one.")
    @mapping_option
    @with_common
    def import_orders_cmd(ledger_id, file, timezone, mapping, path, sheet, overwrite, skip_invalid):
        """Orders (申报, with cancellations) into the orders CSV of trade_ledger LEDGER_ID."""
        from ..workflow.importer import import_ledger
        _import(import_ledger, _find_root(path), ledger_id, Path(file), orders=True, sheet=sheet,
                overwrite=overwrite, skip_invalid=skip_invalid, timezone=timezone, mapping=mapping)

    @import_group.command("prices")
    @click.argument("price_id")
    @click.argument("file", type=click.Path(dir_okay=False))
    @mapping_option
    @with_common
    def import_prices_cmd(price_id, file, mapping, path, sheet, overwrite, skip_invalid):
        """Market data (date, close, open, high, low, volume) into the CSV of market_price PRICE_ID."""
        from ..workflow.importer import import_prices
        _import(import_prices, _find_root(path), price_id, Path(file), sheet=sheet, overwrite=overwrite,
                skip_invalid=skip_invalid, mapping=mapping)

    @import_group.command("mappings")
    @click.argument("mapping", required=False)
    def import_mappings_cmd(mapping):
        """The shipped column mappings; with MAPPING (a name or a file), validate it and show what it reads."""
        from ..workflow.mapping import MappingError, load, shipped
        if mapping is None:
            for name in shipped():
                m = load(name)
                click.echo(f"{name:28} {m.rows:7} {'documented' if m.documented else 'NOT documented'}")
            return
        try:
            m = load(mapping)
        except MappingError as exc:
            raise CmsError(str(exc)) from None
        click.echo(f"mapping {m.name}: {m.rows}, encoding {m.encoding}, delimiter {m.delimiter!r}, time zone {m.timezone}")
        for target, src in m.columns.items():
            src = " + ".join(src) if isinstance(src, list) else src
            extra = [f"format {m.formats[target]}"] if target in m.formats else []
            extra += [f"values {m.values[target]}"] if target in m.values else []
            extra += [f"x {m.units[target]}"] if target in m.units else []
            click.echo(f"  {target:20} <- {src}" + (f"  ({'; '.join(map(str, extra))})" if extra else ""))
        for target, value in m.constants.items():
            click.echo(f"  {target:20} =  {value}")
        click.echo("documented" if m.documented else "NOT checked against the exchange's documentation:")
        for a in m.assumptions:
            click.echo(f"  - {a}")

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
        from ..workflow.diff import diff_revisions, render_text
        root = _find_root(path)
        try:
            data = diff_revisions(root, ref1, ref2, _as_of(as_of))
        except GitError as exc:
            raise CmsError(f"git: {exc}") from None
        _write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n" if fmt == "json" else render_text(data), output)
