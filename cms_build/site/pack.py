"""`cms pack`: the audit pack, one document an auditor can annotate and file (issue 17).

One HTML file (no script, no link out of it) and the same printed to PDF by Debian's
Chromium (headless --print-to-pdf, the browser the site's tests use): a cover with the
organization, the as-of date and the git commit; a table of contents with page numbers;
the conformity matrix; every finding; the records of the selected clauses, each with its
YAML source and line numbers (what a finding's file:line points to); the computed results
of the computations that cite those clauses.

Deterministic: the same records, as-of date and clauses give the same HTML bytes and the
same PDF bytes (Chromium's creation and modification dates, the only time it writes, are
set to the as-of date). The page numbers of the contents are read back from a first print
with pdftotext (poppler-utils) and a second print carries them; without pdftotext the
contents list the sections without numbers and say so.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from markupsafe import Markup

from ..errors import CmsProblem
from ..export import export_document
from ..export_schema import FindingCounts, export_parts
from ..paths import read_repo_bytes

CHROMIUM = "/usr/bin/chromium"
MAX_SOURCE_BYTES = 1 << 20  # a record file shown in the pack; the engine refuses bigger ones anyway
CHROMIUM_SECONDS = 600


class PackError(CmsProblem):
    """The pack could not be written (no Chromium, Chromium failed); nothing was replaced."""


def clause_selected(clause: str, selectors: list[str]) -> bool:
    """'6.1' selects 6.1, 6.1.2 and the items '6.1 a', '6.1.2 b'; no selector selects every clause."""
    if not selectors:
        return True
    c = str(clause).strip()
    return any(c == s or c.startswith(s + ".") or c.startswith(s + " ") for s in selectors)


def _any_selected(clauses, selectors: list[str]) -> bool:
    return not selectors or any(clause_selected(c, selectors) for c in clauses or ())


def git_commit(root: Path) -> str:
    """The commit the records are at, '+ uncommitted changes' when the tree differs; 'not under git'."""
    try:
        head = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=30, check=False)
        if head.returncode != 0:
            return "not under git"
        dirty = subprocess.run(["git", "-C", str(root), "status", "--porcelain", "--", "."], capture_output=True, text=True, timeout=60, check=False)
        return head.stdout.strip() + (" + uncommitted changes" if dirty.stdout.strip() else "")
    except (OSError, subprocess.SubprocessError):
        return "not under git"


STYLE = """
@page { size: A4; margin: 16mm 14mm 18mm 14mm;
  @bottom-center { content: counter(page) " / " counter(pages); font-size: 8pt; color: #555; } }
body { font-family: "WenQuanYi Micro Hei", "Noto Sans CJK SC", sans-serif; font-size: 9pt; color: #111; }
h1 { font-size: 18pt; } h2 { font-size: 14pt; break-before: page; } h3 { font-size: 11pt; break-after: avoid; }
section.cover { text-align: left; margin-top: 40mm; } section.cover dl { font-size: 11pt; }
dt { font-weight: bold; } dd { margin: 0 0 .6em 0; }
table { border-collapse: collapse; width: 100%; table-layout: auto; margin: .4em 0 1em; }
th, td { border: 1px solid #bbb; padding: 2px 4px; vertical-align: top; text-align: left; overflow-wrap: anywhere; }
th { background: #eee; } tr { break-inside: avoid; }
pre { font-size: 7.5pt; white-space: pre-wrap; overflow-wrap: anywhere; margin: 0; }
table.src td.n { color: #777; text-align: right; width: 3em; user-select: none; }
table.src td { border: none; padding: 0 4px; font-family: monospace; font-size: 7.5pt; white-space: pre-wrap; }
.toc li { list-style: none; } .toc .p { float: right; }
.sev-error { color: #b71c1c; font-weight: bold; } .sev-warning { color: #8d6e00; font-weight: bold; }
.note { color: #555; }
"""


def pack_html(root: Path, result, clauses: list[str], commit: str, profile: str = "internal", page_numbers: dict[str, int] | None = None) -> str:
    """The pack as one HTML document; page_numbers (section anchor -> page) fill the contents."""
    doc = export_document(result, profile)
    doc.pop("generator", None)
    typed = export_parts(doc)  # the records, findings, counts and matrix as their models
    sel = [c.strip() for c in clauses if c.strip()]
    org = doc.get("organization") or {}
    name = org.get("name") or org.get("name_en") or ""
    kinds = result.schemas.kinds
    sections: list[tuple[str, str, Markup]] = []  # (anchor, title, body)

    # the conformity matrix, clause by clause
    rows = []
    for c in typed.matrix.clauses if typed.matrix else []:
        if not clause_selected(c.number, sel):
            continue
        ev = ", ".join(e.id for e in c.evidence)
        rows.append(
            Markup("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>").format(
                c.number, c.title_zh, c.obligation, c.status, ev, len(c.findings)
            )
        )
    body = (
        (
            Markup(
                "<table><thead><tr><th>条款 clause</th><th>标题 title</th><th>义务 obligation</th>"
                "<th>状态 status</th><th>证据 evidence</th><th>发现 findings</th></tr></thead><tbody>"
            )
            + Markup("").join(rows)
            + Markup("</tbody></table>")
        )
        if rows
        else Markup('<p class="note">—</p>')
    )
    sections.append(("matrix", "1 符合性矩阵 Conformity matrix", body))

    # every finding (of the selected clauses)
    findings = [f for f in typed.findings if _any_selected(f.clauses, sel)]
    rows = [
        Markup('<tr><td class="sev-{0}">{0}</td><td>{1}</td><td>{2}</td><td>{3}:{4}</td><td>{5}{6}</td></tr>').format(
            f.severity,
            f.rule,
            ", ".join(f.clauses),
            f.file,
            f.line,
            f.message,
            Markup("<br><i>{}</i>").format(f.hint) if f.hint else "",
        )
        for f in findings
    ]
    body = (
        (
            Markup(
                "<table><thead><tr><th>严重性 severity</th><th>规则 rule</th><th>条款 clauses</th>"
                "<th>文件 file:line</th><th>说明 message</th></tr></thead><tbody>"
            )
            + Markup("").join(rows)
            + Markup("</tbody></table>")
        )
        if rows
        else Markup('<p class="note">无发现 no findings</p>')
    )
    sections.append(("findings", f"2 发现 Findings ({len(findings)})", body))

    # the records of the selected clauses, each with its source
    by_id = {r.id: r for r in result.records}
    chosen = []
    for rec in typed.records:
        kind = kinds.get(rec.kind)
        own = rec.data.get("clauses")  # record data: its kind's field
        cited = [*(kind.clauses if kind else ()), *(own if isinstance(own, list) else [])]
        if _any_selected(cited, sel):
            chosen.append(rec)
    parts = []
    for i, rec in enumerate(chosen, start=1):
        anchor = f"rec-{i}"
        source = by_id.get(rec.id)
        lines: list[str] = []
        if profile == "internal" and source is not None:  # the file as it is; a public pack shows the published data
            try:
                raw = read_repo_bytes(Path(result.root), Path(result.root) / source.rel, MAX_SOURCE_BYTES)
                lines = raw.decode("utf-8", errors="replace").splitlines()
            except (OSError, CmsProblem):
                lines = []
        if not lines:
            lines = json.dumps(rec.data, ensure_ascii=False, indent=1, sort_keys=True, default=str).splitlines()
        src = Markup("").join(Markup('<tr><td class="n">{}</td><td>{}</td></tr>').format(n, line) for n, line in enumerate(lines, start=1))
        parts.append(
            Markup('<h3 id="{}">3.{} {} {}</h3><p class="note">{} · {} · {}</p><table class="src">{}</table>').format(
                anchor,
                i,
                rec.id,
                rec.title if rec.title != rec.id else "",
                rec.kind,
                rec.file,
                rec.status,
                src,
            )
        )
    sections.append(("records", f"3 记录 Records ({len(chosen)})", Markup("").join(parts) or Markup('<p class="note">—</p>')))

    # the results of the computations citing the selected clauses
    parts = []
    results = doc.get("results") or {}
    for comp in sorted(result.computations, key=lambda c: c.id):
        if comp.id not in results or not _any_selected(comp.clauses, sel):
            continue
        text = json.dumps(results[comp.id], ensure_ascii=False, indent=1, sort_keys=True, default=str)
        parts.append(Markup('<h3>{} {}</h3><p class="note">{}</p><pre>{}</pre>').format(comp.id, comp.title, ", ".join(comp.clauses), text))
    sections.append(("results", "4 计算结果与追溯 Computed results and traces", Markup("").join(parts) or Markup('<p class="note">—</p>')))

    pn = page_numbers or {}
    toc_items = [(a, t) for a, t, _ in sections]
    toc = Markup("").join(Markup('<li><a href="#{0}">{1}</a><span class="p">{2}</span></li>').format(a, t, pn.get(a, "")) for a, t in toc_items)
    record_toc = Markup("").join(
        Markup('<li><a href="#rec-{0}">3.{0} {1}</a><span class="p">{2}</span></li>').format(i, rec.id, pn.get(f"rec-{i}", ""))
        for i, rec in enumerate(chosen, start=1)
    )
    cover = Markup(
        '<section class="cover"><h1>审核资料包 Audit pack</h1><dl>'
        "<dt>组织 Organization</dt><dd>{}</dd><dt>截至日期 As of</dt><dd>{}</dd>"
        "<dt>版本 Git commit</dt><dd>{}</dd><dt>条款 Clauses</dt><dd>{}</dd>"
        "<dt>范围 Profile</dt><dd>{}</dd><dt>发现 Findings</dt><dd>{}</dd></dl></section>"
    ).format(
        name,
        doc.get("as_of", ""),
        commit,
        ", ".join(sel) if sel else "全部 all",
        profile,
        " · ".join(f"{k} {typed.summary.get(k)}" for k in FindingCounts.model_fields),
    )
    contents = Markup('<h2 id="toc">目录 Contents</h2><ul class="toc">{}<li><ul>{}</ul></li></ul>').format(toc, record_toc)
    body = Markup("").join(Markup('<h2 id="{}">{}</h2>{}').format(a, t, b) for a, t, b in sections)
    return str(
        Markup(
            '<!DOCTYPE html>\n<html lang="zh"><head><meta charset="utf-8">'
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
            "<title>{} {}</title><style>{}</style></head><body>{}{}{}</body></html>\n"
        ).format("Audit pack", doc.get("as_of", ""), Markup(STYLE), cover, contents, body)
    )


def print_pdf(html_file: Path, pdf_file: Path, as_of: dt.date, chromium: str | None = None) -> None:
    """html_file printed by headless Chromium, offline, with no header or footer of its own."""
    chromium = chromium or CHROMIUM
    if not Path(chromium).is_file():
        raise PackError(f"no Chromium at {chromium}", hint="install Debian's chromium (apt-get install chromium)")
    with tempfile.TemporaryDirectory(prefix="cms-pack-") as profile_dir:
        cmd = [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-sync",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-pdf-header-footer",
            "--host-resolver-rules=MAP * ~NOTFOUND",
            f"--user-data-dir={profile_dir}",
            f"--print-to-pdf={pdf_file}",
            html_file.resolve().as_uri(),
        ]
        try:
            done = subprocess.run(cmd, capture_output=True, text=True, timeout=CHROMIUM_SECONDS, check=False)
        except subprocess.TimeoutExpired:
            raise PackError(f"Chromium did not print the pack within {CHROMIUM_SECONDS} s") from None
    if done.returncode != 0 or not pdf_file.is_file():
        raise PackError(f"Chromium failed to print the pack (exit {done.returncode}): {done.stderr.strip()[-400:]}")
    _fix_dates(pdf_file, as_of)


_PDF_DATE = re.compile(rb"\(D:(\d{14})([^)]*)\)")


def _fix_dates(pdf_file: Path, as_of: dt.date) -> None:
    """Chromium stamps the print time; the pack says the as-of date, in bytes of the same length
    (the cross-reference table counts bytes)."""
    stamp = as_of.strftime("%Y%m%d").encode() + b"000000"
    data = pdf_file.read_bytes()
    fixed = _PDF_DATE.sub(lambda m: b"(D:" + stamp + b"+00'00'"[: len(m.group(2))].ljust(len(m.group(2)), b" ") + b")", data)
    if fixed != data:
        pdf_file.write_bytes(fixed)


def page_numbers_of(pdf_file: Path, anchors_titles: list[tuple[str, str]]) -> dict[str, int] | None:
    """The page each heading starts on, read from the printed text; None without pdftotext."""
    tool = shutil.which("pdftotext")
    if tool is None:
        return None
    done = subprocess.run([tool, "-layout", str(pdf_file), "-"], capture_output=True, timeout=300, check=False)
    if done.returncode != 0:
        return None
    pages = done.stdout.decode("utf-8", errors="replace").split("\f")
    found: dict[str, int] = {}
    start = 2  # the cover and the contents come first; headings are looked for after them
    for anchor, title in anchors_titles:
        for n in range(start, len(pages)):
            if _squash(title) in _squash(pages[n]):
                found[anchor] = n + 1
                start = n
                break
    return found


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def headings(html: str) -> list[tuple[str, str]]:
    """(anchor, text) of the sections and records, in order, from the pack's own markup."""
    out = []
    for m in re.finditer(r'<h[23] id="((?:matrix|findings|records|results)|rec-\d+)">(.*?)</h[23]>', html):
        text = re.sub(r"<[^>]+>", "", m.group(2))
        out.append((m.group(1), _unescape(text)))
    return out


def _unescape(text: str) -> str:
    import html as _html

    return _html.unescape(text)


def write_pack(
    root: Path, as_of: dt.date, out: Path, clauses: list[str], profile: str = "internal", chromium: str | None = None, result=None
) -> tuple[Path, Path]:
    """Write out (the PDF) and out with .html; both replaced only when the print succeeded."""
    from ..engine import run

    root = Path(root).resolve()
    if result is None:
        result = run(root, as_of)
    commit = git_commit(root)
    out = Path(out)
    if out.suffix.lower() != ".pdf":
        out = out.with_name(out.name + ".pdf")
    html_out = out.with_suffix(".html")
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="cms-pack-") as work:
        page = Path(work) / "pack.html"
        pdf = Path(work) / "pack.pdf"
        html = pack_html(root, result, clauses, commit, profile)
        page.write_text(html, encoding="utf-8")
        print_pdf(page, pdf, as_of, chromium)
        numbers = page_numbers_of(pdf, headings(html))
        if numbers:  # the second print carries the page numbers in the contents (same layout: same pages)
            html = pack_html(root, result, clauses, commit, profile, numbers)
            page.write_text(html, encoding="utf-8")
            print_pdf(page, pdf, as_of, chromium)
        shutil.copyfile(pdf, out)
        html_out.write_text(html, encoding="utf-8")
    return out, html_out
