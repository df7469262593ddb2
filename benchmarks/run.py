"""Whole-process benchmarks of what users run (issue 19), every row of the issue's table.

Every figure is a WHOLE PROCESS started as a user starts it (`python -m cms_build.cli ...`,
`check-jsonschema ...`, `mkdocs build`, a bare CSafeLoader / csv.reader script), A against B
interleaved in one run (A B A B ...), several runs, medians printed with the ratio and the target
beside it, and the peak memory of each process (ru_maxrss of the finished child, via wait4).

Repositories are generated from the shipped example (make_repo): the example once, then copies
of the folders a larger organization has more of, ids renamed (suffix -Cn), to about `copies`
times its records; they check as clean as the example. The CSV row adds one generated activity
CSV of `rows` rows.

    python benchmarks/run.py            # full sizes (takes minutes; do not run beside the suite)
    python benchmarks/run.py --quick    # smoke test: tiny repositories, 1 run each
    python benchmarks/run.py --only build   # only the build rows (example, 5 and 20 copies)
    python benchmarks/run.py --only csv --rows 100000   # only the big CSV's rows
    python benchmarks/run.py --only init --runs 11      # only the fresh `cms init` repository's row

No speed is asserted anywhere: this prints figures and targets, it does not judge them.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "records"
AS_OF = "2026-06-30"
PY = sys.executable
# Bytecode on, as a user's installation has it: with PYTHONDONTWRITEBYTECODE set (the machine
# these figures were first taken on set it), every timed process compiled the engine from
# source, about half a second a process that no user pays.
ENV = {**{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}, "PYTHONPATH": str(ROOT)}

_ID_LINE = re.compile(r"^id:\s*['\"]?([A-Za-z0-9][A-Za-z0-9_.\-]*)['\"]?\s*$", re.M)
_TEXT = {".yaml", ".yml", ".md", ".csv", ".json"}

# Folders of records an organization keeps ONE set of, whatever its size: its boundary, its
# emission sources with their activity data, the yearly inventory, monitoring plan, evidence
# filing and verification of each year, its trading accounts and their ledgers (serial numbers
# are held in one place), its neutrality claims, targets and the management review that must
# cite every target in force. Copies of these under renamed ids are not a bigger organization
# but several organizations summed into one: the copies' sources double the recomputed totals
# each copy's inventory states, the same serials are held and retired in every copy, a period's
# evidence filing lists each month N times (some 96 error findings at 2 copies, grouped by rule
# in tests/benchmarks/test_run.py). So these are copied once, and the generated repository grows
# by the records a larger organization has more of: people, roles, training, obligations,
# parties, instruments, documents, audits, risks, changes, improvement, the evaluation of
# compliance with each copy's obligations ...
SHARED = frozenset(
    "activity assets context facilities factors filing inventory monitoring neutrality "
    "organization performance production reviews scope sources trading verification".split()
)


def make_repo(dest: Path, copies: int, source: Path = EXAMPLE) -> Path:
    """A repository of about `copies` times the example's records that checks as clean as the
    example: the example once (cms.yaml and settings once), then further copies of the folders
    not in SHARED, their ids renamed per copy (suffix -Cn) until the record count reaches
    `copies` × the example's. The copies reference the one shared set by its ids, unrenamed."""
    EXAMPLE = source  # noqa: N806 - the body below reads the source by the module's name for it
    dest.mkdir(parents=True)
    files = [p for p in EXAMPLE.rglob("*") if p.is_file() and not any(part.startswith(".") for part in p.relative_to(EXAMPLE).parts)]
    top = [p for p in files if p.parent == EXAMPLE]
    for p in top:
        shutil.copy2(p, dest / p.name)
    body = [p for p in files if p.parent != EXAMPLE]
    grown = [p for p in body if p.relative_to(EXAMPLE).parts[0] not in SHARED]
    is_record = lambda p: p.suffix in (".yaml", ".yml")  # noqa: E731
    ids = set()
    for p in grown:
        if is_record(p):
            ids.update(_ID_LINE.findall(p.read_text(encoding="utf-8", errors="replace")))
    per_copy = sum(1 for p in grown if is_record(p))
    extra = 0 if copies <= 1 or not per_copy else round((copies - 1) * sum(1 for p in body if is_record(p)) / per_copy)
    # Longest first so that an id which is a prefix of another is not renamed inside it.
    pattern = re.compile(r"(?<![A-Za-z0-9_\-])(" + "|".join(re.escape(i) for i in sorted(ids, key=len, reverse=True)) + r")(?![A-Za-z0-9_\-])")
    for n in range(extra + 1):
        for p in body if n == 0 else grown:
            rel = p.relative_to(EXAMPLE)
            target = dest / rel.parts[0] / f"copy{n}" / Path(*rel.parts[1:])
            target.parent.mkdir(parents=True, exist_ok=True)
            if n == 0 or p.suffix not in _TEXT or not ids:
                shutil.copy2(p, target)
                continue
            text = p.read_text(encoding="utf-8", errors="surrogateescape")
            target.write_text(pattern.sub(lambda m: f"{m.group(1)}-C{n}", text), encoding="utf-8", errors="surrogateescape")
    return dest


