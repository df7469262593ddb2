"""The `cms` command.

Exit codes: 0 nothing at or above --fail-on; 1 findings at or above it; 2 a usage or
internal error (bad option, no records repository, a broken schema or rule module).
"""
from __future__ import annotations

import contextlib
import datetime as dt
import errno
import functools
import json
import os
import sys
import tempfile
from pathlib import Path

import click

from .errors import CmsProblem
from . import __version__, version_text  # noqa: F401
from .findings import SEVERITIES


class CmsError(click.ClickException):
    """A usage problem explained to the user; exit code 2."""

    exit_code = 2


def _find_root(path: str | None) -> Path:
    """The records repository: PATH, or the nearest folder upward holding cms.yaml."""
    if path:
        root = Path(path)
        if not root.is_dir():
            raise CmsError(f"{path}: not a folder. Give the folder that holds cms.yaml and the records.")
        return root
    here = Path.cwd()
    for folder in (here, *here.parents):
        if (folder / "cms.yaml").is_file():
            return folder
    raise CmsError("no cms.yaml here or in any parent folder. Give the records folder "
                   "(e.g. 'cms check records') or start one with 'cms init DIR'.")


def _as_of(value: str | None) -> dt.date:
    if value is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CmsError(f"--as-of {value!r} is not a date: write it YYYY-MM-DD, e.g. --as-of 2026-06-30") from None


def use_color(stream=None) -> bool:
    """Colour on a terminal, unless NO_COLOR is set (https://no-color.org); FORCE_COLOR turns it
    on where output is piped (a CI log that renders ANSI). NO_COLOR wins when both are set."""
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return (stream or sys.stdout).isatty()


def _interactive() -> bool:
    return sys.stderr.isatty() and not os.environ.get("CI")


def _progress():
    """A one-line progress counter on a terminal; silent in CI and when piped."""
    if not _interactive():
        return None

    def show(n: int, total: int):
        if total >= 200 and (n % 100 == 0 or n == total - 1):
            click.echo(f"\rreading records {n + 1}/{total}", err=True, nl=(n == total - 1))
    return show


def _run(path, as_of, stages="check"):
    from .engine import run
    from .schemas import SchemaError
    root = _find_root(path)
    try:
        return run(root, _as_of(as_of) if not isinstance(as_of, dt.date) else as_of, stages=stages,
                   progress=_progress())
    except SchemaError as exc:
        raise CmsError(f"a schema is broken: {exc}") from None


def os_error(what: str, exc: OSError) -> str:
    """An OSError as a user reads it; a full disk says so, and what to do."""
    if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return f"cannot write {what}: the disk is full ({exc.strerror}); nothing was written: free some space and run again"
    return f"cannot write {what}: {exc.strerror or exc}"


def write_atomic(output: str | Path, write) -> None:
    """Write a file all at once or not at all: write(tmp_path) fills a temporary file in the
    same folder, which then replaces `output` (os.replace). A full disk or a kill half-way
    leaves no truncated report that the next run would refuse as existing."""
    path = Path(output)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        write(Path(tmp))
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(tmp, 0o666 & ~mask)  # mkstemp makes 0600; a report gets the usual permissions
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _write(text: str, output: str | None) -> None:
    if output:
        data = text.encode("utf-8", errors="replace")  # a lone surrogate from a file name
        try:
            write_atomic(output, lambda tmp: tmp.write_bytes(data))
        except OSError as exc:
            raise CmsError(os_error(output, exc)) from None
    else:  # click strips ANSI codes when piped; FORCE_COLOR asked for them
        click.echo(text, nl=False, color=True if (os.environ.get("FORCE_COLOR") and not os.environ.get("NO_COLOR")) else None)


def check_output(output: str | None, force: bool) -> None:
    """Before any work: an --output file is never written over unless asked (--force), and
    its folder must exist. A record, cms.yaml or an earlier report is a user's file."""
    if not output:
        return
    path = Path(output)
    if not path.parent.is_dir():
        raise CmsError(f"cannot write {output}: the folder {path.parent} does not exist; create it first")
    if path.exists() and not force:
        raise CmsError(f"{output} exists: cms does not write over a file without being asked; "
                       "give another name, or --force to replace it")


