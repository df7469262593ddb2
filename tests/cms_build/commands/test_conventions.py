"""CLI conventions (issue 18, 8): NO_COLOR/FORCE_COLOR, -q/-v, an example in every command's
help, help in Chinese where the locale is Chinese, a progress bar on `cms build` only on a
terminal."""

from __future__ import annotations

import os
import pty
import shlex
import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

from cms_build.commands import cli
from cms_build.commands.help_zh import COMMANDS, chinese_option_help, cjk_wrap, display_width, help_language
from tests.conftest import REPO

LOCALE = ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE")


def env(**values):
    """The test's environment without locale, colour or CI variables, plus `values`."""
    e = {k: v for k, v in os.environ.items() if k not in (*LOCALE, "NO_COLOR", "FORCE_COLOR", "CI")}
    e.update(values, PYTHONPATH=str(REPO))
    return e


def cms(*args, **environ):
    proc = subprocess.run([sys.executable, "-m", "cms_build.cli", *map(str, args)], capture_output=True, text=True, env=env(**environ), cwd=REPO, timeout=300)
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc.returncode, proc.stdout, proc.stderr


def on_terminal(*args, stream="stderr", **environ):
    """Run cms with stdout or stderr on a pseudo-terminal: (exit code, what the terminal got, the other stream)."""
    master, slave = pty.openpty()
    pipes = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, stream: slave}
    proc = subprocess.Popen([sys.executable, "-m", "cms_build.cli", *map(str, args)], env=env(**environ), cwd=REPO, **pipes)
    os.close(slave)
    got = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        got += chunk
    os.close(master)
    other = (proc.stdout if stream == "stderr" else proc.stderr).read().decode()
    proc.wait(timeout=300)
    return proc.returncode, got.decode(), other


def commands(group=cli, path=""):
    yield path, group
    if isinstance(group, click.Group):
        for name, sub in sorted(group.commands.items()):
            yield from commands(sub, f"{path} {name}".strip())


def help_of(path: str, **environ) -> str:
    locale = {k: None for k in LOCALE} | environ
    out = CliRunner().invoke(cli, [*path.split(), "--help"], env=locale)  # CliRunner lays help out 80 columns wide
    assert out.exit_code == 0, out.output
    return out.output


def example(text: str, word: str) -> str:
    """The example's command, its wrapped lines joined (the paragraph that starts with `word`)."""
    [paragraph] = [p for p in text.split("\n\n") if p.strip().startswith(word)]
    return " ".join(paragraph.split())[len(word) :].strip()


@pytest.mark.parametrize("path", [p for p, _ in commands()])
def test_every_command_has_one_example_that_parses(path):
    text = help_of(path, LANG="en_US.UTF-8")
    assert text.count("Example: cms ") == 1, text
    line = example(text, "Example:")
    assert line.startswith(f"cms {path}" if path else "cms -q check"), line
    # the example's options exist and take what it gives them: click stops at --help only after parsing
    out = CliRunner().invoke(cli, [*shlex.split(line)[1:], "--help"], env={k: None for k in LOCALE})
    assert out.exit_code == 0, (line, out.output)


@pytest.mark.parametrize("path", [p for p, _ in commands()])
def test_every_command_and_option_has_its_chinese_help_with_the_same_example(path):
    command = dict(commands())[path]
    assert path in COMMANDS, f"cms {path}: no Chinese help in cms_build/commands/help_zh.py"
    for param in command.params:
        if isinstance(param, click.Option) and getattr(param, "help", None) and param.help.isascii():
            assert chinese_option_help(path, param), f"cms {path} {param.opts}: no Chinese help"
    zh, en = help_of(path, LANG="zh_CN.UTF-8"), help_of(path, LANG="en_US.UTF-8")
    assert example(zh, "示例：") == example(en, "Example:")
    assert zh.startswith("用法：") and "选项：" in zh and "显示此帮助并退出。" in zh
    assert en.startswith("Usage:") and "用法" not in en and "示例" not in en


