"""Serve the app with gunicorn, the production-style server, from our own command line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication


class GunicornServer(BaseApplication):
    """Run a ready-made Flask app under gunicorn with settings given in code."""

    def __init__(self, app: Flask, options: dict[str, Any]) -> None:
        self.application = app
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        """Pass our options to gunicorn."""
        for key, value in self.options.items():
            if key in self.cfg.settings and value is not None:
                self.cfg.set(key, value)

    def load(self) -> Flask:
        """Return the WSGI app."""
        return self.application


def serve(app: Flask, *, host: str, port: int, workers: int, threads: int) -> None:
    """Serve the app until interrupted."""
    options = {
        "bind": f"{host}:{port}",
        "workers": workers,
        "threads": threads,
        "worker_class": "gthread",
        "accesslog": None,  # the app logs each request itself, with its request id
        "errorlog": "-",
        "timeout": 60,
        "forwarded_allow_ips": "127.0.0.1",
        # One control socket per instance, so that several instances can run side by side.
        "control_socket": str(Path(app.instance_path) / "gunicorn.ctl"),
    }
    GunicornServer(app, options).run()
