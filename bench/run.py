"""Run every benchmark from a path: `python bench/run.py` is `python -m bench`."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.__main__ import main  # the repository must be on sys.path first

if __name__ == "__main__":
    sys.exit(main())
