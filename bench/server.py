"""Run a WSGI app under gunicorn in a child process, on a free loopback port."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
WORKERS = 2
THREADS = 8
START_TIMEOUT_SECONDS = 30.0


@dataclass(frozen=True)
class Server:
    """A running gunicorn server: where it listens and where it logs."""

    host: str
    port: int
    log_path: Path


def free_port() -> int:
    """Return a loopback port that is free right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def gunicorn_command(app_spec: str, port: int, workers: int = WORKERS) -> list[str]:
    """Return the gunicorn command line shared by every benchmarked app."""
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "--workers",
        str(workers),
        "--worker-class",
        "gthread",
        "--threads",
        str(THREADS),
        "--bind",
        f"{HOST}:{port}",
        "--chdir",
        str(REPO_ROOT),
        app_spec,
    ]


def answers(port: int, path: str) -> bool:
    """Return True when GET path answers 200."""
    connection = http.client.HTTPConnection(HOST, port, timeout=2)
    try:
        connection.request("GET", path)
        return connection.getresponse().status == 200
    except OSError:
        return False
    finally:
        connection.close()


def wait_until_ready(process: subprocess.Popen, port: int, path: str, log_path: Path) -> None:
    """Wait until the server answers path with 200; fail with its log if it dies or stalls."""
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log = log_path.read_text()
            raise RuntimeError(f"gunicorn exited with {process.returncode}:\n{log}")
        if answers(port, path):
            return
        time.sleep(0.1)
    raise RuntimeError(f"gunicorn did not answer {path} in time:\n{log_path.read_text()}")


def stop(process: subprocess.Popen) -> None:
    """Stop gunicorn gracefully, or kill it if it does not stop in time."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextmanager
def gunicorn(
    app_spec: str,
    *,
    ready_path: str,
    log_path: Path,
    env: Mapping[str, str] | None = None,
    workers: int = WORKERS,
) -> Iterator[Server]:
    """Serve app_spec with gunicorn for the duration of the block."""
    port = free_port()
    with log_path.open("w") as log:
        process = subprocess.Popen(
            gunicorn_command(app_spec, port, workers),
            env={**os.environ, **(env or {})},
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_until_ready(process, port, ready_path, log_path)
        yield Server(HOST, port, log_path)
    finally:
        stop(process)
