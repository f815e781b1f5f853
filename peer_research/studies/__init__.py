"""Studies: members, roles and invitations.

Other packages reach studies through `services` and the names exported here. The
invitation form is exported because the site administrator's invite page uses it too.
"""

from __future__ import annotations

from flask import Flask

from peer_research.studies import roles, services
from peer_research.studies.forms import InviteForm

__all__ = ["InviteForm", "init_app", "services"]


def init_app(app: Flask) -> None:
    """Name roles in every template."""
    roles.init_app(app)
