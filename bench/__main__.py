"""Run every benchmark and print one line per figure: `python -m bench`."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator

from bench import (
    app_shell,
    concurrent_writes,
    consent_copy,
    logic_eval,
    study_growth,
    study_home,
    sync_ingest,
    sync_load,
    xlsform_import,
)
from bench.report import Figure

BENCHMARKS: tuple[Callable[[], Iterator[Figure]], ...] = (
    study_home.run,
    study_growth.run,
    logic_eval.run,
    xlsform_import.run,
    concurrent_writes.run,
    sync_ingest.run,
    sync_load.run,
    app_shell.run,
    consent_copy.run,
)


def main() -> int:
    """Print each benchmark's figures as they come; exit 1 if any saw errors."""
    all_ok = True
    for benchmark in BENCHMARKS:
        for figure in benchmark():
            print(figure.line, flush=True)
            all_ok = all_ok and figure.ok
    return 0 if all_ok else 1


if __name__ == "__main__":
    sys.exit(main())
