"""`make bench`: measure the Domino executor against the alternatives and print the tables.

    python benchmarks/run.py            # everything (under 15 minutes on 2 cores)
    python benchmarks/run.py --quick    # smallest sizes, to check the harness still runs

Every figure comes from this one run, side by side on this machine; see benchmarks/README.md.
"""

from __future__ import annotations

import sys
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `benchmarks` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.main import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