def output_option(fn):
    """--output/-o FILE and --force, checked before the command runs."""
    @functools.wraps(fn)
    def wrapper(*args, output=None, force=False, **kwargs):
        check_output(output, force)
        return fn(*args, output=output, **kwargs)
    wrapper = click.option("--force", is_flag=True, help="Replace the --output file if it exists.")(wrapper)
    return click.option("--output", "-o", type=click.Path(dir_okay=False),
                        help="Write to this file instead of standard output (never over an existing file without --force).")(wrapper)


as_of_option = click.option("--as-of", "as_of", metavar="YYYY-MM-DD",
                            help="Evaluate date rules as of this day (default: today). Repeat a past run exactly.")


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option("--version", is_flag=True, expose_value=False, is_eager=True,
              help="Show the version (and the git commit when not a release) and exit.",
              callback=lambda ctx, _param, value: (click.echo(f"cms, version {version_text()}"), ctx.exit()) if value else None)
def cli():
    """Carbon management system as code (T/CIECCPA 《碳管理体系 要求及使用指南》).

    Records are YAML files in a git repository with a cms.yaml at its root. PATH defaults to
    the nearest folder upward that holds cms.yaml.
    """


@cli.command()
@click.argument("path", required=False)
@click.option("--format", "fmt", type=click.Choice(["text", "json", "github", "junit", "sarif"]), default="text", show_default=True)
@output_option
def validate(path, fmt, output):
    """Schema and reference errors only (fast; no computations, no date rules).

    Example: cms validate records
    """
    from .formats import render
    result = _run(path, dt.date.today(), stages="validate")
    _write(render(fmt, result, fail_on="error", color=(fmt == "text" and not output and use_color())), output)
    sys.exit(1 if result.failing("error") else 0)


