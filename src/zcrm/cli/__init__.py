"""The ``zcrm`` command line (``zcrm.cli:main``)."""

from zcrm.cli.main import main

__all__ = ["main"]
