"""Pure calculations: formulas of the standard's annexes, aggregation, tables.

Nothing here reads the repository on its own or knows about checks; the wiring is in
checks/. Every module returns cms_build.trace.Traced values so that each figure carries
its formula and inputs.
"""