@cli.command()
@click.argument("path", required=False)
@as_of_option
@click.option("--fail-on", type=click.Choice(SEVERITIES), default="error", show_default=True,
              help="Exit 1 when there are findings of this severity or worse.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "github", "junit", "sarif"]), default="text", show_default=True)
@click.option("--changed-since", "changed_since", metavar="REF",
              help="Report only findings a change since this git revision is answerable for.")
@click.option("--jobs", type=click.IntRange(1, 64), help="A group: check this many entities at once (README: Groups).")
@click.option("--fetch", is_flag=True, help="A group: clone entities given by git URL at their pinned commit into .cms-cache/.")
@click.option("--language", type=click.Choice(["zh", "en"]), default=None,
              help="Show each finding's rule title in this language (messages and hints are English).")
@output_option
def check(path, as_of, fail_on, fmt, changed_since, output, jobs=None, fetch=False, language=None):
    """Everything: schemas, references, computations and every rule of the standard.

    Example: cms check records --as-of 2026-06-30 --fail-on warning
    """
    from .formats import render
    if _group_run(path, as_of, fmt, fail_on, output, jobs, fetch, "check"):
        return
    result = _run(path, as_of)
    if changed_since:
        from .gitutil import GitError, changed_files
        from .workflow.changed import affected_findings, removed_record_ids
        try:
            changed = changed_files(result.root, changed_since)
            result.findings = affected_findings(result, changed, removed_record_ids(result.root, changed_since, changed))
        except GitError as exc:
            raise CmsError(f"--changed-since: {exc}") from None
    _write(render(fmt, result, fail_on=fail_on, color=(fmt == "text" and not output and use_color()),
                  language=language), output)
    sys.exit(1 if result.failing(fail_on) else 0)


@cli.command("checks")
@click.argument("path", required=False)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def list_checks(path, fmt):
    """The rules: id, title, severity and the clauses each enforces.

    Example: cms checks records --format json
    """
    from .engine import RuleError, load_rules, rule_folders
    from .paths import bundled
    folders = rule_folders(_find_root(path)) if path or _has_root() else [bundled("checks")]
    try:
        checks, comps = load_rules(folders)
    except RuleError as exc:
        raise CmsError(f"{exc}" + (f"\n  hint: {exc.hint}" if exc.hint else "")) from None
    rows = [{"id": c.id, "title": c.title, "severity": c.severity, "clauses": list(c.clauses),
             "kinds": list(c.kinds), "module": c.module, "description": c.description} for c in checks]
    if fmt == "json":
        click.echo(json.dumps({"checks": rows, "computations": [
            {"id": c.id, "title": c.title, "clauses": list(c.clauses), "module": c.module} for c in comps]},
            ensure_ascii=False, indent=2))
        return
    width = max((len(r["id"]) for r in rows), default=10)
    for r in rows:
        click.echo(f"{r['id']:<{width}}  {r['severity']:<7}  {', '.join(r['clauses']):<22}  {r['title']}")
    click.echo(f"\n{len(rows)} checks, {len(comps)} computations")


def _has_root() -> bool:
    here = Path.cwd()
    return any((f / "cms.yaml").is_file() for f in (here, *here.parents))


@cli.command()
@click.argument("path", required=False)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def kinds(path, fmt):
    """The record kinds, from the schemas.

    Example: cms kinds
    """
    from .engine import schema_folders
    from .paths import bundled
    from .schemas import SchemaSet
    folders = schema_folders(_find_root(path)) if path or _has_root() else [bundled("schemas")]
    schemas = SchemaSet.load(folders)
    rows = [{"kind": k.name, "subsystem": k.subsystem, "title_zh": k.title_zh, "title_en": k.title_en,
             "clauses": list(k.clauses), "id_prefix": k.id_prefix} for k in sorted(schemas.kinds.values(), key=lambda k: k.name)]
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    width = max((len(r["kind"]) for r in rows), default=10)
    for r in rows:
        click.echo(f"{r['kind']:<{width}}  {r['subsystem']:<6}  {r['title_zh']} / {r['title_en']}")


@cli.command()
@click.argument("path", required=False)
@as_of_option
@click.option("--profile", type=click.Choice(["internal", "public"]), default="internal", show_default=True,
              help="public: only records marked public, without their confidential fields.")
@click.option("--format", "fmt", type=click.Choice(["json", "xlsx"]), default="json", show_default=True,
              help="json: everything, for tools; xlsx: the Annex E tables, ledgers, claims, findings (needs --output).")
@click.option("--jobs", type=click.IntRange(1, 64), help="A group: export this many entities at once.")
@click.option("--fetch", is_flag=True, help="A group: clone entities given by git URL at their pinned commit.")
@output_option
def export(path, as_of, profile, fmt, output, jobs=None, fetch=False):
    """The whole dataset as JSON (records, computed results, findings, conformity matrix), or
    the tables auditors and regulators ask for as an XLSX workbook.

    Example: cms export records --as-of 2026-06-30 --format xlsx --output cms.xlsx
    """
    if fmt == "json" and profile == "internal" and _group_run(path, as_of, "json", "error", output, jobs, fetch, "export"):
        return
    from .group import is_group
    if is_group(_find_root(path)):
        raise CmsError("a group exports JSON of the internal profile only; export an entity's public profile in its own folder")
    result = _run(path, as_of)
    if fmt == "xlsx":
        if not output:
            raise CmsError("--format xlsx writes a workbook: give the file with --output, e.g. -o dataset.xlsx")
        from .workflow.xlsx import write_workbook
        try:
            write_atomic(output, lambda tmp: write_workbook(result, tmp, profile))
        except OSError as exc:
            raise CmsError(os_error(output, exc)) from None
        click.echo(f"wrote {output}")
        return
    from .export import export_document
    _write(json.dumps(export_document(result, profile), ensure_ascii=False, indent=2, sort_keys=True) + "\n", output)


@cli.command()
@click.argument("path", required=False)
@as_of_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@output_option
def matrix(path, as_of, fmt, output):
    """The clause-by-clause conformity matrix at the as-of date, item by item (README:
    Conformity statuses); --format json gives each clause's items with status, rules, records.

    Example: cms matrix records --as-of 2026-06-30
    """
    from .matrix import build_matrix, render_text
    result = _run(path, as_of)
    data = build_matrix(result)
    _write(json.dumps(data, ensure_ascii=False, indent=2) + "\n" if fmt == "json" else render_text(data), output)


def _todo(path, as_of, fmt, language):
    from .workflow.todo import render_todo, todo_list
    result = _run(path, as_of)
    rows = todo_list(result)
    language = language or result.settings.get("language", "zh")
    click.echo(json.dumps(rows, ensure_ascii=False, indent=2) if fmt == "json" else render_todo(rows, language), nl=fmt == "json")


_TODO_OPTIONS = [click.argument("path", required=False), as_of_option,
                 click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True),
                 click.option("--language", type=click.Choice(["zh", "en"]), default=None,
                              help="Language of the clause titles (default: cms.yaml's language).")]


