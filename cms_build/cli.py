"""`python -m cms_build.cli` and older imports: the `cms` command lives in cms_build/commands/."""

from .commands import cli, main

__all__ = ["cli", "main"]

if __name__ == "__main__":  # pragma: no cover
    main()
