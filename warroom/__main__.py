"""`python -m warroom` starts the app (or runs a CLI verb)."""

from __future__ import annotations

import sys

from warroom.cli import main

if __name__ == "__main__":
    sys.exit(main())