def _with_options(fn):
    for option in reversed(_TODO_OPTIONS):
        fn = option(fn)
    return fn


@cli.command()
@_with_options
def todo(path, as_of, fmt, language):
    """What the organization still lacks, clause by clause, in the order a new team fills it
    (the standard's order), with the starter drafts of `cms init` to fill for each.

    Example: cms todo . --language en"""
    _todo(path, as_of, fmt, language)


@cli.command("status")
@_with_options
def status_command(path, as_of, fmt, language):
    """The same list as `cms todo`.

    Example: cms status ."""
    _todo(path, as_of, fmt, language)


@cli.command("list")
@click.argument("path", required=False)
@click.option("--kind", "kind", help="Only records of this kind.")
def list_records(path, kind):
    """The records: id, kind, status, title, file.

    Example: cms list records --kind target
    """
    result = _run(path, dt.date.today(), stages="validate")
    if kind and kind not in result.schemas.kinds:
        raise CmsError(f"unknown kind {kind!r}; 'cms kinds' lists them")
    rows = [r for r in sorted(result.index.by_id.values(), key=lambda r: (r.kind, r.id)) if not kind or r.kind == kind]
    for r in rows:
        click.echo(f"{r.id:<24} {r.kind:<22} {r.status:<10} {r.title}  ({r.rel})")
    click.echo(f"\n{len(rows)} records")


@cli.command()
@click.argument("record_id")
@click.option("--path", "path", help="The records repository (default: nearest cms.yaml upward).")
@as_of_option
def show(record_id, path, as_of):
    """One record: its file, content, references both ways, and findings on it.

    Example: cms show AD-2025-BJ1-U1-COAL --path records
    """
    result = _run(path, as_of)
    record = result.index.get(record_id)
    if record is None:
        import difflib
        ids = list(result.index.by_id)
        same_case = [i for i in ids if i.lower() == record_id.lower()]  # ids are case-sensitive; people are not
        close = same_case or difflib.get_close_matches(record_id, ids, n=3, cutoff=0.6)
        unread = sorted({f.file for f in result.findings if f.rule in ("yaml.invalid", "record.id", "record.kind")})
        raise CmsError(f"no record with id {record_id!r}" + (f"; did you mean {', '.join(close)}?" if close else "")
                       + (f"\n  {len(unread)} file(s) could not be read as records and may hold it: "
                          + ", ".join(unread[:5]) + ("..." if len(unread) > 5 else "") + " ('cms validate' says why)"
                          if unread else ""))
    click.echo(f"# {record.id} ({record.kind}) — {record.rel}")
    click.echo(record.path.read_text(encoding="utf-8").rstrip())
    refs_out = sorted({r.target for r in result.index.refs if r.source == record.id})
    refs_in = [r.id for r in result.index.referring(record.id)]
    click.echo(f"\nrefers to: {', '.join(refs_out) or '-'}")
    click.echo(f"referred to by: {', '.join(refs_in) or '-'}")
    mine = [f for f in result.findings if f.record == record.id or f.file == record.rel]
    click.echo(f"findings ({len(mine)}):")
    for f in mine:
        click.echo(f"  {f.line}:{f.col} {f.severity} {f.rule}: {f.message}")
    from .record_results import record_results, text_lines  # issue 17 item 5: what the record page shows
    for line in text_lines(record_results(result.results, getattr(result, "statuses", {}), record.id)):
        click.echo(line)