def test_help_follows_the_terminal_locale_both_ways():
    zh = cms("check", "--help", LANG="zh_CN.UTF-8")[1]
    assert "全部检查：模式、引用、计算，以及标准的每一条规则。" in zh and "[默认：error]" in zh and "Everything" not in zh
    en = cms("check", "--help", LANG="en_US.UTF-8")[1]
    assert "Everything: schemas, references, computations and every rule" in en and "[default: error]" in en
    assert "全部检查" not in en
    # LC_ALL overrides LANG (POSIX order LC_ALL, LC_MESSAGES, LANG)
    assert "Everything" in cms("check", "--help", LANG="zh_CN.UTF-8", LC_ALL="C.UTF-8")[1]
    assert "全部检查" in cms("--help", LANG="en_US.UTF-8", LC_MESSAGES="zh_TW.UTF-8")[1]
    assert "Usage:" in cms("--help")[1]  # no locale at all: English


def test_locale_variables_in_posix_order():
    assert help_language({}) == "en"
    assert help_language({"LANG": "zh_CN.UTF-8"}) == "zh"
    assert help_language({"LANG": "zh_CN.UTF-8", "LC_ALL": "en_GB.UTF-8"}) == "en"
    assert help_language({"LANG": "en_US.UTF-8", "LC_MESSAGES": "zh_CN.GB18030"}) == "zh"
    assert help_language({"LC_ALL": "", "LANG": "zh"}) == "zh"  # an empty variable is unset


def test_chinese_help_lines_fit_the_terminal():
    # 7 CJK characters are 14 columns: at 10 columns a line holds 5 of them (10 columns), never
    # starts with "。" and never ends with "（"
    assert cjk_wrap("一二三四五六七。", 10) == ["一二三四五", "六七。"]
    assert cjk_wrap("集团：同时检查（README：Groups）。", 16) == ["集团：同时检查", "（README：Groups）。"]
    assert cjk_wrap("cms check records", 9) == ["cms check", "records"]
    for path, _ in commands():
        for line in help_of(path, LANG="zh_CN.UTF-8").splitlines():
            if not line.lstrip().startswith(("用法：", "示例：", "-", "[")):  # usage and examples are commands
                assert display_width(line) <= 80, (path, line)


def test_quiet_keeps_the_findings_and_the_exit_code(org):
    org.add("policy/b.yaml", org.record("policy", "B", statement="s", issued_by="x", status="aproved"))
    code, out, _ = cms("check", org.root, "--as-of", "2026-06-30")
    quiet_code, quiet, _ = cms("-q", "check", org.root, "--as-of", "2026-06-30")
    assert code == quiet_code == 1
    assert "FAIL: " in out and "FAIL" not in quiet and " findings: " not in quiet
    findings = [ln for ln in out.splitlines() if ln.startswith("policy/b.yaml:")]
    assert findings and [ln for ln in quiet.splitlines() if ln.startswith("policy/b.yaml:")] == findings
    assert out.startswith(quiet.rstrip("\n"))  # the same lines, less the summary
    # json is data: the same with -q
    assert (
        cms("-q", "check", org.root, "--as-of", "2026-06-30", "--format", "json")[1] == cms("check", org.root, "--as-of", "2026-06-30", "--format", "json")[1]
    )


def test_quiet_silences_status_lines(tmp_path):
    code, out, err = cms("-q", "init", tmp_path / "o", "--subsystems", "A")
    assert code == 0 and out == "" and err == ""
    assert (tmp_path / "o" / "cms.yaml").is_file()
    code, out, _ = cms("init", tmp_path / "p", "--subsystems", "A")
    assert code == 0 and "created cms.yaml" in out


def test_quiet_and_verbose_together_is_a_usage_error():
    code, _, err = cms("-q", "-v", "kinds")
    assert code == 2 and "-q and -v contradict each other" in err


def test_verbose_tells_the_stages_on_stderr_and_leaves_stdout_alone(org):
    org.add("policy/b.yaml", org.record("policy", "B", statement="s", issued_by="x"))
    code, out, err = cms("-v", "check", org.root, "--as-of", "2026-06-30")
    plain_code, plain, plain_err = cms("check", org.root, "--as-of", "2026-06-30")
    assert code == plain_code and out == plain and "cms:" not in plain_err
    lines = err.splitlines()
    assert f"cms: load, validate, index, compute, check {org.root} ..." in lines
    [timed] = [ln for ln in lines if ln.startswith("cms: load, validate, index, compute, check ") and ln.endswith(" s")]
    float(timed.rsplit(" ", 2)[1])  # seconds, a number
    assert any(ln.startswith("cms: 1 records, ") and ln.endswith("as of 2026-06-30") for ln in lines), lines


