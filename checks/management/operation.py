"""Operation (8.1): each carbon management process the organization runs is planned and controlled.

Rule
- ops.process-without-control (8.1 s1, 8.1 d): each adopted subsystem's process (A
  emissions, B trading, C assets, D neutrality: the processes of 8.2.1 to 8.2.4) has an
  operational_control record approved and in effect at the as-of date whose process is that
  process, or general (a control written for every process covers each). A withdrawn,
  superseded, draft or not yet effective control does not count. Located at the settings'
  subsystems: the missing control has no file of its own.
"""

from __future__ import annotations

from cms_build.api import check
from cms_build.api import not_yet

PROCESS = {"A": ("emissions", "8.2.1"), "B": ("trading", "8.2.2"), "C": ("assets", "8.2.3"), "D": ("neutrality", "8.2.4")}


@check(
    "ops.process-without-control",
    title="各分体系的过程得到策划和控制 Each adopted process has an operational control",
    clauses=["8.1 s1", "8.1 d"],
    severity="error",
)
def process_without_control(ctx):
    """8.1: the organization plans, operates and controls the requirements of its carbon management
    processes, sets criteria for them and controls them by the criteria; an adopted subsystem whose
    process has no operational control in force is not controlled."""
    covered = {c.get("process") for c in ctx.records("operational_control") if c.status == "approved" and not not_yet(c, ctx.as_of)}
    for sub in sorted(ctx.settings.subsystems):
        if sub not in PROCESS or not ctx.adopts(sub):
            continue
        process, clause = PROCESS[sub]
        if process in covered or "general" in covered:
            continue
        yield ctx.settings_issue(
            "subsystems",
            f"subsystem {sub} is adopted, but no operational control of the {process} process ({clause}) is approved and in effect as of {ctx.as_of}",
            hint=f"add an operational_control record (process: {process}) with its requirements, criteria and controls, approved and effective",
        )
