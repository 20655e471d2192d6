"""The command line of a generated document (docs/api-versions.md, docs/coverage.md): ``--output`` names the file
(its default is the document's own), ``--check`` exits 1 with a message on stderr when the file is not what the
renderer gives, and without ``--check`` the file is rewritten. Pure but for that one file: the renderer is passed in.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path


def main(
    argv: Sequence[str] | None, *, module: str, doc: Path, description: str, render: Callable[[], str]
) -> int:
    """Runs ``python -m module [--check] [--output FILE]`` for the document ``doc`` that ``render`` gives."""
    parser = argparse.ArgumentParser(prog=f"python -m {module}", description=description)
    parser.add_argument("--check", action="store_true", help="exit 1 when the file is out of date")
    parser.add_argument("--output", type=Path, default=doc, help=f"default: {doc}")
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        current = args.output.read_text(encoding="utf-8") if args.output.exists() else ""
        if current != text:
            print(f"{args.output} is out of date: run .venv/bin/python -m {module}", file=sys.stderr)
            return 1
        return 0
    args.output.write_text(text, encoding="utf-8")
    print(f"wrote {args.output}")
    return 0
