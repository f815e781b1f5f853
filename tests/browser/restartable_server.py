"""The app served from a child process that a test can really stop (SIGKILL) and start again
on the same port and database, for the tests of a server that dies.

Run as a script, it serves the app; `--hold-sync-answers` makes it store what the sync API
receives and then never answer, so a test can kill it while the tablet's request is in
flight. That hook lives only in this test file: production code has no such switch.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"
START_TIMEOUT_SECONDS = 30.0
SYNC_PATH_START = "/api/v1/studies/"
SYNC_PATH_END = "/interviews"


def free_port() -> int:
    """Return a loopback port that is free right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def answers(port: int) -> bool:
    """Return True when the server's health check answers 200."""
    connection = http.client.HTTPConnection(HOST, port, timeout=2)
    try:
        connection.request("GET", "/health")
        return connection.getresponse().status == 200
    except OSError:
        return False
    finally:
        connection.close()


@dataclass
class RestartableServer:
    """The app in a child process on a fixed port: start, kill and start it again."""

    config: dict
    instance_path: Path
    log_path: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    @property
    def base_url(self) -> str:
        """Return the address the browser uses, the same across restarts."""
        return f"http://{HOST}:{self.port}"

    def start(self, *, hold_sync_answers: bool = False) -> None:
        """Start the server and wait until it answers its health check."""
        command = [sys.executable, __file__, "--port", str(self.port)]
        command += ["--instance-path", str(self.instance_path)]
        if hold_sync_answers:
            command.append("--hold-sync-answers")
        path = os.pathsep.join(filter(None, [str(REPO_ROOT), os.environ.get("PYTHONPATH")]))
        environment = {
            **os.environ,
            "PYTHONPATH": path,  # this tree's code, not the installed one
            "RESTARTABLE_SERVER_CONFIG": json.dumps(self.config),
        }
        with self.log_path.open("a") as log:
            self.process = subprocess.Popen(  # noqa: S603 (this interpreter, this file)
                command, env=environment, stdout=log, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited early:\n{self.log_path.read_text()}")
            if answers(self.port):
                return
            time.sleep(0.1)
        self.kill()
        raise RuntimeError(f"the server did not start in time:\n{self.log_path.read_text()}")

    def kill(self) -> None:
        """Stop the server at once, as a power cut would (SIGKILL), and wait until it is gone."""
        if self.process is None:
            return
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        self.process = None
        deadline = time.monotonic() + 5
        while answers(self.port) and time.monotonic() < deadline:
            time.sleep(0.05)


class HoldSyncAnswers:
    """WSGI middleware: let the sync API store a batch, then never send its answer."""

    def __init__(self, app) -> None:
        self.app = app

    def __call__(self, environ, start_response):
        """Pass every request through, except that a sync POST's answer never leaves."""
        path = environ.get("PATH_INFO", "")
        is_sync = path.startswith(SYNC_PATH_START) and path.endswith(SYNC_PATH_END)
        if environ.get("REQUEST_METHOD") != "POST" or not is_sync:
            return self.app(environ, start_response)
        body = self.app(environ, lambda status, headers, exc_info=None: None)
        try:
            b"".join(body)  # the view has run and committed; its answer is dropped
        finally:
            getattr(body, "close", lambda: None)()
        print("sync batch stored; holding the answer until killed", flush=True)
        while True:
            time.sleep(60)


def serve() -> None:
    """Serve the app on the given port until killed (the script's entry point)."""
    from werkzeug.serving import make_server

    from peer_research import create_app

    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--instance-path", required=True)
    parser.add_argument("--hold-sync-answers", action="store_true")
    arguments = parser.parse_args()
    config = json.loads(os.environ["RESTARTABLE_SERVER_CONFIG"])
    app = create_app(config, instance_path=arguments.instance_path)
    wsgi = HoldSyncAnswers(app.wsgi_app) if arguments.hold_sync_answers else app.wsgi_app
    app.wsgi_app = wsgi
    make_server(HOST, arguments.port, app, threaded=True).serve_forever()


if __name__ == "__main__":
    serve()
