"""Running the `warroom` CLI in-process, as the CLI tests do."""

from __future__ import annotations

import io

from warroom.cli import main


def run(*argv: str) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of `warroom ARGV`."""
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def ok(*argv: str) -> str:
    """stdout of `warroom ARGV`, which must succeed (its stderr is the failure message)."""
    code, out, err = run(*argv)
    assert code == 0, err
    return out
