"""A closed-loop load generator: N threads, each with its own keep-alive connection."""

from __future__ import annotations

import http.client
import math
import os
import threading
import time
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field

CLIENTS = 16
WARM_UP_SECONDS = 1.0
REQUEST_TIMEOUT_SECONDS = 10.0


def measure_seconds() -> float:
    """Return how long to measure, from BENCH_SECONDS (default 5)."""
    return float(os.environ.get("BENCH_SECONDS", "5"))


def p95_ms(latencies: list[float]) -> float:
    """Return the 95th percentile of latencies in seconds, in milliseconds (nan if none)."""
    if not latencies:
        return math.nan
    ordered = sorted(latencies)
    return ordered[math.ceil(0.95 * len(ordered)) - 1] * 1000


@dataclass
class LoadResult:
    """What the clients saw during the measured period."""

    seconds: float
    latencies: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)

    @property
    def requests(self) -> int:
        """Return the number of requests answered with 200."""
        return len(self.latencies)

    @property
    def rps(self) -> float:
        """Return successful requests per second."""
        return self.requests / self.seconds

    @property
    def p95_ms(self) -> float:
        """Return the 95th percentile latency of successful requests, in milliseconds."""
        return p95_ms(self.latencies)


def fetch(connection: http.client.HTTPConnection, path: str, headers: Mapping[str, str]) -> int:
    """GET path on a kept-alive connection, read the whole body, return the status."""
    connection.request("GET", path, headers=dict(headers))
    response = connection.getresponse()
    response.read()
    return response.status


def run_client(
    host: str,
    port: int,
    path: str,
    headers: Mapping[str, str],
    measure_from: float,
    until: float,
    result: LoadResult,
    lock: threading.Lock,
) -> None:
    """Send requests back to back until `until`; record those started after `measure_from`."""
    latencies: list[float] = []
    errors: Counter[str] = Counter()
    connection = http.client.HTTPConnection(host, port, timeout=REQUEST_TIMEOUT_SECONDS)
    while (started := time.perf_counter()) < until:
        try:
            status = fetch(connection, path, headers)
            outcome = "200" if status == 200 else f"HTTP {status}"
        except (OSError, http.client.HTTPException) as error:
            outcome = type(error).__name__
            connection.close()
            connection = http.client.HTTPConnection(host, port, timeout=REQUEST_TIMEOUT_SECONDS)
        if started < measure_from:
            continue
        if outcome == "200":
            latencies.append(time.perf_counter() - started)
        else:
            errors[outcome] += 1
    connection.close()
    with lock:
        result.latencies.extend(latencies)
        result.errors.update(errors)


def run_load(
    host: str,
    port: int,
    path: str,
    headers: Mapping[str, str] | None = None,
    *,
    clients: int = CLIENTS,
    seconds: float | None = None,
) -> LoadResult:
    """Load path with `clients` concurrent clients: a warm-up, then `seconds` measured.

    `seconds` defaults to BENCH_SECONDS.
    """
    seconds = measure_seconds() if seconds is None else seconds
    measure_from = time.perf_counter() + WARM_UP_SECONDS
    until = measure_from + seconds
    result = LoadResult(seconds=seconds)
    lock = threading.Lock()
    threads = [
        threading.Thread(
            target=run_client,
            args=(host, port, path, headers or {}, measure_from, until, result, lock),
        )
        for _ in range(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return result