GROUP_ENTITY = ROOT / "examples" / "group" / "grinding"


def make_group(dest: Path, entities: int, records: int) -> Path:
    """A group of `entities` entities of `records` records each (issue 20: 200 × 200). One entity is
    the example group's grinding station (42 records) topped up with person and training records;
    the others are copies of it, each in its own folder, as a group's entities are."""
    per = len(yaml_files(GROUP_ENTITY)) - 1  # its records, without cms.yaml
    one = make_repo(dest / "template", 1, GROUP_ENTITY)
    envelope = "status: approved\napproved_by: 总经理 赵立\napproved_on: '2025-03-12'\neffective: '2025-03-12'\n"
    for n in range(max(0, records - per)):  # people and their training sessions: kinds every entity keeps many of
        if n % 2:
            (one / "training" / f"TRN-BENCH-{n:04d}.yaml").write_text(
                f"kind: training\nid: TRN-BENCH-{n:04d}\ntitle: 班组培训 {n}\n{envelope}training_type: training\ntopics: [laws_policy]\ndate: '2025-03-10'\n",
                encoding="utf-8",
            )
        else:
            (one / "people" / f"PER-BENCH-{n:04d}.yaml").write_text(
                f"kind: person\nid: PER-BENCH-{n:04d}\ntitle: 员工 {n}\n{envelope}name: 员工 {n}\n", encoding="utf-8"
            )
    lines = ["organization: {name: 基准测试集团}", "subsystems: [A]", "group:", "  entities:"]
    for n in range(entities):
        shutil.copytree(one, dest / "entities" / f"E{n:04d}")
        lines.append(f"    - {{id: E{n:04d}, name: 实体 {n}, path: entities/E{n:04d}}}")
    shutil.rmtree(one)
    (dest / "cms.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return dest


def split_group_export(doc_path: Path, folder: Path) -> int:
    """The group's export (`cms export GROUP`) as one export per entity, as CI jobs write them."""
    import json

    doc = json.loads(doc_path.read_text(encoding="utf-8"))
    folder.mkdir(parents=True, exist_ok=True)
    for eid, entity in doc["entities"].items():
        (folder / f"{eid}.json").write_text(json.dumps(entity, ensure_ascii=False), encoding="utf-8")
    return len(doc["entities"])


def add_big_csv(repo: Path, rows: int) -> Path:
    """One activity CSV of `rows` valid readings replacing the data of an example CSV: periods
    spread evenly over its record's year (31-second steps for a million rows), one row in 1,000
    estimated, the repository's table limits raised to hold it. Rows that all broke the period
    rule (as before issue 19 win 2) measured the reporting of a million findings, not the reading.

    The readings of each month add up to that month's reading in the example's file (varied
    values to six decimals, the month's last reading taking the exact remainder), so the
    inventory, indicators and review the example states still agree with what is recomputed and
    the repository checks as clean as the example: the row measures reading a big table, not
    reporting the findings of changed totals."""
    import datetime as dt
    from decimal import Decimal

    csvs = sorted((repo / "activity").rglob("*.csv"))
    target = csvs[0]
    lines = target.read_text(encoding="utf-8").splitlines()
    header, year = lines[0], int(lines[1][:4])
    cols = header.split(",")
    monthly: dict[str, Decimal] = {}
    for line in lines[1:]:
        cells = line.split(",")
        monthly[cells[0][:7]] = monthly.get(cells[0][:7], Decimal(0)) + Decimal(cells[1])
    start = dt.datetime(year, 1, 1)
    step = max(1, 365 * 86400 // max(rows, 1))  # every month of the year gets readings
    periods = [start + dt.timedelta(seconds=step * i) for i in range(rows)]
    shape = lambda i: Decimal("0.5") + Decimal(i % 997) / 996  # noqa: E731 - readings vary 0.5 to 1.5 around their mean
    per_month: dict[str, int] = {}
    weight: dict[str, Decimal] = {}  # the month's shapes, but its last reading's
    for i, when in enumerate(periods):
        month = when.strftime("%Y-%m")
        per_month[month] = per_month.get(month, 0) + 1
        weight[month] = weight.get(month, Decimal(0)) + shape(i)
    last_shape = {when.strftime("%Y-%m"): shape(i) for i, when in enumerate(periods)}
    micro = Decimal("0.000001")
    left = dict(monthly)  # what the month's remaining readings must still add up to
    seen: dict[str, int] = {}
    estimated: list[str] = []
    with target.open("w", encoding="utf-8") as out:
        out.write(header + "\n")
        for i, when in enumerate(periods):
            month = when.strftime("%Y-%m")
            seen[month] = seen.get(month, 0) + 1
            if seen[month] == per_month[month]:  # the month's last reading: the exact remainder
                value = left.get(month, Decimal(0))
            else:  # the readings but the last share 99 % of the month's, by their shape, to six decimals
                value = (monthly.get(month, Decimal(0)) * Decimal("0.99") * shape(i) / (weight[month] - last_shape[month])).quantize(micro)
                left[month] = left.get(month, Decimal(0)) - value
            status = "estimated" if i % 1000 == 999 else "measured"
            if status == "estimated":
                estimated.append(when.strftime("%Y-%m-%dT%H:%M:%S"))
            values = [when.strftime("%Y-%m-%dT%H:%M:%S"), f"{value:f}", status] + ["FM-X"] * (len(cols) - 3)
            out.write(",".join(values[: len(cols)]) + "\n")
    # The estimated readings are substituted values: the record lists each and says how they
    # were filled (A.9.1.1 b, emissions.gap-without-filling-method), as a real one must.
    for rec in sorted(target.parent.glob("*.y*ml")):
        text = rec.read_text(encoding="utf-8")
        if f"path: {target.name}" in text and "gap_filling:" not in text:
            listed = "".join(f"\n      - '{p}'" for p in estimated)
            gap = (
                f"    gap_filling:\n      periods:{listed}\n      method: backup_meter\n"
                "      description: benchmark readings, one in 1,000 taken from the backup meter\n"
            )
            text = text.replace("\n  ncv:", "\n" + gap + "  ncv:", 1)
            rec.write_text(text, encoding="utf-8")
    settings = repo / "cms.yaml"
    text = settings.read_text(encoding="utf-8")
    if "\nlimits:" not in text:
        size = target.stat().st_size
        settings.write_text(text.rstrip("\n") + f"\nlimits:\n  max_table_rows: {rows + 1}\n  max_table_bytes: {size + 1024}\n", encoding="utf-8")
    return target


def run_once(argv: list[str], cwd: Path | None = None) -> tuple[float, float, float, int]:
    """(wall s, cpu s, peak MiB, exit code) of one whole process."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, cwd=cwd, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, proc.returncode


WARM = True


def interleave(cmds: dict[str, list[list[str]]], runs: int, warm: bool | None = None) -> dict[str, dict]:
    """Run each named command (a list of processes run in sequence) `runs` times, A B A B ..."""
    samples = {k: [] for k in cmds}
    if WARM if warm is None else warm:  # one untimed pass of each so the page cache is equally warm for both
        for argvs in cmds.values():
            for argv in argvs:
                run_once(argv)
    for _ in range(runs):
        for name, argvs in cmds.items():
            wall = cpu = peak = 0.0
            for argv in argvs:
                w, c, m, _rc = run_once(argv)
                wall, cpu, peak = wall + w, cpu + c, max(peak, m)
            samples[name].append((wall, cpu, peak))
    return {
        k: {"wall": statistics.median(s[0] for s in v), "cpu": statistics.median(s[1] for s in v), "peak": max(s[2] for s in v)} for k, v in samples.items()
    }


def cms(*args: str) -> list[str]:
    return [PY, "-m", "cms_build.cli", *args]


def yaml_files(repo: Path) -> list[Path]:
    return sorted(p for p in repo.rglob("*.y*ml") if not any(part.startswith(".") for part in p.parts))


def bare_yaml(repo: Path) -> list[str]:
    return [PY, "-c", "import sys,yaml\nfor p in sys.argv[1:]:\n yaml.load(open(p,'rb'),Loader=yaml.CSafeLoader)", *map(str, yaml_files(repo))]


def project_loader(repo: Path) -> list[str]:
    return [
        PY,
        "-c",
        "import sys\nfrom pathlib import Path\nfrom cms_build.yamlsafe import load_file\nfor p in sys.argv[1:]: load_file(Path(p))",
        *map(str, yaml_files(repo)),
    ]


def jsonschema_per_kind(repo: Path) -> list[list[str]]:
    """check-jsonschema once per kind: the records of each kind against that kind's schema."""
    import yaml

    by_kind: dict[str, list[str]] = {}
    for p in yaml_files(repo):
        try:
            data = yaml.load(p.read_bytes(), Loader=yaml.CSafeLoader)
        except yaml.YAMLError:
            continue
        kind = data.get("kind") if isinstance(data, dict) else None
        schema = ROOT / "schemas" / f"{kind}.schema.json"
        if kind and schema.is_file():
            by_kind.setdefault(str(schema), []).append(str(p))
    exe = shutil.which("check-jsonschema") or "check-jsonschema"
    return [[exe, "--schemafile", schema, *files] for schema, files in sorted(by_kind.items())]


class Table:
    def __init__(self) -> None:
        self.rows: list[tuple[str, str, str, str]] = []

    def add(self, what: str, figure: str, target: str, memory: str = "") -> None:
        self.rows.append((what, figure, target, memory))
        print(f"| {what} | {figure} | {target} | {memory} |", flush=True)


def init_rows(t: "Table", tmp: Path, runs: int) -> None:
    """The fresh repository's row: `cms check --no-cache` of what `cms init` writes (no .cms-cache,
    the engine's bytecode present), against the engine's imports alone and a bare interpreter."""
    fresh = tmp / "fresh"
    run_once(cms("init", str(fresh)))
    n = len(yaml_files(fresh))
    r = interleave(
        {
            "check": [cms("check", str(fresh), "--as-of", AS_OF, "--no-cache")],
            "import": [[PY, "-c", "import cms_build.engine, cms_build.cli"]],
            "python": [[PY, "-c", "pass"]],
        },
        runs,
    )
    t.add(
        f"`cms check` of a fresh `cms init` repository, {n} files (wall)",
        f"{r['check']['wall']:.2f} s ({r['check']['cpu']:.2f} s CPU), {r['import']['wall']:.2f} s of it imports, {r['python']['wall']:.2f} s a bare interpreter",
        "≤ 0.4 s",
        f"{r['check']['peak']:.0f} MiB",
    )


def cache_rows(t: "Table", big: Path, runs: int) -> None:
    """The cache's two rows (issue 19 win 3): per run, a cold check (cache wiped), a re-check with
    nothing changed, then one record file given new bytes and checked again; medians over runs."""
    cache = big / ".cms-cache"
    first = [PY, "-c", f"import shutil; shutil.rmtree({str(cache)!r}, ignore_errors=True)"]
    # One changed record: a comment line appended to one record file (new bytes, same data).
    edited = yaml_files(big)[len(yaml_files(big)) // 2]
    touch = [PY, "-c", f"open({str(edited)!r}, 'a', encoding='utf-8').write('# edited\\n')"]
    check = cms("check", str(big), "--as-of", AS_OF, "--fail-on", "info")
    cold, warm, one = [], [], []
    for _ in range(runs):
        run_once(first)
        cold.append(run_once(check))
        warm.append(run_once(check))
        run_once(touch)
        one.append(run_once(check))
    med = lambda rows, i: statistics.median(r[i] for r in rows)  # noqa: E731
    exists = "" if (cache / "records.json").exists() else " (no cache exists)"
    t.add(
        "re-check, nothing changed / cold (wall; CPU)",
        f"{med(warm, 0) / med(cold, 0):.2f}; {med(warm, 1) / med(cold, 1):.2f} ({med(warm, 0):.2f} s / {med(cold, 0):.2f} s; CPU {med(warm, 1):.2f} s / {med(cold, 1):.2f} s){exists}",
        "≤ 0.20",
        f"{max(r[2] for r in warm):.0f} / {max(r[2] for r in cold):.0f} MiB",
    )
    t.add(
        "re-check, one record changed / cold (wall; CPU)",
        f"{med(one, 0) / med(cold, 0):.2f}; {med(one, 1) / med(cold, 1):.2f} ({med(one, 0):.2f} s; CPU {med(one, 1):.2f} s){exists}",
        "≤ 0.30",
        f"{max(r[2] for r in one):.0f} MiB",
    )


def build_rows(t: "Table", tmp: Path, small: Path, large: Path, runs: int, quick: bool) -> None:
    """The build rows: `cms build` against plain `mkdocs build` of the Markdown it generated, at the
    example and the two generated sizes (issue 19: 1,040 / 4,160 records), the large build against
    the small one, and the peak memory of the large build (issue: 729 MiB against mkdocs' 355 at
    4,160 records; target: halve it). The first build of each size is untimed: it writes the
    Markdown mkdocs is given and the parsed-record cache a user's rebuild reads too."""
    cpu: dict[Path, float] = {}
    outs: dict[Path, Path] = {}  # each repository's site, as its last (--full) build left it
    sizes = [EXAMPLE, small, large] if not quick else [small]  # the smoke test builds one site
    for repo in dict.fromkeys(sizes):  # one build per repository when small is large
        src = repo if repo is not EXAMPLE else make_repo(tmp / "example", 1)
        n = len(yaml_files(src)) - len(list(src.glob("*.y*ml")))
        label = f"example, {n:,} records" if repo is EXAMPLE else f"{n:,} records"
        out = outs[repo] = tmp / f"site-{len(cpu)}"
        run_once(cms("build", str(src), "--as-of", AS_OF, "--out", str(out)))
        ymls = sorted((src / ".cms-build").glob("*/mkdocs.yml"))
        # --full: a rebuild into the same --out would otherwise reuse every page (incremental.py)
        cmds = {"cms": [cms("build", str(src), "--as-of", AS_OF, "--out", str(out), "--full")]}
        if ymls:
            cmds["mkdocs"] = [[PY, "-m", "mkdocs", "build", "-q", "-f", str(ymls[0]), "-d", str(tmp / f"plain-{len(cpu)}")]]
        r = interleave(cmds, runs, warm=False)
        cpu[repo] = r["cms"]["cpu"]
        if "mkdocs" in r:
            c, m = r["cms"], r["mkdocs"]
            fig = f"{c['cpu'] / m['cpu']:.2f}× CPU, {c['wall'] / m['wall']:.2f}× wall ({c['cpu']:.1f} s / {m['cpu']:.1f} s CPU)"
        else:
            fig = "mkdocs.yml of the build not found"
        mem = f"{r['cms']['peak']:.0f}" + (f" / {r['mkdocs']['peak']:.0f}" if "mkdocs" in r else "") + " MiB"
        t.add(f"`cms build` vs plain `mkdocs build` of its Markdown, {label}", fig, "≤ 1.2×", mem)
        if repo is large and "mkdocs" in r:
            t.add(
                f"`cms build` peak memory at {n:,} records vs plain `mkdocs build`",
                f"{r['cms']['peak']:.0f} MiB, {r['cms']['peak'] / r['mkdocs']['peak']:.2f}× mkdocs' {r['mkdocs']['peak']:.0f} MiB",
                "halve 729 MiB (≤ 365; mkdocs 355 at 4,160 records)",
                mem,
            )
    incremental_row(t, small, outs[small], runs)
    if not quick and large is not small:
        n_small, n_large = (len(yaml_files(r)) - len(list(r.glob("*.y*ml"))) for r in (small, large))
        t.add(
            f"build at {n_large:,} records vs {n_small:,} (CPU)",
            f"{cpu[large] / cpu[small]:.2f}× ({n_large / n_small:.2f}× the records)",
            "≤ 4.4× at 4× the records (held)",
        )
    else:
        t.add("build at the large size vs the small (CPU)", "not measured in --quick", "≤ 4.4× (held)")


# Toggles one field of one record (not its title): the one-record change of the incremental row.
TOGGLE = (
    "import sys\nfrom pathlib import Path\np = Path(sys.argv[1])\nt = p.read_text(encoding='utf-8')\n"
    "a, b = 'author: 综合管理部 马骏\\n', 'author: 综合管理部 马骏（代）\\n'\n"
    "assert a in t or b in t\np.write_text(t.replace(b, a) if b in t else t.replace(a, b), encoding='utf-8')"
)


def incremental_row(t: "Table", repo: Path, out: Path, runs: int) -> None:
    """Issue 19 win 5: a rebuild after one record's field changed against a full build of the same
    change (both sides run the same one-line edit before `cms build`, so both carry its start-up).
    `out` holds the last build the rebuilds start from: build_rows' timed build of `repo` into it,
    of the records as they are (not built again here: a whole site build, a fifth of --quick)."""
    record = repo / "training" / "copy0" / "TRN-2025-01.yaml"  # make_repo: the example is copy 0
    if not record.is_file():
        t.add("`cms build` after a one-record change vs a full build", f"{record} not found", "≤ 10 %")
        return
    toggle = [PY, "-c", TOGGLE, str(record)]
    build = cms("build", str(repo), "--as-of", AS_OF, "--out", str(out))
    r = interleave({"one": [toggle, build], "full": [toggle, [*build, "--full"]]}, runs, warm=False)
    n = len(yaml_files(repo)) - len(list(repo.glob("*.y*ml")))
    one, full = r["one"], r["full"]
    t.add(
        f"`cms build` after a one-record change vs a full build, {n:,} records",
        f"{100 * one['wall'] / full['wall']:.0f} % wall, {100 * one['cpu'] / full['cpu']:.0f} % CPU ({one['wall']:.1f} s / {full['wall']:.1f} s)",
        "≤ 10 %",
        f"{one['peak']:.0f} / {full['peak']:.0f} MiB",
    )


def csv_rows(t: "Table", tmp: Path, small: Path | None, rows: int, runs: int, quick: bool) -> None:
    """The big CSV's two rows (issue 19 win 2): `cms check` of the example with one activity CSV of
    `rows` rows, against a bare csv.reader pass over that file and the same check without it."""
    csvbase = make_repo(tmp / "csvbase", 1)  # the same repository with the example's own CSV
    csvrepo = small if quick and small is not None else make_repo(tmp / "csv", 1)
    csvfile = add_big_csv(csvrepo, rows)
    r = interleave(
        {
            "cms": [cms("check", str(csvrepo), "--as-of", AS_OF, "--fail-on", "info", "--no-cache")],
            "csv": [[PY, "-c", "import csv,sys\nn=0\nfor row in csv.reader(open(sys.argv[1],newline='',encoding='utf-8')): n+=1", str(csvfile)]],
            "base": [cms("check", str(csvbase), "--as-of", AS_OF, "--fail-on", "info", "--no-cache")],
        },
        runs,
    )
    t.add(
        f"`cms check` with one {rows:,}-row CSV vs bare csv.reader pass (wall; CPU)",
        f"{r['cms']['wall'] / r['csv']['wall']:.1f}×; {r['cms']['cpu'] / r['csv']['cpu']:.1f}×",
        "≤ 2×, ≤ 300 MiB",
        f"{r['cms']['peak']:.0f} MiB",
    )
    # What the CSV itself costs: the check minus the same check without it, against the bare
    # pass (the whole check of the example's records is a fixed cost the bare pass has not).
    t.add(
        "  of which the CSV (check minus the check without it) vs the bare pass (wall; CPU)",
        f"{(r['cms']['wall'] - r['base']['wall']) / r['csv']['wall']:.1f}×; {(r['cms']['cpu'] - r['base']['cpu']) / r['csv']['cpu']:.1f}×",
        "≤ 2×",
        f"{r['base']['peak']:.0f} MiB without it",
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="tiny repositories, one run: a smoke test")
    ap.add_argument("--runs", type=int, default=None)
    ap.add_argument(
        "--copies", type=int, nargs=2, default=None, metavar=("SMALL", "LARGE"), help="example copies of the small and large repositories (default 5 20)"
    )
    ap.add_argument("--rows", type=int, default=None, help="rows of the generated CSV (default 1,000,000)")
    ap.add_argument("--keep", action="store_true", help="keep the generated repositories")
    ap.add_argument(
        "--group",
        type=int,
        nargs=2,
        default=None,
        metavar=("ENTITIES", "RECORDS"),
        help="also check a generated group (issue 20's row: 200 200, minutes on 2 cores); --quick checks a tiny one",
    )
    ap.add_argument("--jobs", type=int, default=2, help="process pool of the group row (default 2)")
    ap.add_argument(
        "--only",
        choices=["cache", "build", "csv", "init"],
        default=None,
        help="only these rows (cache: the two re-check rows, on the large repository; build: the build rows; csv: the big CSV's rows; init: the fresh repository's row)",
    )
    args = ap.parse_args(argv)
    runs = args.runs or (1 if args.quick else 5)
    small, large = args.copies or ((1, 1) if args.quick else (5, 20))
    rows = args.rows or (2000 if args.quick else 1_000_000)
    global WARM
    WARM = not args.quick
    tmp = Path(tempfile.mkdtemp(prefix="cms-bench-"))
    t = Table()
    print(f"runs={runs} copies={small}/{large} rows={rows}; medians of whole processes, interleaved")
    print("| what | figure | target | peak memory |\n|---|---|---|---|")
    try:
        if args.only == "cache":
            big = make_repo(tmp / "large", large)
            print(f"{len(yaml_files(big))} files")
            cache_rows(t, big, runs)
            return 0
        if args.only == "build":
            s = make_repo(tmp / "small", small)
            build_rows(t, tmp, s, s if large == small else make_repo(tmp / "large", large), runs, args.quick)
            return 0
        if args.only == "csv":
            csv_rows(t, tmp, None, rows, runs, args.quick)
            return 0
        if args.only == "init":
            init_rows(t, tmp, runs)
            return 0
        s = make_repo(tmp / "small", small)
        big = s if large == small else make_repo(tmp / "large", large)
        n_big = len(yaml_files(big))
        peers = jsonschema_per_kind(big)
        if args.quick:  # a smoke test: three kinds stand for all, the figure is not comparable
            peers = peers[:3]

        # Every `cms check` timed against a peer runs with --no-cache: a CI runner checks a pull
        # request with no cache of its own (the cache's key is per machine user), and a warm run would
        # print the cached findings without checking anything. The cache has its own rows.
        r = interleave({"cms": [cms("check", str(big), "--as-of", AS_OF, "--fail-on", "info", "--no-cache")], "cj": peers}, runs)
        t.add(
            f"`cms check` {n_big} files vs check-jsonschema once per kind (CPU)",
            f"{r['cms']['cpu'] / r['cj']['cpu']:.3f} ({r['cms']['cpu']:.2f} s / {r['cj']['cpu']:.2f} s)",
            "≤ 0.10",
            f"{r['cms']['peak']:.0f} / {r['cj']['peak']:.0f} MiB",
        )
        r = interleave(
            {"cms": [cms("check", str(big), "--as-of", AS_OF, "--fail-on", "info", "--no-cache")], "bare": [bare_yaml(big)], "loader": [project_loader(big)]},
            runs,
        )
        t.add(
            "`cms check` vs bare CSafeLoader pass (wall)",
            f"{r['cms']['wall'] / r['bare']['wall']:.2f}×",
            "≤ 1.5×",
            f"{r['cms']['peak']:.0f} / {r['bare']['peak']:.0f} MiB",
        )
        t.add("project loader alone vs that pass (wall)", f"{r['loader']['wall'] / r['bare']['wall']:.2f}×", "≤ 1.1×", f"{r['loader']['peak']:.0f} MiB")
        cache_rows(t, big, runs)
        build_rows(t, tmp, s, big, runs, args.quick)

        csv_rows(t, tmp, s, rows, runs, args.quick)

        group = args.group or ((2, 60) if args.quick else None)
        if group:
            entities, records = group
            g = make_group(tmp / "group", entities, records)
            n_rec = sum(len(yaml_files(e)) - 1 for e in (g / "entities").iterdir())
            wall, cpu, peak, rc = run_once(cms("check", str(g), "--as-of", AS_OF, "--jobs", str(args.jobs), "--fail-on", "error"))
            t.add(
                f"group `cms check` of {entities} entities, {n_rec:,} records, --jobs {args.jobs} (wall)",
                f"{wall:.1f} s ({cpu:.1f} s CPU, exit {rc})",
                "< 60 s at 200 × 200",
                f"{peak:.0f} MiB",
            )
            run_once(cms("export", str(g), "--as-of", AS_OF, "--jobs", str(args.jobs), "-o", str(tmp / "group.json")))
            n_exp = split_group_export(tmp / "group.json", tmp / "exports")
            wall, cpu, peak, rc = run_once(
                cms(
                    "group",
                    "consolidate",
                    str(g),
                    "--from-exports",
                    str(tmp / "exports"),
                    "--as-of",
                    AS_OF,
                    "--format",
                    "json",
                    "-o",
                    str(tmp / "consolidated.json"),
                )
            )
            t.add(
                f"group consume path: `cms group consolidate` of {n_exp} entity exports (wall)",
                f"{wall:.1f} s ({cpu:.1f} s CPU, exit {rc})",
                "no entity re-run",
                f"{peak:.0f} MiB",
            )
        else:
            t.add("group `cms check` of 200 entities × 200 records", "not run (--group 200 200)", "< 60 s")
        if not args.quick:  # issue 20: the group's site costs no more than twice its entities' own builds
            example = ROOT / "examples" / "group"
            sep = [
                cms("build", str((example / p).resolve()), "--as-of", AS_OF, "--out", str(tmp / f"ent-{i}"))
                for i, p in enumerate(("hq", "../../records", "grinding"))
            ]
            r = interleave({"group": [cms("build", str(example), "--as-of", AS_OF, "--out", str(tmp / "group-site"))], "entities": sep}, runs, warm=False)
            t.add(
                "`cms build` of the example group vs its 3 entities' own builds (CPU)",
                f"{r['group']['cpu'] / r['entities']['cpu']:.2f}× ({r['group']['cpu']:.1f} s / {r['entities']['cpu']:.1f} s)",
                "≤ 2×",
                f"{r['group']['peak']:.0f} / {r['entities']['peak']:.0f} MiB",
            )

        init_rows(t, tmp, runs)
    finally:
        if args.keep:
            print(f"kept: {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