def test_no_color_on_a_terminal(org):
    org.add("policy/b.yaml", org.record("policy", "B", statement="s", issued_by="x", status="aproved"))
    code, shown, _ = on_terminal("check", org.root, "--as-of", "2026-06-30", stream="stdout")
    assert code == 1 and "\x1b[31m" in shown  # a terminal: errors in red
    code, shown, _ = on_terminal("check", org.root, "--as-of", "2026-06-30", stream="stdout", NO_COLOR="1")
    assert code == 1 and "\x1b[" not in shown and "error" in shown
    code, shown, _ = on_terminal("check", org.root, "--as-of", "2026-06-30", stream="stdout", NO_COLOR="1", FORCE_COLOR="1")
    assert "\x1b[" not in shown  # NO_COLOR wins


@pytest.fixture
def mini(org):
    from tests.site.conftest import mini_org

    return mini_org(org)


def test_build_shows_a_progress_bar_on_a_terminal_only(mini, tmp_path):
    args = ("build", mini, "--as-of", "2026-06-30", "--out")
    code, out, err = cms(*args, tmp_path / "piped")
    assert code == 0, err
    assert "\r" not in err and "building the site" not in err and "%" not in err  # a pipe: no bar
    assert out.startswith("built ")
    code, bar, out = on_terminal(*args, tmp_path / "tty")
    assert code == 0, bar
    assert "building the site" in bar and "100%" in bar and "\r" in bar
    for stage in ("history", "pages", "html"):
        assert stage in bar
    assert out.startswith("built ") and "building" not in out  # the bar is on stderr only
    code, bar, _ = on_terminal(*args, tmp_path / "ci", CI="true")
    assert code == 0 and "building the site" not in bar  # CI: no bar even on a terminal


def test_shell_completion_as_the_readme_documents_it():
    """README (The terminal): eval "$(_CMS_COMPLETE=bash_source cms)"; then bash asks cms for words."""
    run = [sys.executable, "-c", "import sys; sys.argv = ['cms']; from cms_build.commands import main; main()"]
    script = subprocess.run(run, capture_output=True, text=True, env=env(_CMS_COMPLETE="bash_source"), timeout=60)
    assert script.returncode == 0 and "_cms_completion()" in script.stdout and "complete " in script.stdout
    words = subprocess.run(run, capture_output=True, text=True, timeout=60, env=env(_CMS_COMPLETE="bash_complete", COMP_WORDS="cms check --fo", COMP_CWORD="2"))
    assert words.stdout.split() == ["plain,--format", "plain,--force"]


def test_quiet_import_reports_only_the_rejected_rows(tmp_path):
    import shutil

    from tests.conftest import EXAMPLE

    repo = tmp_path / "org"
    shutil.copytree(EXAMPLE, repo)
    src = tmp_path / "meter.csv"
    src.write_text("period,value,status\n2025-01,100,measured\n2025-13,100,measured\n", encoding="utf-8")
    args = ("import", "activity", "AD-2025-BJ2-GAS", src, "--path", repo, "--overwrite")
    code, out, _ = cms("-q", *args)
    assert code == 1
    assert out.splitlines() == [
        "meter.csv: rejected row 3, column 'period': '2025-13': not a period: write YYYY, YYYY-MM, YYYY-MM-DD, YYYY-MM-DDTHH:MM, YYYY-Qn or YYYY-Hn",
        "meter.csv: nothing written: fix the rows above, or use --skip-invalid to write only the valid rows",
    ]
    src.write_text("period,value,status\n2025-01,100,measured\n", encoding="utf-8")
    code, out, _ = cms("-q", *args)
    assert code == 0 and out == ""  # accepted and written: nothing to say
    assert "1 rows accepted, 0 rejected" in cms(*args)[1]