@cli.command()
@click.argument("kind")
@click.argument("record_id", required=False)
@click.option("--path", "path", help="The records repository (default: nearest cms.yaml upward).")
@click.option("--language", type=click.Choice(["zh", "en"]), default="zh", show_default=True, help="Language of the comments.")
def new(kind, record_id, path, language):
    """Write a new record of KIND from its schema, with every required field and comments.

    Never overwrites: an existing file or id is refused.

    Example: cms new activity_data --language en
    """
    from .scaffold import new_record
    root = _find_root(path)
    try:
        target = new_record(root, kind, record_id, language=language)
    except (ValueError, FileExistsError) as exc:
        raise CmsError(str(exc)) from None
    click.echo(f"wrote {target.relative_to(root.resolve()).as_posix()}")


def _group_run(path, as_of, fmt, fail_on, output, jobs, fetch, verb) -> bool:
    """A group's folder (cms.yaml with 'group'): run its entities and consolidate (cms_build/group.py).
    False for an organization's folder, which the command then handles as before."""
    from . import group as grp
    root = _find_root(path)
    if not grp.is_group(root):
        return False
    try:
        g = grp.run_group(root, _as_of(as_of) if not isinstance(as_of, dt.date) else as_of, jobs=jobs, fetch=fetch)
    except grp.GroupError as exc:
        raise CmsError(str(exc)) from None
    _group_write(g, fmt if verb == "check" else "json", output, verb)
    if verb == "check":
        sys.exit(1 if any(f for f in g.findings if SEVERITIES.index(f.severity) <= SEVERITIES.index(fail_on)) else 0)
    return True


def _group_write(g, fmt, output, verb):
    from . import group as grp
    if fmt == "json":
        doc = grp.export_group(g) if verb == "export" else {
            "findings": [f.as_dict() for f in g.findings], "consolidation": g.consolidation}
        _write(json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=True) + "\n", output)
    elif fmt == "text":
        _write(grp.render_text(g), output)
    else:
        raise CmsError(f"--format {fmt}: a group's check writes text or json")


@cli.group("group")
def group_cmd():
    """A group of entities, each its own records repository (README: Groups)."""


@group_cmd.command("consolidate")
@click.argument("path", required=False)
@click.option("--from-exports", "from_exports", required=True, type=click.Path(file_okay=False),
              help="The folder of the entities' exports, <entity id>.json each (written by 'cms export').")
@as_of_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--fail-on", type=click.Choice(SEVERITIES), default="error", show_default=True)
@output_option
def group_consolidate(path, from_exports, as_of, fmt, fail_on, output):
    """Consolidate the entities' exports without running the entities (a CI matrix's last job)."""
    from . import group as grp
    root = _find_root(path)
    if not grp.is_group(root):
        raise CmsError(f"{root}/cms.yaml has no 'group' section: this is an organization, not a group")
    try:
        g = grp.consume_exports(root, Path(from_exports), _as_of(as_of) if as_of else None)
    except grp.GroupError as exc:
        raise CmsError(str(exc)) from None
    _group_write(g, fmt, output, "export" if fmt == "json" else "check")
    sys.exit(1 if any(SEVERITIES.index(f.severity) <= SEVERITIES.index(fail_on) for f in g.findings) else 0)


def _register_optional_commands():
    """Commands whose modules are optional parts of the package (the site, the workflow tools)."""
    for module_name in ("cms_build.site.commands", "cms_build.workflow.commands"):
        try:
            module = __import__(module_name, fromlist=["register"])
        except ModuleNotFoundError as exc:
            if exc.name and module_name.startswith(exc.name):
                continue
            raise
        module.register(cli)


_register_optional_commands()


def main():
    """Entry point: never a traceback for a user's mistake; CMS_DEBUG=1 shows one for bugs."""
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(2)
    except click.ClickException as exc:
        exc.show()
        sys.exit(2 if not isinstance(exc, CmsError) else exc.exit_code)
    except SystemExit:
        raise
    except CmsProblem as exc:  # a problem with the user's input or machine that a command did not catch itself
        click.echo(f"cms: {exc.text()}", err=True)
        sys.exit(2)
    except Exception as exc:  # a bug: say so plainly, keep the traceback for CMS_DEBUG
        if os.environ.get("CMS_DEBUG"):
            raise
        click.echo(f"cms: internal error: {type(exc).__name__}: {exc}\n"
                   "This is a bug in cms, not in your records. Run again with CMS_DEBUG=1 for details and report it.",
                   err=True)
        sys.exit(2)


if __name__ == "__main__":  # pragma: no cover
    main()
