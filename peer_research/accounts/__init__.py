"""Accounts: people, passwords, sign-in and password resets."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask

from peer_research.accounts.services import load_user_for_session
from peer_research.db import db
from peer_research.security import login_manager

# Where the home page finds the signed-in person's studies: set by the app factory, so
# that accounts needs nothing from the studies package (which depends on accounts).
LIST_STUDIES = "accounts.list_studies"


def init_app(app: Flask, *, list_studies: Callable) -> None:
    """Load the signed-in person from the session cookie; let the home page list their studies."""
    login_manager.user_loader(lambda identity: load_user_for_session(db.session, identity))
    app.extensions[LIST_STUDIES] = list_studies
